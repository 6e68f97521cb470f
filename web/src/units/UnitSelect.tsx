// Pick a unit of the caller's jurisdiction by typing part of its name (diacritics optional).
import { useState } from 'react';
import { Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import type { Level, Unit } from '../lib/types.ts';
import { useUnitSearch } from './queries.ts';

interface Props extends Omit<SelectProps, 'data' | 'value' | 'onChange'> {
  value: string | null;
  /** Label of the selected unit ("name, parent name"), so the field can show it before any search. */
  valueLabel?: string | null;
  onChange(code: string | null, unit: Unit | null): void;
  levels?: Level[];
}

export function UnitSelect({ value, valueLabel, onChange, levels, ...rest }: Props) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [picked, setPicked] = useState<Unit | null>(null);
  // Once picked, the field shows "name (level), parent": search by the name part only.
  const q = useUnitSearch(debounced.replace(/\s*\([^)]*\)/, '').replace(/,.*$/, ''));
  const found = (q.data ?? []).filter((u) => !levels || levels.includes(u.level));
  // The parent's name tells apart the communes of a province that share a name (Lạng Sơn has two "Xã Tân Thành").
  const label = (u: Unit) => {
    const name = levels?.length === 1 ? u.name : `${u.name} (${t(`levels.${u.level}`)})`;
    return u.parentName ? `${name}, ${u.parentName}` : name;
  };
  const data = found.map((u) => ({ value: u.code, label: label(u) }));
  if (value && !data.some((d) => d.value === value)) data.unshift({ value, label: picked?.code === value ? label(picked) : (valueLabel ?? value) });
  return (
    <Select
      searchable
      clearable
      {...rest}
      data={data}
      value={value}
      searchValue={search}
      onSearchChange={setSearch}
      // The server already matched without diacritics; filtering again here would drop "lang son" → "Lạng Sơn".
      filter={({ options }) => options}
      nothingFoundMessage={debounced.trim() && !q.isFetching ? '—' : undefined}
      onChange={(code) => {
        const u = found.find((x) => x.code === code) ?? null;
        setPicked(u);
        onChange(code, u);
      }}
    />
  );
}
