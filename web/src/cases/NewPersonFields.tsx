// The fields of someone not in the population registry yet, for a contact. The server first looks
// for them in the registry: the possible matches it names are shown here to pick from.
import { Anchor, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api.ts';
import { formatDate, formatPhone } from '../lib/format.ts';
import type { Person } from '../lib/types.ts';
import { DateField } from '../common/DateField.tsx';
import { UnitSelect } from '../units/UnitSelect.tsx';

export interface NewPerson {
  fullName: string;
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  phone: string;
  cccd: string;
  unitCode: string | null;
  address: string;
}

export const emptyNewPerson: NewPerson = { fullName: '', birthDate: null, sex: null, phone: '', cccd: '', unitCode: null, address: '' };

export function NewPersonFields({ value, onChange, errors }: { value: NewPerson; onChange(v: NewPerson): void; errors: Record<string, string> }) {
  const { t } = useTranslation();
  const set = <K extends keyof NewPerson>(k: K, v: NewPerson[K]) => onChange({ ...value, [k]: v });
  return (
    <Stack gap="sm">
      <TextInput label={t('person.fullName')} value={value.fullName} onChange={(e) => set('fullName', e.currentTarget.value)} error={errors['newPerson.fullName']} required />
      <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
        <DateField label={t('person.birthDate')} value={value.birthDate} onChange={(v) => set('birthDate', v)} error={errors['newPerson.birthDate']} />
        <Select
          label={t('person.sex')}
          value={value.sex}
          onChange={(v) => set('sex', (v as 'M' | 'F' | null) ?? null)}
          data={[
            { value: 'M', label: t('person.M') },
            { value: 'F', label: t('person.F') },
          ]}
          clearable
        />
        <TextInput label={t('person.phone')} value={value.phone} onChange={(e) => set('phone', e.currentTarget.value)} error={errors['newPerson.phone']} inputMode="tel" />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <TextInput label={t('person.cccd')} value={value.cccd} onChange={(e) => set('cccd', e.currentTarget.value)} error={errors['newPerson.cccd']} inputMode="numeric" />
        <UnitSelect label={t('cases.residence')} levels={['commune', 'village']} value={value.unitCode} onChange={(code) => set('unitCode', code)} error={errors['newPerson.unitCode']} required />
      </SimpleGrid>
      <TextInput label={t('person.address')} value={value.address} onChange={(e) => set('address', e.currentTarget.value)} />
    </Stack>
  );
}

/** The registry people the server says this may be, with a way to pick one. */
export function PossibleDuplicates({ ids, onPick }: { ids: number[]; onPick(p: Person): void }) {
  const { t } = useTranslation();
  const people = useQueries({ queries: ids.map((id) => ({ queryKey: ['person', String(id)], queryFn: () => api<{ person: Person }>(`/people/${id}`) })) });
  return (
    <Paper bg="yellow.0" p="sm" radius="sm" data-testid="possible-duplicates">
      <Stack gap={6}>
        <Text size="sm" fw={600}>
          {t('cases.maybeKnown')}
        </Text>
        {people.map((q, i) =>
          q.data ? (
            <Group key={ids[i]} justify="space-between" wrap="nowrap">
              <Text size="sm">
                {[q.data.person.fullName, formatDate(q.data.person.birthDate), q.data.person.phone && formatPhone(q.data.person.phone), q.data.person.villageName ?? q.data.person.communeName].filter((x) => x && x !== '—').join(' · ')}
              </Text>
              <Anchor component="button" type="button" size="sm" onClick={() => onPick(q.data!.person)}>
                {t('cases.useThisPerson')}
              </Anchor>
            </Group>
          ) : null,
        )}
        <Text size="xs" c="dimmed">
          {t('cases.notThem')}
        </Text>
      </Stack>
    </Paper>
  );
}
