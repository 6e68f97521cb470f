// "Báo ca bệnh mới": a person of the registry, the dates, where they were found and the evidence
// (checked by the server against the F0 definition in force).
import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Radio, Select, SimpleGrid, Stack, TagsInput, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../lib/api.ts';
import { todayInVietnam } from '../lib/format.ts';
import { fieldErrors } from '../common/fieldErrors.ts';
import { DateField } from '../common/DateField.tsx';
import { PersonPicker } from '../people/PersonPicker.tsx';
import type { Person } from '../lib/types.ts';
import { SEVERITIES } from './api.ts';

/** Now as a datetime-local value (the browser's time zone: the health worker's). */
function localNow(): string {
  const d = new Date();
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function NewCaseForm({ onCreated }: { onCreated(id: number): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [person, setPerson] = useState<Person | null>(null);
  const [reportDate, setReportDate] = useState<string | null>(todayInVietnam());
  const [onsetDate, setOnsetDate] = useState<string | null>(null);
  const [sampleDate, setSampleDate] = useState<string | null>(todayInVietnam());
  const [detectedIn, setDetectedIn] = useState<'community' | 'quarantine'>('community');
  const [reportedVia, setReportedVia] = useState<'lab' | 'rapid_test' | 'health_worker'>('lab');
  const [pcr, setPcr] = useState(true);
  const [rapid, setRapid] = useState(false);
  const [rapidTwice, setRapidTwice] = useState(false);
  // When each positive rapid test was read, as the local time the health worker types (defaults to now).
  const [rapidAt, setRapidAt] = useState(localNow());
  const [rapidAt2, setRapidAt2] = useState(localNow());
  const [suspected, setSuspected] = useState(false);
  const [epiLink, setEpiLink] = useState(false);
  const [severity, setSeverity] = useState<string>('mild');
  const [comorbidities, setComorbidities] = useState<string[]>([]);
  const [pregnant, setPregnant] = useState(false);
  const [placeDetected, setPlaceDetected] = useState('');
  const [notes, setNotes] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});

  const m = useMutation({
    mutationFn: (body: unknown) => api<{ id: number }>('/cases', { method: 'POST', body }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['cases'] });
      onCreated(r.id);
    },
  });
  const errs = { ...fieldErrors(m.error, t), ...missing };

  const submit = () => {
    const miss: Record<string, string> = {};
    if (!person) miss.personId = t('fieldErrors.required');
    if (!reportDate) miss.reportDate = t('fieldErrors.required');
    setMissing(miss);
    if (Object.keys(miss).length) return;
    const times = rapid ? [rapidAt, ...(rapidTwice ? [rapidAt2] : [])].map((v) => new Date(v)) : [];
    if (times.some((d) => Number.isNaN(d.getTime()))) miss.evidence = t('fieldErrors.invalid_date');
    setMissing(miss);
    if (Object.keys(miss).length) return;
    const rapidPositiveAt = times.map((d) => d.toISOString());
    m.mutate({
      personId: person!.id,
      reportDate,
      onsetDate,
      sampleDate,
      detectedIn,
      reportedVia,
      evidence: { pcrPositive: pcr, rapidPositiveAt, suspected, epiLink },
      severity,
      comorbidities,
      pregnant: person?.sex === 'F' ? pregnant : false,
      placeDetected: placeDetected.trim() || null,
      notes: notes.trim() || null,
    });
  };

  return (
    <Stack gap="sm">
      <PersonPicker label={t('cases.person')} value={person?.id ?? null} onChange={(_, p) => setPerson(p)} error={errs.personId} required data-autofocus />
      <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
        <DateField label={t('cases.reportDate')} value={reportDate} onChange={setReportDate} error={errs.reportDate} required />
        <DateField label={t('cases.onsetDate')} value={onsetDate} onChange={setOnsetDate} error={errs.onsetDate} description={t('cases.onsetHint')} />
        <DateField label={t('cases.sampleDate')} value={sampleDate} onChange={setSampleDate} error={errs.sampleDate} />
      </SimpleGrid>
      <Radio.Group label={t('cases.detectedIn')} value={detectedIn} onChange={(v) => setDetectedIn(v as typeof detectedIn)}>
        <Group mt={4}>
          <Radio value="community" label={t('cases.detected.community')} />
          <Radio value="quarantine" label={t('cases.detected.quarantine')} />
        </Group>
      </Radio.Group>
      <Select
        label={t('cases.reportedViaLabel')}
        value={reportedVia}
        onChange={(v) => v && setReportedVia(v as typeof reportedVia)}
        data={(['lab', 'rapid_test', 'health_worker'] as const).map((v) => ({ value: v, label: t(`cases.via.${v}`) }))}
        allowDeselect={false}
      />
      <Stack gap={6} aria-label={t('cases.evidence')}>
        <Checkbox label={t('cases.ev.pcr')} checked={pcr} onChange={(e) => setPcr(e.currentTarget.checked)} />
        <Checkbox label={t('cases.ev.rapid')} checked={rapid} onChange={(e) => setRapid(e.currentTarget.checked)} />
        {rapid && (
          <Stack gap={6} ml="lg">
            <TextInput type="datetime-local" label={t('cases.ev.rapidAt')} value={rapidAt} onChange={(e) => setRapidAt(e.currentTarget.value)} maw={260} size="sm" />
            <Checkbox label={t('cases.ev.rapidTwice')} checked={rapidTwice} onChange={(e) => setRapidTwice(e.currentTarget.checked)} />
            {rapidTwice && <TextInput type="datetime-local" label={t('cases.ev.rapidAt2')} value={rapidAt2} onChange={(e) => setRapidAt2(e.currentTarget.value)} maw={260} size="sm" />}
          </Stack>
        )}
        <Checkbox label={t('cases.ev.suspected')} checked={suspected} onChange={(e) => setSuspected(e.currentTarget.checked)} />
        <Checkbox label={t('cases.ev.epiLink')} checked={epiLink} onChange={(e) => setEpiLink(e.currentTarget.checked)} />
      </Stack>
      {errs.evidence && (
        <Alert color="red" variant="light">
          {errs.evidence}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <Select label={t('cases.severity')} value={severity} onChange={(v) => v && setSeverity(v)} data={SEVERITIES.map((s) => ({ value: s, label: t(`cases.sev.${s}`) }))} allowDeselect={false} />
        <TextInput label={t('cases.placeDetected')} value={placeDetected} onChange={(e) => setPlaceDetected(e.currentTarget.value)} error={errs.placeDetected} />
      </SimpleGrid>
      <TagsInput label={t('cases.comorbidities')} description={t('cases.comorbiditiesHint')} value={comorbidities} onChange={setComorbidities} data={t('cases.commonComorbidities').split('|')} clearable />
      {person?.sex === 'F' && <Checkbox label={t('cases.pregnant')} checked={pregnant} onChange={(e) => setPregnant(e.currentTarget.checked)} />}
      <Textarea label={t('cases.notes')} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} autosize minRows={2} />
      {m.error instanceof ApiError && !Object.keys(errs).length && (
        <Alert color="red" variant="light">
          {m.error.message}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button onClick={submit} loading={m.isPending}>
          {t('cases.create')}
        </Button>
      </Group>
    </Stack>
  );
}
