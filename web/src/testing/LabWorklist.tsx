// The lab's worklist: every pool and single sample received and waiting for a result, oldest
// first, overdue ones marked. Scanning a tube finds its row; a result is three big buttons and a Ct.
import { useMemo, useState } from 'react';
import { Badge, Button, Card, Group, NumberInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { formatDateTime } from '../lib/format.ts';
import { BarcodeInput, normaliseBarcode } from './BarcodeInput.tsx';
import { buzz, ScanFeedback, type ScanOutcome } from './EventWorkspace.tsx';
import type { TestResult, WorkItem } from './api.ts';
import { errorMessage, testingFieldErrors } from './shared.ts';

const OUTCOMES: TestResult[] = ['negative', 'positive', 'invalid'];
const outcomeColor: Record<TestResult, string> = { negative: 'green', positive: 'red', invalid: 'orange' };

export function LabWorklist({ labId }: { labId: string }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState('');
  const [debounced] = useDebouncedValue(filter, 200);
  const [selected, setSelected] = useState<string | null>(null);
  const [last, setLast] = useState<ScanOutcome | null>(null);
  const q = useQuery({
    queryKey: ['testing', 'worklist', labId],
    queryFn: ({ signal }) => api<{ items: WorkItem[]; total: number }>(`/testing/labs/${labId}/worklist`, { signal }),
    refetchInterval: 30_000,
  });
  const items = useMemo(() => {
    const f = normaliseBarcode(debounced);
    return (q.data?.items ?? []).filter((w) => !f || w.barcode.includes(f));
  }, [q.data, debounced]);
  if (q.isPending) return <PageLoader />;
  if (q.error) return <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />;
  const onScan = (code: string) => {
    const hit = q.data.items.find((w) => w.barcode === code);
    if (hit) {
      setSelected(code);
      setLast(null);
      buzz(true);
    } else {
      setSelected(code);
      setLast({ ok: false, code, text: t('testing.lab.notInWorklist') });
      buzz(false);
    }
  };
  const current = selected ? (q.data.items.find((w) => w.barcode === selected) ?? null) : null;
  return (
    <Stack gap="sm">
      <Card withBorder padding="sm">
        <BarcodeInput label={t('testing.lab.scanToEnter')} placeholder={t('testing.collect.scanPlaceholder')} onScan={onScan} feedback={<ScanFeedback last={last} />} name="labScan" />
        {current && (
          <ResultEntry
            key={current.barcode}
            item={current}
            labId={labId}
            onDone={(text) => {
              setLast({ ok: true, code: current.barcode, text });
              setSelected(null);
            }}
          />
        )}
        {!current && selected && last == null && null}
      </Card>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={600} data-testid="worklist-count">
          {t('testing.lab.waiting', { count: q.data.total })}
        </Text>
        <TextInput size="xs" placeholder={t('testing.lab.filter')} value={filter} onChange={(e) => setFilter(e.currentTarget.value)} w={200} aria-label={t('testing.lab.filter')} />
      </Group>
      {items.length === 0 ? (
        <Text c="dimmed" data-testid="worklist-empty">
          {t('testing.lab.empty')}
        </Text>
      ) : (
        <Stack gap={6} data-testid="worklist">
          {items.slice(0, 300).map((w) => (
            <Card
              key={`${w.kind}-${w.id}`}
              withBorder
              padding="xs"
              data-testid="work-item"
              data-barcode={w.barcode}
              style={{ cursor: 'pointer', borderColor: selected === w.barcode ? 'var(--mantine-color-blue-5)' : undefined }}
              onClick={() => (setSelected(w.barcode), setLast(null))}
            >
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <div style={{ minWidth: 0 }}>
                  <Text fw={700} className="tabular" size="sm">
                    {w.barcode}
                  </Text>
                  <Text size="xs" c="dimmed" truncate>
                    {[w.kind === 'pool' ? t('testing.lab.poolOf', { count: w.members }) : (w.fullName ?? t('testing.lab.single')), w.site, formatDateTime(w.collectedAt).slice(0, 16)].filter(Boolean).join(' · ')}
                  </Text>
                </div>
                <Group gap={4} wrap="nowrap">
                  {w.retestOf && (
                    <Badge variant="light" color="grape">
                      {t('testing.lab.retest')}
                    </Badge>
                  )}
                  {w.overdue && (
                    <Badge variant="filled" color="red">
                      {t('testing.lab.overdue')}
                    </Badge>
                  )}
                  <Badge variant="light" color={w.kind === 'pool' ? 'grape' : 'blue'}>
                    {t(`testing.lab.kind.${w.kind}`)}
                  </Badge>
                </Group>
              </Group>
            </Card>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function ResultEntry({ item, labId, onDone }: { item: WorkItem; labId: string; onDone(text: string): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [outcome, setOutcome] = useState<TestResult | null>(null);
  const [ct, setCt] = useState<number | string>('');
  const m = useMutation({
    mutationFn: () => api<{ status: 'recorded' | 'same' | 'conflict' | 'replaced'; followUps?: number; caseId?: number | null }>('/testing/results', { method: 'POST', body: { labId: Number(labId), barcode: item.barcode, outcome, ct: ct === '' ? null : Number(ct) } }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['testing'] });
      const text = r.status === 'conflict' ? t('testing.lab.heldConflict') : r.followUps ? t('testing.lab.followUpsCreated', { count: r.followUps }) : t('testing.lab.saved', { result: t(`testing.result.${outcome}`) });
      buzz(r.status !== 'conflict');
      notifications.show({ color: r.status === 'conflict' ? 'orange' : 'green', message: `${item.barcode}: ${text}` });
      onDone(text);
    },
  });
  const errs = testingFieldErrors(m.error, t);
  return (
    <Stack gap="sm" mt="sm" data-testid="result-entry">
      <Text fw={600}>
        {item.barcode} · {item.kind === 'pool' ? t('testing.lab.poolOf', { count: item.members }) : (item.fullName ?? t('testing.lab.single'))}
      </Text>
      <SegmentedControl
        fullWidth
        size="md"
        value={outcome ?? ''}
        onChange={(v) => setOutcome(v as TestResult)}
        data={OUTCOMES.map((o) => ({ value: o, label: t(`testing.result.${o}`) }))}
        color={outcome ? outcomeColor[outcome] : undefined}
        aria-label={t('testing.lab.result')}
      />
      {errs.outcome && (
        <Text c="red" size="sm">
          {errs.outcome}
        </Text>
      )}
      <Group align="flex-end" gap="sm">
        <NumberInput label={t('testing.lab.ct')} description={t('testing.lab.ctHint')} value={ct} onChange={setCt} min={0} max={50} step={0.1} decimalScale={2} decimalSeparator="," w={160} error={errs.ct} disabled={outcome === 'invalid'} name="ct" size="md" />
        <Button size="md" onClick={() => m.mutate()} loading={m.isPending} disabled={!outcome} color={outcome ? outcomeColor[outcome] : undefined}>
          {t('testing.lab.saveResult')}
        </Button>
      </Group>
      {m.error && !errs.outcome && !errs.ct && <Text c="red" size="sm" role="alert">{errorMessage(m.error, t)}</Text>}
    </Stack>
  );
}
