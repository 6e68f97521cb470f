// Pick the commune or village, outside the user's jurisdiction, that a contact lives in. Admin
// units only (GET /api/handovers/units): nobody's registry is searched here.
import { useState } from 'react';
import { Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api.ts';
import type { OtherUnit } from './api.ts';

interface Props extends Omit<SelectProps, 'data' | 'value' | 'onChange'> {
  value: string | null;
  onChange(code: string | null, unit: OtherUnit | null): void;
}

export function OtherCommuneSelect({ value, onChange, ...rest }: Props) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<OtherUnit | null>(null);
  const label = (u: OtherUnit) => `${u.name}${u.parentName ? `, ${u.parentName}` : ''}`;
  // Once picked, the field shows "name, parent": search by the name part only.
  const [debounced] = useDebouncedValue(search.replace(/,.*$/, '').trim(), 250);
  const q = useQuery({
    queryKey: ['handover-units', debounced],
    queryFn: ({ signal }) => api<OtherUnit[]>('/handovers/units', { query: { q: debounced }, signal }),
    enabled: debounced.length >= 2 && !(picked && label(picked).startsWith(debounced)),
    placeholderData: keepPreviousData,
    staleTime: 300_000,
  });
  const found = q.data ?? [];
  const data = found.map((u) => ({ value: u.code, label: label(u) }));
  if (picked && value === picked.code && !data.some((d) => d.value === picked.code)) data.unshift({ value: picked.code, label: label(picked) });
  return (
    <Select
      searchable
      clearable
      placeholder={t('handover.unitPlaceholder')}
      {...rest}
      data={data}
      value={value}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={debounced.length >= 2 && !q.isFetching ? t('handover.noUnit') : undefined}
      onChange={(code) => {
        const u = found.find((x) => x.code === code) ?? (picked?.code === code ? picked : null);
        setPicked(u);
        onChange(code, u);
      }}
    />
  );
}
