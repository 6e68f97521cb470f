// The capacity register (criterion 3) and the figures entered by hand for a unit and day, with an
// Excel import of figures for many units at once. Every value entered here shows as "nhập tay"
// (manual) or "sổ năng lực" (register) in the explanation.
import { useEffect, useState } from 'react';
import { Button, Card, Checkbox, FileButton, Group, NumberInput, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, csrfHeader, toApiError } from '../lib/api.ts';
import { currentLang } from '../i18n/index.ts';
import { fieldErrors } from '../common/fieldErrors.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { formatNumber } from '../lib/format.ts';
import { CAPACITY_FLAGS, CAPACITY_KEYS, MANUAL_KEYS, useCapacity, useManual, type CapacityEntry, type ManualEntry } from './api.ts';

type Values = Record<string, number | boolean | null>;

function useInvalidate() {
  const qc = useQueryClient();
  return () => {
    for (const k of ['levels', 'levels-unit', 'levels-capacity', 'levels-manual']) void qc.invalidateQueries({ queryKey: [k] });
  };
}

export function CapacityForm({ code, date }: { code: string; date: string }) {
  const { t } = useTranslation();
  const list = useCapacity(code, true);
  const invalidate = useInvalidate();
  const [v, setV] = useState<Values>({});
  const [note, setNote] = useState('');
  // Start from the entry in force (the latest on or before the day), so only changes need typing.
  useEffect(() => {
    const cur = (list.data ?? []).find((e) => e.day <= date);
    const next: Values = {};
    for (const k of [...CAPACITY_KEYS, ...CAPACITY_FLAGS]) next[k] = (cur?.[k] as number | boolean | null | undefined) ?? null;
    setV(next);
  }, [list.data, date]);
  const m = useMutation({
    mutationFn: () => api<CapacityEntry>(`/levels/capacity/${encodeURIComponent(code)}`, { method: 'PUT', body: { day: date, ...v, note: note || null } }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('levels.inputs.capacitySaved') });
      invalidate();
    },
  });
  const errs = fieldErrors(m.error, t);
  return (
    <Card withBorder padding="sm" data-testid="capacity-form">
      <Stack gap="xs">
        <Title order={4}>{t('levels.inputs.capacityTitle')}</Title>
        <Text size="xs" c="dimmed">
          {t('levels.inputs.capacityHint')}
        </Text>
        <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="xs">
          {CAPACITY_KEYS.map((k) => (
            <NumberInput
              key={k}
              label={t(`levels.input.capacity.${k}`)}
              min={0}
              allowDecimal={false}
              value={(v[k] as number | null) ?? ''}
              onChange={(x) => setV((s) => ({ ...s, [k]: typeof x === 'number' ? x : null }))}
              error={errs[k]}
            />
          ))}
        </SimpleGrid>
        <Group gap="md">
          {CAPACITY_FLAGS.map((k) => (
            <Checkbox key={k} label={t(`levels.input.capacity.${k}`)} checked={v[k] === true} onChange={(e) => setV((s) => ({ ...s, [k]: e.currentTarget.checked }))} />
          ))}
        </Group>
        <TextInput label={t('levels.inputs.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={1000} />
        {m.error && !Object.keys(errs).length ? <ErrorAlert error={m.error} /> : null}
        <Button onClick={() => m.mutate()} loading={m.isPending} variant="light">
          {t('levels.inputs.saveCapacity', { day: date.split('-').reverse().join('/') })}
        </Button>
      </Stack>
    </Card>
  );
}

export function ManualForm({ code, date }: { code: string; date: string }) {
  const { t } = useTranslation();
  const list = useManual(code, true);
  const invalidate = useInvalidate();
  const [v, setV] = useState<Values>({});
  const [note, setNote] = useState('');
  useEffect(() => {
    const cur = (list.data ?? []).find((e) => e.day === date);
    const next: Values = {};
    for (const k of MANUAL_KEYS) next[k] = (cur?.[k] as number | null | undefined) ?? null;
    setV(next);
    setNote(cur?.note ?? '');
  }, [list.data, date]);
  const m = useMutation({
    mutationFn: () => api<ManualEntry>(`/levels/manual/${encodeURIComponent(code)}`, { method: 'PUT', body: { day: date, ...v, note: note || null } }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('levels.inputs.manualSaved') });
      invalidate();
    },
  });
  const errs = fieldErrors(m.error, t);
  const recent = (list.data ?? []).slice(0, 7);
  return (
    <Card withBorder padding="sm" data-testid="manual-form">
      <Stack gap="xs">
        <Title order={4}>{t('levels.inputs.manualTitle')}</Title>
        <Text size="xs" c="dimmed">
          {t('levels.inputs.manualHint')}
        </Text>
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
          {MANUAL_KEYS.map((k) => (
            <NumberInput
              key={k}
              label={t(`levels.inputs.field.${k}`)}
              min={0}
              max={k.startsWith('coverage') ? 100 : undefined}
              decimalScale={k.startsWith('coverage') ? 1 : 0}
              allowDecimal={k.startsWith('coverage')}
              value={(v[k] as number | null) ?? ''}
              onChange={(x) => setV((s) => ({ ...s, [k]: typeof x === 'number' ? x : null }))}
              error={errs[k]}
            />
          ))}
        </SimpleGrid>
        <TextInput label={t('levels.inputs.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={1000} />
        {m.error && !Object.keys(errs).length ? <ErrorAlert error={m.error} /> : null}
        <Button onClick={() => m.mutate()} loading={m.isPending} variant="light" data-testid="manual-save">
          {t('levels.inputs.saveManual', { day: date.split('-').reverse().join('/') })}
        </Button>
        {recent.length > 0 && (
          <Table fz="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('levels.inputs.day')}</Table.Th>
                <Table.Th>{t('levels.inputs.field.communityCases')}</Table.Th>
                <Table.Th>{t('levels.inputs.field.coverageFirstDose18Pct')}</Table.Th>
                <Table.Th>{t('levels.inputs.via')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {recent.map((e) => (
                <Table.Tr key={e.day}>
                  <Table.Td>{e.day.split('-').reverse().join('/')}</Table.Td>
                  <Table.Td className="tabular">{formatNumber(e.communityCases)}</Table.Td>
                  <Table.Td className="tabular">{e.coverageFirstDose18Pct == null ? '—' : `${formatNumber(e.coverageFirstDose18Pct, 1)} %`}</Table.Td>
                  <Table.Td>{t(`levels.inputs.via_${e.via ?? 'form'}`)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}

/** Import figures by hand for many units from an Excel or CSV file (columns: Mã đơn vị, Ngày, then figures). */
export function ManualImport() {
  const { t } = useTranslation();
  const invalidate = useInvalidate();
  const m = useMutation({
    mutationFn: async (file: File) => {
      const form = new FormData();
      form.append('file', file);
      const res = await fetch('/api/levels/manual/import', { method: 'POST', body: form, headers: { ...csrfHeader(), 'Accept-Language': currentLang() }, credentials: 'same-origin' });
      if (!res.ok) throw await toApiError(res);
      return (await res.json()) as { saved: number; from: string; to: string };
    },
    onSuccess: (r) => {
      notifications.show({ color: 'green', message: t('levels.inputs.imported', { n: r.saved }) });
      invalidate();
    },
  });
  return (
    <Card withBorder padding="sm">
      <Stack gap="xs">
        <Title order={4}>{t('levels.inputs.importTitle')}</Title>
        <Text size="xs" c="dimmed">
          {t('levels.inputs.importHint')}
        </Text>
        <FileButton onChange={(f) => f && m.mutate(f)} accept=".xlsx,.csv">
          {(props) => (
            <Button {...props} variant="default" loading={m.isPending}>
              {t('levels.inputs.importButton')}
            </Button>
          )}
        </FileButton>
        {m.error ? <ErrorAlert error={m.error} /> : null}
        {m.error instanceof ApiError && m.error.fields.length ? (
          <Stack gap={0} data-testid="import-errors">
            {m.error.fields.slice(0, 20).map((f, i) => (
              <Text key={i} size="xs" c="red">
                {f.field}: {t(`fieldErrors.${f.code}`, { defaultValue: f.code })}
              </Text>
            ))}
          </Stack>
        ) : null}
      </Stack>
    </Card>
  );
}
