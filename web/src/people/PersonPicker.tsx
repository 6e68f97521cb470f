// Pick a person of the registry by typing a name (diacritics optional), a CCCD or a phone number.
import { useState } from 'react';
import { Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../lib/format.ts';
import type { Person } from '../lib/types.ts';
import { usePeopleSearch } from './queries.ts';

interface Props extends Omit<SelectProps, 'data' | 'value' | 'onChange'> {
  value: number | null;
  onChange(id: number | null, person: Person | null): void;
  /** People not to offer (already listed). */
  exclude?: number[];
  /** A person already chosen elsewhere, shown as the value. */
  initial?: Person | null;
}

export const personLabel = (p: Person) => [p.fullName, p.birthDate ? formatDate(p.birthDate) : null, p.villageName ?? p.communeName].filter(Boolean).join(' · ');

export function PersonPicker({ value, onChange, exclude = [], initial = null, ...rest }: Props) {
  const { t } = useTranslation();
  const [search, setSearch] = useState(initial ? personLabel(initial) : '');
  const [picked, setPicked] = useState<Person | null>(initial);
  const [debounced] = useDebouncedValue(search, 300);
  // Once picked, the field shows the label: do not search for it.
  const query = picked && search === personLabel(picked) ? '' : debounced;
  const res = usePeopleSearch(query.trim().length >= 2 ? query : '', null);
  const skip = new Set(exclude);
  const found = (res.data?.items ?? []).filter((p) => !skip.has(p.id));
  const data = found.map((p) => ({ value: String(p.id), label: personLabel(p) }));
  if (picked && value === picked.id && !data.some((d) => d.value === String(picked.id))) data.unshift({ value: String(picked.id), label: personLabel(picked) });
  return (
    <Select
      searchable
      clearable
      placeholder={t('cases.personSearch')}
      {...rest}
      data={data}
      value={value == null ? null : String(value)}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={query.trim().length >= 2 && !res.isFetching ? t('cases.noPerson') : undefined}
      onChange={(v) => {
        const p = found.find((x) => String(x.id) === v) ?? (picked && String(picked.id) === v ? picked : null);
        setPicked(p);
        onChange(p ? p.id : null, p);
      }}
    />
  );
}
