// One exposure to record: who, when, where, how close, how long, masked — what the F1 definition
// needs. Used for F1 of a case and for the next degree from a contact. The contact is a person of
// the registry in the officer's area, someone not in the registry yet, or someone who lives in
// another commune (recorded and handed over to that commune).
import { useState } from 'react';
import { Alert, Button, Group, NumberInput, Radio, SegmentedControl, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../lib/api.ts';
import { todayInVietnam } from '../lib/format.ts';
import { DateField } from '../common/DateField.tsx';
import { PersonPicker } from '../people/PersonPicker.tsx';
import { PROXIMITIES, SETTINGS, type AddedContact } from './api.ts';
import { emptyNewPerson, NewPersonFields, PossibleDuplicates, type NewPerson } from './NewPersonFields.tsx';
import { elsewhereContact, elsewhereReady, ElsewhereFields, emptyElsewhere, type Elsewhere } from '../handover/ElsewhereFields.tsx';
import { handoverFieldErrors } from '../handover/errors.ts';
import { newRequestId } from '../handover/requestId.ts';
import type { Person } from '../lib/types.ts';

interface Props {
  /** POST target: `/cases/:id/contacts` or `/contacts/:id/contacts`. */
  path: string;
  caseId: number;
  exclude: number[];
  defaultDate: string;
  onDone(added: AddedContact): void;
}

type Who = 'registry' | 'new' | 'elsewhere';

export function ContactForm({ path, caseId, exclude, defaultDate, onDone }: Props) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [who, setWho] = useState<Who>('registry');
  const [personId, setPersonId] = useState<number | null>(null);
  const [pickedDuplicate, setPickedDuplicate] = useState<Person | null>(null);
  const [newPerson, setNewPerson] = useState<NewPerson>(emptyNewPerson);
  const [elsewhere, setElsewhere] = useState<Elsewhere>(emptyElsewhere);
  // One key per hand-over: a retried request (weak network) is not recorded twice.
  const [requestId] = useState(newRequestId);
  const [exposureDate, setExposureDate] = useState<string | null>(defaultDate > todayInVietnam() ? todayInVietnam() : defaultDate);
  const [setting, setSetting] = useState<string>('household');
  const [proximity, setProximity] = useState<string>('within_2m');
  const [duration, setDuration] = useState<number | ''>(15);
  const [masked, setMasked] = useState<'yes' | 'no' | 'unknown'>('unknown');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const m = useMutation({
    mutationFn: (body: unknown) => api<{ contacts: AddedContact[] }>(path, { method: 'POST', body }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['case', String(caseId)] });
      if (r.contacts[0]?.handover) void qc.invalidateQueries({ queryKey: ['handovers'] });
      onDone(r.contacts[0]);
    },
  });
  const raw = handoverFieldErrors(m.error, t);
  // The API names fields contacts.0.personId: show them on this form's fields.
  const errs: Record<string, string> = { ...missing };
  for (const [k, v] of Object.entries(raw)) errs[k.replace(/^contacts\.0\./, '')] = v;
  const codes = m.error instanceof ApiError ? m.error.fields.map((f) => f.code) : [];

  // 409 with the registry people (of the officer's area) this may be: ids in the messages.
  const duplicates = m.error instanceof ApiError ? m.error.fields.filter((f) => f.code === 'possible_duplicate').map((f) => Number(f.message)) : [];
  const elsewhereNamesake = who === 'elsewhere' && codes.includes('possible_duplicate_elsewhere');

  const choose = (w: Who) => {
    setWho(w);
    m.reset();
    setMissing({});
  };

  const submit = (confirmNew = false) => {
    const miss: Record<string, string> = {};
    if (who === 'registry' && !personId) miss.personId = t('fieldErrors.required');
    if (who === 'new' && newPerson.fullName.trim().length < 2) miss['newPerson.fullName'] = t('fieldErrors.required');
    if (who === 'new' && !newPerson.unitCode) miss['newPerson.unitCode'] = t('fieldErrors.required');
    if (who === 'elsewhere' && !elsewhere.lookup?.found && !elsewhere.unitCode) miss['newPerson.unitCode'] = t('fieldErrors.required');
    if (!exposureDate) miss.exposureDate = t('fieldErrors.required');
    setMissing(miss);
    if (Object.keys(miss).length) return;
    const person =
      who === 'registry'
        ? { personId }
        : who === 'new'
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
          : { ...elsewhereContact(elsewhere, confirmNew), handover: { requestId, message: elsewhere.message.trim() || null } };
    m.mutate({
      contacts: [
        {
          ...person,
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

  // Errors of fields this form shows go next to them; the others (a hand-over refused, a race) in one alert.
  const personFields = ['fullName', 'cccd', 'phone', 'birthDate'];
  const shown = new Set([
    'exposureDate',
    'durationMinutes',
    ...(who === 'registry' ? ['personId'] : []),
    ...(who === 'new' ? [...personFields, 'unitCode'].map((f) => `newPerson.${f}`) : []),
    ...(who === 'elsewhere' ? [...personFields.map((f) => `identity.${f}`), ...[...personFields, 'unitCode'].map((f) => `newPerson.${f}`)] : []),
  ]);
  const unshown = Object.entries(errs).filter(([k]) => !shown.has(k) && k !== 'newPerson');

  return (
    <Stack gap="sm">
      <Radio.Group value={who} onChange={(v) => choose(v as Who)} label={t('cases.contactWho')}>
        <Stack gap={6} mt={4}>
          <Radio value="registry" label={t('cases.inRegistry')} />
          <Radio value="new" label={t('cases.notInRegistry')} />
          <Radio value="elsewhere" label={t('cases.livesElsewhere')} />
        </Stack>
      </Radio.Group>
      {who === 'registry' && (
        <PersonPicker label={t('cases.contactPerson')} value={personId} initial={pickedDuplicate} onChange={(id) => setPersonId(id)} exclude={exclude} error={errs.personId} required data-autofocus />
      )}
      {who === 'new' && <NewPersonFields value={newPerson} onChange={setNewPerson} errors={errs} />}
      {who === 'elsewhere' && (
        <ElsewhereFields
          value={elsewhere}
          onChange={(v) => {
            setElsewhere(v);
            if (m.error) m.reset();
          }}
          errors={errs}
          onUseRegistry={() => choose('registry')}
        />
      )}
      {who !== 'registry' && duplicates.length > 0 && (
        <PossibleDuplicates
          ids={duplicates}
          onPick={(p) => {
            choose('registry');
            setPickedDuplicate(p);
            setPersonId(p.id);
          }}
        />
      )}
      {elsewhereNamesake && (
        <Alert color="yellow" variant="light" data-testid="namesake-elsewhere">
          {t('handover.namesakeThere')}
        </Alert>
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
      {m.error instanceof ApiError && !duplicates.length && !elsewhereNamesake && (unshown.length > 0 || !Object.keys(raw).length) && (
        <Alert color="red" variant="light" data-testid="contact-error">
          {unshown.length ? unshown.map(([, v]) => v).join('; ') : m.error.message}
        </Alert>
      )}
      <Group justify="flex-end">
        {(who === 'new' && duplicates.length > 0) || (who === 'elsewhere' && (duplicates.length > 0 || elsewhereNamesake)) ? (
          <Button variant="default" onClick={() => submit(true)} loading={m.isPending}>
            {t('cases.addAsNew')}
          </Button>
        ) : null}
        {who === 'elsewhere' ? (
          <Button onClick={() => submit()} loading={m.isPending} disabled={!elsewhereReady(elsewhere)}>
            {t('handover.recordAndSend')}
          </Button>
        ) : (
          <Button onClick={() => submit()} loading={m.isPending}>
            {t('cases.addContact')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
