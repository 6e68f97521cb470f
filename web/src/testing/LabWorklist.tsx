// The lab's worklist: every sealed pool, single specimen and re-test of a positive pool's member
// waiting for a result, re-tests first then oldest first, overdue ones marked. Scanning a tube
// finds its row; a result is three big buttons and a Ct.
import { useMemo, useState } from 'react';
import { Anchor, Badge, Button, Card, Group, NumberInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api, ApiError } from '../lib/api.ts';
import { formatDateTime, formatNumber } from '../lib/format.ts';
import { BarcodeInput, normaliseBarcode } from './BarcodeInput.tsx';
import { buzz, ScanFeedback, type ScanOutcome } from './EventWorkspace.tsx';
import { useWorklist, type AppliedResult, type TestResult, type WorkItem } from './api.ts';
import { errorMessage, testingFieldErrors } from './shared.ts';

const OUTCOMES: TestResult[] = ['negative', 'positive', 'invalid'];
const outcomeColor: Record<TestResult, string> = { negative: 'green', positive: 'red', invalid: 'orange' };
const typeColor: Record<WorkItem['type'], string> = { pool: 'grape', specimen: 'blue', retest: 'pink' };

export interface Saved {
  code: string;
  text: string;
  ok: boolean;
  caseId?: number;
}

