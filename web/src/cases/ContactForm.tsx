// One exposure to record: who, when, where, how close, how long, masked — what the F1 definition
// needs. Used for F1 of a case and for the next degree from a contact.
import { useState } from 'react';
import { Alert, Button, Group, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../lib/api.ts';
import { todayInVietnam } from '../lib/format.ts';
import { fieldErrors } from '../common/fieldErrors.ts';
import { DateField } from '../common/DateField.tsx';
import { PersonPicker } from '../people/PersonPicker.tsx';
import { PROXIMITIES, SETTINGS } from './api.ts';
import { emptyNewPerson, NewPersonFields, PossibleDuplicates, type NewPerson } from './NewPersonFields.tsx';
import type { Person } from '../lib/types.ts';

interface Props {
  /** POST target: `/cases/:id/contacts` or `/contacts/:id/contacts`. */
  path: string;
  caseId: number;
  exclude: number[];
  defaultDate: string;
  onDone(): void;
}

export function ContactForm({ path, caseId, exclude, defaultDate, onDone }: Props) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [personId, setPersonId] = useState<number | null>(null);
  const [pickedDuplicate, setPickedDuplicate] = useState<Person | null>(null);
  const [outside, setOutside] = useState(false);
  const [newPerson, setNewPerson] = useState<NewPerson>(emptyNewPerson);
  const [exposureDate, setExposureDate] = useState<string | null>(defaultDate > todayInVietnam() ? todayInVietnam() : defaultDate);
  const [setting, setSetting] = useState<string>('household');
  const [proximity, setProximity] = useState<string>('within_2m');
  const [duration, setDuration] = useState<number | ''>(15);
  const [masked, setMasked] = useState<'yes' | 'no' | 'unknown'>('unknown');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const m = useMutation({
    mutationFn: (body: unknown) => api<{ contacts: { id: number; meetsDefinition: boolean }[] }>(path, { method: 'POST', body }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['case', String(caseId)] });
      onDone();
    },
  });
  const raw = fieldErrors(m.error, t);
  // The API names fields contacts.0.personId: show them on this form's fields.
  const errs: Record<string, string> = { ...missing };
  for (const [k, v] of Object.entries(raw)) errs[k.replace(/^contacts\.0\./, '')] = v;

  // 409 with the registry people this may be (ids in the messages).
  const duplicates = m.error instanceof ApiError ? m.error.fields.filter((f) => f.code === 'possible_duplicate').map((f) => Number(f.message)) : [];

  const submit = (confirmNew = false) => {
    const miss: Record<string, string> = {};
    if (!outside && !personId) miss.personId = t('fieldErrors.required');
    if (outside && newPerson.fullName.trim().length < 2) miss['newPerson.fullName'] = t('fieldErrors.required');
    if (outside && !newPerson.unitCode) miss['newPerson.unitCode'] = t('fieldErrors.required');
    if (!exposureDate) miss.exposureDate = t('fieldErrors.required');
    setMissing(miss);
    if (Object.keys(miss).length) return;
    m.mutate({
      contacts: [
        {
          ...(outside
            ? {
                newPerson: {
                  fullName: newPerson.fullName.trim(),
                  birthDate: newPerson.birthDate,
                  sex: newPerson.sex,
                  phone: newPerson.phone.trim() || null,
                  cccd: newPerson.cccd.trim() || null,
                  unitCode: newPerson.unitCode,
                  address: newPerson.address.trim() || null,
                  confirmNew,
                },
              }
            : { personId }),
          exposureDate,
          setting,
          proximity,
          durationMinutes: duration === '' ? null : duration,
          masked: masked === 'unknown' ? null : masked === 'yes',
          source: setting === 'household' ? 'household' : 'interview',
        },
      ],
    });
  };

  return (
    <Stack gap="sm">
      <Switch label={t('cases.notInRegistry')} checked={outside} onChange={(e) => setOutside(e.currentTarget.checked)} />
      {outside ? (
        <NewPersonFields value={newPerson} onChange={setNewPerson} errors={errs} />
      ) : (
        <PersonPicker label={t('cases.contactPerson')} value={personId} initial={pickedDuplicate} onChange={(id) => setPersonId(id)} exclude={exclude} error={errs.personId} required data-autofocus />
      )}
      {outside && duplicates.length > 0 && (
        <PossibleDuplicates
          ids={duplicates}
          onPick={(p) => {
            setOutside(false);
            setPickedDuplicate(p);
            setPersonId(p.id);
            m.reset();
          }}
        />
      )}
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <DateField label={t('cases.exposureDate')} value={exposureDate} onChange={setExposureDate} error={errs.exposureDate} required />
        <Select label={t('cases.setting')} value={setting} onChange={(v) => v && setSetting(v)} data={SETTINGS.map((s) => ({ value: s, label: t(`cases.settings.${s}`) }))} allowDeselect={false} />
      </SimpleGrid>
      <Select label={t('cases.proximity')} value={proximity} onChange={(v) => v && setProximity(v)} data={PROXIMITIES.map((s) => ({ value: s, label: t(`cases.prox.${s}`) }))} allowDeselect={false} />
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <NumberInput label={t('cases.duration')} value={duration} onChange={(v) => setDuration(typeof v === 'number' ? v : '')} min={0} max={100000} suffix={` ${t('cases.minutes')}`} error={errs.durationMinutes} />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('cases.masked')}
          </Text>
          <SegmentedControl
            value={masked}
            onChange={(v) => setMasked(v as typeof masked)}
            data={[
              { value: 'yes', label: t('cases.yes') },
              { value: 'no', label: t('cases.no') },
              { value: 'unknown', label: t('cases.unknown') },
            ]}
          />
        </Stack>
      </SimpleGrid>
      {m.error instanceof ApiError && !Object.keys(raw).length && !duplicates.length && (
        <Alert color="red" variant="light">
          {m.error.message}
        </Alert>
      )}
      <Group justify="flex-end">
        {outside && duplicates.length > 0 && (
          <Button variant="default" onClick={() => submit(true)} loading={m.isPending}>
            {t('cases.addAsNew')}
          </Button>
        )}
        <Button onClick={() => submit()} loading={m.isPending}>
          {t('cases.addContact')}
        </Button>
      </Group>
    </Stack>
  );
}
