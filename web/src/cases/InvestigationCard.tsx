// The case investigation form. Saves with the version it read: when someone else saved first the
// server answers 409 'stale' and the officer reloads to see their change — nothing is overwritten.
import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, Group, Paper, Select, SimpleGrid, Stack, TagsInput, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../lib/api.ts';
import { fieldErrors } from '../common/fieldErrors.ts';
import { DateField } from '../common/DateField.tsx';
import { SEVERITIES, STATUSES, VACCINATION, type CaseRecord } from './api.ts';

type Form = Pick<
  CaseRecord,
  'reportDate' | 'onsetDate' | 'sampleDate' | 'detectedIn' | 'severity' | 'vaccinationStatus' | 'lastDoseDate' | 'comorbidities' | 'pregnant' | 'status' | 'outcomeDate' | 'placeDetected' | 'notes'
>;
const KEYS: (keyof Form)[] = ['reportDate', 'onsetDate', 'sampleDate', 'detectedIn', 'severity', 'vaccinationStatus', 'lastDoseDate', 'comorbidities', 'pregnant', 'status', 'outcomeDate', 'placeDetected', 'notes'];
const formOf = (c: CaseRecord): Form => Object.fromEntries(KEYS.map((k) => [k, c[k]])) as Form;

export function InvestigationCard({ record, canEdit }: { record: CaseRecord; canEdit: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [f, setF] = useState<Form>(formOf(record));
  useEffect(() => setF(formOf(record)), [record]);
  const changed = KEYS.filter((k) => JSON.stringify(f[k] ?? null) !== JSON.stringify(record[k] ?? null));
  const m = useMutation({
    mutationFn: () => api<CaseRecord>(`/cases/${record.id}`, { method: 'PATCH', body: { version: record.version, ...Object.fromEntries(changed.map((k) => [k, f[k]])) } }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('cases.saved') });
      void qc.invalidateQueries({ queryKey: ['case', String(record.id)] });
      void qc.invalidateQueries({ queryKey: ['cases'] });
    },
  });
  const stale = m.error instanceof ApiError && m.error.code === 'stale';
  const errs = stale ? {} : fieldErrors(m.error, t);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setF((p) => ({ ...p, [k]: v }));
  const ro = !canEdit;

  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('cases.investigation')}
        </Title>
        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
          <DateField label={t('cases.reportDate')} value={f.reportDate} onChange={(v) => v && set('reportDate', v)} error={errs.reportDate} readOnly={ro} />
          <DateField label={t('cases.onsetDate')} value={f.onsetDate} onChange={(v) => set('onsetDate', v)} error={errs.onsetDate} readOnly={ro} />
          <DateField label={t('cases.sampleDate')} value={f.sampleDate} onChange={(v) => set('sampleDate', v)} error={errs.sampleDate} readOnly={ro} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
          <Select
            label={t('cases.detectedIn')}
            value={f.detectedIn}
            onChange={(v) => v && set('detectedIn', v as Form['detectedIn'])}
            data={(['community', 'quarantine'] as const).map((v) => ({ value: v, label: t(`cases.detected.${v}`) }))}
            allowDeselect={false}
            readOnly={ro}
          />
          <Select label={t('cases.severity')} value={f.severity} onChange={(v) => v && set('severity', v)} data={SEVERITIES.map((s) => ({ value: s, label: t(`cases.sev.${s}`) }))} allowDeselect={false} readOnly={ro} />
          <TextInput label={t('cases.placeDetected')} value={f.placeDetected ?? ''} onChange={(e) => set('placeDetected', e.currentTarget.value || null)} readOnly={ro} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
          <Select
            label={t('cases.vaccination')}
            value={f.vaccinationStatus}
            onChange={(v) => v && set('vaccinationStatus', v)}
            data={VACCINATION.map((s) => ({ value: s, label: t(`cases.vacc.${s}`) }))}
            allowDeselect={false}
            readOnly={ro}
            description={t('cases.vaccinationHint')}
          />
          <DateField label={t('cases.lastDoseDate')} value={f.lastDoseDate} onChange={(v) => set('lastDoseDate', v)} error={errs.lastDoseDate} readOnly={ro} />
          <Checkbox mt={{ xs: 30 }} label={t('cases.pregnant')} checked={f.pregnant} onChange={(e) => set('pregnant', e.currentTarget.checked)} disabled={ro || record.sex === 'M'} />
        </SimpleGrid>
        <TagsInput label={t('cases.comorbidities')} value={f.comorbidities} onChange={(v) => set('comorbidities', v)} data={t('cases.commonComorbidities').split('|')} readOnly={ro} />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <Select
            label={t('cases.statusLabel')}
            value={f.status}
            onChange={(v) => v && set('status', v as Form['status'])}
            data={STATUSES.map((s) => ({ value: s, label: t(`cases.status.${s}`) }))}
            allowDeselect={false}
            readOnly={ro}
          />
          <DateField label={t('cases.outcomeDate')} value={f.outcomeDate} onChange={(v) => set('outcomeDate', v)} error={errs.outcomeDate} readOnly={ro} />
        </SimpleGrid>
        <Textarea label={t('cases.notes')} value={f.notes ?? ''} onChange={(e) => set('notes', e.currentTarget.value || null)} autosize minRows={2} readOnly={ro} />
        {stale && (
          <Alert color="orange" variant="light" data-testid="stale">
            <Stack gap="xs">
              {m.error!.message}
              <Group>
                <Button
                  size="xs"
                  variant="white"
                  onClick={() => {
                    m.reset();
                    void qc.invalidateQueries({ queryKey: ['case', String(record.id)] });
                  }}
                >
                  {t('cases.reload')}
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        {canEdit && (
          <Group justify="flex-end">
            <Button variant="default" disabled={!changed.length} onClick={() => setF(formOf(record))}>
              {t('cases.undo')}
            </Button>
            <Button disabled={!changed.length} loading={m.isPending} onClick={() => m.mutate()}>
              {t('cases.save')}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