export function LabWorklist({ labId }: { labId: string }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState('');
  const [debounced] = useDebouncedValue(filter, 200);
  const [selected, setSelected] = useState<string | null>(null);
  const [last, setLast] = useState<ScanOutcome | null>(null);
  const [saved, setSaved] = useState<Saved | null>(null);
  const q = useWorklist(labId);
  const items = useMemo(() => {
    const f = normaliseBarcode(debounced);
    return (q.data?.items ?? []).filter((w) => !f || w.barcode.includes(f) || (w.poolBarcode ?? '').includes(f));
  }, [q.data, debounced]);
  if (q.isPending) return <PageLoader />;
  if (q.error) return <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />;
  const onScan = (code: string) => {
    setSaved(null);
    const hit = q.data.items.find((w) => w.barcode === code);
    setSelected(hit ? code : null);
    setLast(hit ? null : { ok: false, code, text: t('testing.lab.notInWorklist') });
    buzz(!!hit);
  };
  const current = selected ? (q.data.items.find((w) => w.barcode === selected) ?? null) : null;
  const c = q.data.counts;
  return (
    <Stack gap="sm">
      <Card withBorder padding="sm">
        <BarcodeInput label={t('testing.lab.scanToEnter')} placeholder={t('testing.collect.scanPlaceholder')} onScan={onScan} feedback={<ScanFeedback last={last} />} name="labScan" />
        {current && (
          <ResultEntry
            key={current.barcode}
            item={current}
            labId={labId}
            onDone={(s) => {
              setSaved(s);
              setSelected(null);
            }}
          />
        )}
        {saved && (
          <div style={{ marginTop: 8 }}>
            <ScanFeedback last={saved} />
            {saved.caseId && (
              <Anchor component={Link} to={`/cases/${saved.caseId}`} size="sm" data-testid="saved-case-link">
                {t('testing.followup.openCase', { id: saved.caseId })}
              </Anchor>
            )}
          </div>
        )}
      </Card>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={600} data-testid="worklist-count">
          {t('testing.lab.waitingCounts', { pools: c.pools, specimens: c.specimens, retests: c.retests, overdue: c.overdue, hours: q.data.dueHours })}
        </Text>
        <TextInput size="xs" placeholder={t('testing.lab.filter')} value={filter} onChange={(e) => setFilter(e.currentTarget.value)} w={200} aria-label={t('testing.lab.filter')} />
      </Group>
      {c.openPools > 0 && (
        <Text size="xs" c="dimmed">
          {t('testing.lab.openPools', { count: c.openPools })}
        </Text>
      )}
      {items.length === 0 ? (
        <Text c="dimmed" data-testid="worklist-empty">
          {t('testing.lab.empty')}
        </Text>
      ) : (
        <Stack gap={6} data-testid="worklist">
          {items.slice(0, 500).map((w) => (
            <Card
              key={`${w.type}-${w.id}`}
              withBorder
              padding="xs"
              data-testid="work-item"
              data-barcode={w.barcode}
              style={{ cursor: 'pointer', borderColor: selected === w.barcode ? 'var(--mantine-color-blue-5)' : undefined }}
              onClick={() => (setSelected(w.barcode), setLast(null), setSaved(null))}
            >
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <div style={{ minWidth: 0 }}>
                  <Text fw={700} className="tabular" size="sm">
                    {w.barcode}
                  </Text>
                  <Text size="xs" c="dimmed" truncate>
                    {[
                      w.type === 'pool' ? t('testing.lab.poolOf', { count: w.members ?? 0 }) : w.subjectName,
                      w.type === 'retest' && w.poolBarcode ? t('testing.lab.fromPool', { pool: w.poolBarcode }) : null,
                      formatDateTime(w.collectedAt).slice(0, 16),
                      t('testing.lab.waitingHours', { n: formatNumber(w.waitingHours, 0) }),
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </Text>
                </div>
                <Group gap={4} wrap="nowrap">
                  {w.lastOutcome === 'invalid' && (
                    <Badge variant="light" color="orange">
                      {t('testing.lab.rerun')}
                    </Badge>
                  )}
                  {w.overdue && (
                    <Badge variant="filled" color="red">
                      {t('testing.lab.overdue')}
                    </Badge>
                  )}
                  <Badge variant="light" color={typeColor[w.type]}>
                    {t(`testing.lab.type.${w.type}`)}
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

function ResultEntry({ item, labId, onDone }: { item: WorkItem; labId: string; onDone(s: Saved): void }) {
  const { t } = useTranslation();
  const narrow = useMediaQuery('(max-width: 30em)');
  const qc = useQueryClient();
  const [outcome, setOutcome] = useState<TestResult | null>(null);
  const [ct, setCt] = useState<number | string>('');
  const m = useMutation({
    mutationFn: () => api<AppliedResult>('/testing/results', { method: 'POST', body: { labId: Number(labId), barcode: item.barcode, outcome: outcome ?? undefined, ...(ct === '' || outcome === 'invalid' ? {} : { ct: Number(ct) }) } }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['testing'] });
      const e = r.effects ?? {};
      const parts = [r.status === 'unchanged' ? t('testing.lab.unchanged') : t('testing.lab.saved', { result: t(`testing.result.${r.outcome ?? outcome}`) })];
      if (e.followUps) parts.push(t('testing.lab.followUpsCreated', { count: e.followUps }));
      if (e.caseAction === 'created') parts.push(t('testing.lab.caseCreated', { id: e.caseId }));
      if (e.caseAction === 'noted') parts.push(t('testing.lab.caseNoted', { id: e.caseId }));
      if (e.personRegistered === 'added') parts.push(t('testing.lab.personAdded'));
      if (e.personRegistered === 'found') parts.push(t('testing.lab.personFound'));
      if (e.caseAction === 'unregistered') parts.push(t('testing.lab.caseUnregistered'));
      if (e.caseAction === 'failed') parts.push(t('testing.lab.caseFailed', { code: e.caseError ?? '' }));
      buzz(true);
      notifications.show({ color: 'green', message: `${item.barcode}: ${parts[0]}` });
      onDone({ ok: true, code: item.barcode, text: parts.join(' '), caseId: e.caseId });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.fields[0]?.code === 'result_conflict') {
        void qc.invalidateQueries({ queryKey: ['testing', 'conflicts'] });
        buzz(false);
        onDone({ ok: false, code: item.barcode, text: t('testing.lab.heldConflict') });
      }
    },
  });
  const errs = testingFieldErrors(m.error, t);
  return (
    <Stack gap="sm" mt="sm" data-testid="result-entry">
      <Text fw={600}>
        {item.barcode} · {item.type === 'pool' ? t('testing.lab.poolOf', { count: item.members ?? 0 }) : item.subjectName}
      </Text>
      <SegmentedControl
        fullWidth
        size="md"
        value={outcome ?? ''}
        onChange={(v) => setOutcome(v as TestResult)}
        data={OUTCOMES.map((o) => ({ value: o, label: t(`testing.result.${o}`) }))}
        autoContrast
        orientation={narrow ? 'vertical' : 'horizontal'}
        color={outcome ? outcomeColor[outcome] : undefined}
        aria-label={t('testing.lab.result')}
      />
      {errs.outcome && (
        <Text c="red" size="sm">
          {errs.outcome}
        </Text>
      )}
      <Group align="flex-end" gap="sm">
        <NumberInput label={t('testing.lab.ct')} description={t('testing.lab.ctHint')} value={ct} onChange={setCt} min={0} max={50} step={0.1} decimalScale={2} decimalSeparator="," w={170} error={errs.ct} disabled={outcome === 'invalid'} name="ct" size="md" />
        <Button size="md" onClick={() => m.mutate()} loading={m.isPending} disabled={!outcome && ct === ''} color={outcome ? outcomeColor[outcome] : undefined}>
          {t('testing.lab.saveResult')}
        </Button>
      </Group>
      {m.error && !errs.outcome && !errs.ct && !(m.error instanceof ApiError && m.error.fields[0]?.code === 'result_conflict') && (
        <Text c="red" size="sm" role="alert">
          {errorMessage(m.error, t)}
        </Text>
      )}
    </Stack>
  );
}
