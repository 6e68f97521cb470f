// Pick several communes and villages for a zone: search any unit of the jurisdiction by name, and
// for a commune officer tick their own commune or its villages directly.
import { useState } from 'react';
import { Chip, Group, Input, Pill, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/auth.tsx';
import { UnitSelect } from '../units/UnitSelect.tsx';
import { useUnit } from '../units/queries.ts';

export interface PickedUnit {
  code: string;
  name: string;
}

export function UnitMultiPick({ value, onChange, error, label }: { value: PickedUnit[]; onChange(v: PickedUnit[]): void; error?: string; label: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const own = useUnit(me.unitCode);
  // Remounting the search box after each pick empties it for the next name.
  const [searchKey, setSearchKey] = useState(0);
  const quick = own.data?.unit.level === 'commune' ? [own.data.unit, ...own.data.children.filter((c) => c.level === 'village').sort((a, b) => a.name.localeCompare(b.name, 'vi', { numeric: true }))] : [];
  const has = (code: string) => value.some((u) => u.code === code);
  const toggle = (u: PickedUnit) => onChange(has(u.code) ? value.filter((x) => x.code !== u.code) : [...value, u]);

  return (
    <Input.Wrapper label={label} error={error} required>
      <Stack gap="xs" mt={4}>
        {quick.length > 0 && (
          <Group gap={6} data-testid="unit-quick-picks">
            {quick.map((u) => (
              <Chip key={u.code} checked={has(u.code)} onChange={() => toggle({ code: u.code, name: u.name })} size="sm">
                {u.level === 'commune' ? t('zones.form.wholeCommune', { name: u.name }) : u.name}
              </Chip>
            ))}
          </Group>
        )}
        <UnitSelect
          key={searchKey}
          aria-label={t('zones.form.unitSearch')}
          placeholder={t('zones.form.unitSearch')}
          levels={['commune', 'village']}
          value={null}
          onChange={(code, unit) => {
            if (code && !has(code)) onChange([...value, { code, name: unit ? (unit.parentName ? `${unit.name}, ${unit.parentName}` : unit.name) : code }]);
            setSearchKey((k) => k + 1);
          }}
          error={!!error}
        />
        {value.length > 0 ? (
          <Pill.Group data-testid="picked-units">
            {value.map((u) => (
              <Pill key={u.code} withRemoveButton onRemove={() => onChange(value.filter((x) => x.code !== u.code))} removeButtonProps={{ 'aria-label': t('zones.form.removeUnit', { name: u.name }) }}>
                {u.name}
              </Pill>
            ))}
          </Pill.Group>
        ) : (
          <Text size="sm" c="dimmed">
            {t('zones.form.noUnits')}
          </Text>
        )}
      </Stack>
    </Input.Wrapper>
  );
}
