// "Tổng hợp xét nghiệm": samples collected, pools, tests run and positivity by unit and stratum,
// lab capacity used against the daily targets (8.000 single / 80.000 pooled by default policy),
// collection-to-result turnaround and the samples overdue.
import { lazy, Suspense, useMemo } from 'react';
import { Badge, Card, Group, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/auth.tsx';
import { DateField } from '../common/DateField.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ExcelButton } from '../common/ExcelButton.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { downloadXlsx } from '../lib/excel.ts';
import { formatDate, formatDateTime, formatNumber, todayInVietnam } from '../lib/format.ts';
import { useUrlParams } from '../lib/urlParams.ts';
import { UnitSelect } from '../units/UnitSelect.tsx';
import type { Dashboard, StratumPositivity } from './api.ts';
import { pct } from './shared.ts';

/** A percentage axis label with as many decimals as its step needs (shares of a target can be 0.05 %). */
function axisPercent(v: number): string {
  const p = v * 100;
  return `${formatNumber(p, p === 0 || p >= 10 ? 0 : p >= 1 ? 1 : 2)} %`;
}

const Chart = lazy(() => import('./Chart.tsx'));

function daysBefore(iso: string, n: number): string {
  const d = new Date(iso + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

export default function DashboardPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, update] = useUrlParams();
  const to = params.get('to') ?? todayInVietnam();
  const from = params.get('from') ?? daysBefore(to, 13);
  const unit = params.get('unit');
  const set = (k: string, v: string | null) =>
    update((next) => {
      if (v) next.set(k, v);
      else next.delete(k);
    });
  const q = useQuery({
    queryKey: ['testing', 'dashboard', from, to, unit],
    queryFn: ({ signal }) => api<Dashboard>('/testing/dashboard', { query: { from, to, unit }, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: 120_000,
  });
  const strata = useQuery<StratumPositivity[]>({
    queryKey: ['testing', 'strata-positivity', from, to],
    queryFn: ({ signal }) => api<{ items: StratumPositivity[] }>('/testing/dashboard/strata', { query: { from, to }, signal }).then((r) => r.items),
    placeholderData: keepPreviousData,
  });
  const d = q.data;

  const exportXlsx = async () => {
    if (!d) return;
    await downloadXlsx(
      `xet-nghiem-${from}-${to}.xlsx`,
      t('testing.dashboard.title'),
      [
        { header: t('testing.dashboard.unit'), key: 'name', width: 28 },
        { header: t('testing.dashboard.samples'), key: 'specimens', numFmt: '#,##0' },
        { header: t('testing.dashboard.tests'), key: 'resulted', numFmt: '#,##0' },
        { header: t('testing.dashboard.positives'), key: 'positive', numFmt: '#,##0' },
        { header: t('testing.dashboard.positivity'), key: 'positivity', numFmt: '0.00%' },
      ],
      d.byUnit,
    );
  };

  return (
    <Stack gap="md" maw={1400}>
      <Group justify="space-between" align="flex-end" gap="sm">
        <div>
          <Title order={1} size="h2">
            {t('testing.dashboard.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('testing.dashboard.intro')}
          </Text>
        </div>
        <Group gap="xs" align="flex-end">
          <DateField label={t('cases.from')} value={from} onChange={(v) => v && set('from', v)} w={140} name="from" />
          <DateField label={t('cases.to')} value={to} onChange={(v) => v && set('to', v)} w={140} name="to" />
          <UnitSelect label={t('testing.dashboard.unit')} levels={['province', 'district', 'commune']} value={unit} valueLabel={unit === me.unitCode ? me.unitName : undefined} onChange={(c) => set('unit', c)} w={220} placeholder={me.unitName} />
          <ExcelButton onExport={exportXlsx} disabled={!d} />
        </Group>
      </Group>
      {q.isPending ? (
        <PageLoader />
      ) : q.error ? (
        <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <DashboardBody d={q.data} strata={strata.data} />
      )}
    </Stack>
  );
}

function Stat({ label, value, sub, color, testId }: { label: string; value: string; sub?: string; color?: string; testId?: string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" c={color} className="tabular" data-testid={testId}>
        {value}
      </Text>
      {sub && (
        <Text size="xs" c="dimmed">
          {sub}
        </Text>
      )}
    </Card>
  );
}

function DashboardBody({ d, strata }: { d: Dashboard; strata: StratumPositivity[] | undefined }) {
  const { t } = useTranslation();
  const tot = d.totals;
  const cap = d.capacity;
  const lastDay = cap.byDay[cap.byDay.length - 1] ?? null;
  const daily = useMemo(
    () => ({
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatNumber(v) },
      xAxis: { type: 'category', data: d.byDay.map((x) => formatDate(x.day).slice(0, 5)) },
      yAxis: [
        { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => formatNumber(v) } },
        { type: 'value', min: 0, axisLabel: { formatter: axisPercent }, splitLine: { show: false } },
      ],
      series: [
        { type: 'bar', name: t('testing.dashboard.singleSamples'), stack: 's', data: d.byDay.map((x) => x.single), itemStyle: { color: '#339af0' } },
        { type: 'bar', name: t('testing.dashboard.pooledSamples'), stack: 's', data: d.byDay.map((x) => x.pooled), itemStyle: { color: '#9775fa' } },
        { type: 'line', name: t('testing.dashboard.positivity'), yAxisIndex: 1, data: d.byDay.map((x) => x.positivity), itemStyle: { color: '#e03131' }, tooltip: { valueFormatter: (v: number) => pct(v, 2) } },
      ],
    }),
    [d.byDay, t],
  );
  const capacityChart = useMemo(
    () => ({
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => pct(v, v < 0.01 ? 2 : 0) },
      xAxis: { type: 'category', data: cap.byDay.map((x) => formatDate(x.day).slice(0, 5)) },
      yAxis: { type: 'value', axisLabel: { formatter: axisPercent } },
      series: [
        { type: 'bar', name: t('testing.dashboard.singleSamples'), data: cap.byDay.map((x) => x.singleShare), itemStyle: { color: '#339af0' }, barMaxWidth: 18 },
        { type: 'bar', name: t('testing.dashboard.pooledSamples'), data: cap.byDay.map((x) => x.pooledShare), itemStyle: { color: '#9775fa' }, barMaxWidth: 18, markLine: { silent: true, symbol: 'none', lineStyle: { color: '#2f9e44', type: 'dashed' }, label: { formatter: t('testing.dashboard.target'), position: 'insideEndTop' }, data: [{ yAxis: 1 }] } },
      ],
    }),
    [cap.byDay, t],
  );
  const ta = d.turnaround;
  const turnaround = useMemo(
    () => ({
      grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatNumber(v) },
      xAxis: { type: 'category', data: [t('testing.dashboard.bucket12'), t('testing.dashboard.bucket24'), t('testing.dashboard.bucket48'), t('testing.dashboard.bucketOver')] },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => formatNumber(v) } },
      series: [{ type: 'bar', name: t('testing.dashboard.samples'), data: [ta.within12h, ta.within24h, { value: ta.within48h, itemStyle: { color: '#fab005' } }, { value: ta.over48h, itemStyle: { color: '#f03e3e' } }], itemStyle: { color: '#20c997' }, barMaxWidth: 48 }],
    }),
    [ta, t],
  );
  const within24 = ta.resulted ? (ta.within12h + ta.within24h) / ta.resulted : null;
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
        <Stat label={t('testing.dashboard.samples')} value={formatNumber(tot.specimens)} sub={t('testing.dashboard.singlePooled', { single: formatNumber(tot.single), pooled: formatNumber(tot.pooled) })} testId="dash-samples" />
        <Stat label={t('testing.dashboard.pools')} value={formatNumber(tot.pools)} sub={t('testing.dashboard.positivePools', { n: formatNumber(tot.positivePools) })} testId="dash-pools" />
        <Stat label={t('testing.dashboard.tests')} value={formatNumber(tot.resulted)} testId="dash-tests" />
        <Stat label={t('testing.dashboard.positives')} value={formatNumber(tot.positive)} color={tot.positive ? 'red.8' : undefined} sub={t('testing.dashboard.positivityOf', { pct: pct(tot.positivity, 2) })} testId="dash-positives" />
        <Stat label={t('testing.dashboard.turnaroundMean')} value={ta.meanHours == null ? '—' : ta.meanHours < 1 ? t('testing.dashboard.minutes', { n: formatNumber(ta.meanHours * 60) }) : t('testing.dashboard.hours', { n: formatNumber(ta.meanHours, 1) })} sub={within24 == null ? undefined : t('testing.dashboard.within24', { pct: pct(within24, 0) })} />
        <Stat label={t('testing.dashboard.overdue')} value={formatNumber(d.overdue.count)} color={d.overdue.count ? 'orange.8' : undefined} sub={t('testing.dashboard.overdueHint', { hours: d.overdue.dueHours })} testId="dash-overdue" />
      </SimpleGrid>

      <Card withBorder>
        <Title order={2} size="h5" mb={4}>
          {lastDay ? t('testing.dashboard.capacity', { date: formatDate(lastDay.day) }) : t('testing.dashboard.capacityTitle')}
        </Title>
        <Text size="xs" c="dimmed" mb="sm">
          {t('testing.dashboard.capacityHint', { version: cap.targets.policyVersion, source: cap.targets.source })}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <CapacityBar label={t('testing.dashboard.singleTests')} used={lastDay?.singleTests ?? 0} target={cap.targets.singlePerDay} color="blue" testId="cap-single" />
          <CapacityBar label={t('testing.dashboard.pooledSamples')} used={lastDay?.pooledSpecimens ?? 0} target={cap.targets.pooledPerDay} color="grape" testId="cap-pooled" />
        </SimpleGrid>
        {cap.byDay.length > 1 && (
          <Suspense fallback={<div style={{ height: 200 }} />}>
            <Chart option={capacityChart} height={200} testId="dash-capacity" />
          </Suspense>
        )}
        {cap.labs.length > 0 && (
          <Table.ScrollContainer minWidth={560} mt="sm">
            <Table fz="sm" verticalSpacing={4} data-testid="dash-labs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('testing.lab.lab')}</Table.Th>
                  <Table.Th ta="right">{t('testing.dashboard.perDaySingle')}</Table.Th>
                  <Table.Th ta="right">{t('testing.dashboard.perDayPooled')}</Table.Th>
                  <Table.Th ta="right">{t('testing.dashboard.labCapacity')}</Table.Th>
                  <Table.Th style={{ width: '28%' }}>{t('testing.dashboard.use')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {cap.labs.map((l) => {
                  const use = Math.max(l.useSingle ?? 0, l.usePooled ?? 0);
                  return (
                    <Table.Tr key={l.id}>
                      <Table.Td>{l.name}</Table.Td>
                      <Table.Td ta="right" className="tabular">
                        {formatNumber(l.perDaySingle)}
                      </Table.Td>
                      <Table.Td ta="right" className="tabular">
                        {formatNumber(l.perDayPooled)}
                      </Table.Td>
                      <Table.Td ta="right" className="tabular">
                        {formatNumber(l.capacitySingle)} / {formatNumber(l.capacityPooled)}
                      </Table.Td>
                      <Table.Td>
                        <Group gap={6} wrap="nowrap">
                          <Progress value={Math.min(100, use * 100)} color={use > 1 ? 'red' : use > 0.8 ? 'orange' : 'teal'} style={{ flex: 1 }} aria-label={l.name} />
                          <Text size="xs" className="tabular" w={44} ta="right">
                            {pct(use, 0)}
                          </Text>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>

      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Card withBorder>
          <Title order={2} size="h5" mb="xs">
            {t('testing.dashboard.daily')}
          </Title>
          {d.byDay.length ? (
            <Suspense fallback={<div style={{ height: 260 }} />}>
              <Chart option={daily} height={260} testId="dash-daily" />
            </Suspense>
          ) : (
            <Text c="dimmed" size="sm">
              {t('testing.dashboard.noData')}
            </Text>
          )}
        </Card>
        <Card withBorder>
          <Title order={2} size="h5" mb="xs">
            {t('testing.dashboard.turnaround')}
          </Title>
          <Suspense fallback={<div style={{ height: 260 }} />}>
            <Chart option={turnaround} height={260} testId="dash-turnaround" />
          </Suspense>
        </Card>
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <BreakdownTable
          title={t('testing.dashboard.byUnit')}
          first={t('testing.dashboard.unit')}
          rows={d.byUnit.map((u) => ({ key: u.unitCode, name: u.name, samples: u.specimens, tests: u.resulted, positives: u.positive, positivity: u.positivity }))}
          testId="dash-by-unit"
        />
        <BreakdownTable
          title={t('testing.dashboard.byStratum')}
          first={t('testing.plans.stratumName')}
          rows={(strata ?? []).map((s) => ({ key: String(s.stratumId), name: `${s.name} (${formatDate(s.planDate).slice(0, 5)})`, samples: s.collected, tests: s.resulted, positives: s.positive, positivity: s.positivity }))}
          testId="dash-by-stratum"
        />
      </SimpleGrid>

      <Card withBorder>
        <Group justify="space-between" mb="xs">
          <Title order={2} size="h5">
            {t('testing.dashboard.overdueList')}
          </Title>
          <Badge color={d.overdue.count ? 'orange' : 'green'} variant="light">
            {formatNumber(d.overdue.count)}
          </Badge>
        </Group>
        {d.overdue.items.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t('testing.dashboard.noOverdue')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table fz="sm" verticalSpacing={4} striped data-testid="dash-overdue-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('testing.followup.tube')}</Table.Th>
                  <Table.Th>{t('testing.dashboard.pool')}</Table.Th>
                  <Table.Th>{t('person.commune')}</Table.Th>
                  <Table.Th>{t('testing.lab.lab')}</Table.Th>
                  <Table.Th>{t('testing.dashboard.collectedAt')}</Table.Th>
                  <Table.Th ta="right">{t('testing.dashboard.ageHours')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.overdue.items.map((o) => (
                  <Table.Tr key={o.id}>
                    <Table.Td className="tabular">{o.barcode}</Table.Td>
                    <Table.Td className="tabular">{o.poolBarcode ?? '—'}</Table.Td>
                    <Table.Td>{o.communeName ?? '—'}</Table.Td>
                    <Table.Td>{o.labName ?? t('testing.dashboard.notReceived')}</Table.Td>
                    <Table.Td className="tabular">{formatDateTime(o.collectedAt).slice(0, 16)}</Table.Td>
                    <Table.Td ta="right" className="tabular" c="orange.8">
                      {formatNumber(o.waitingHours, 0)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}

function CapacityBar({ label, used, target, color, testId }: { label: string; used: number; target: number; color: string; testId: string }) {
  const { t } = useTranslation();
  const share = target ? used / target : 0;
  return (
    <div data-testid={testId}>
      <Group justify="space-between" mb={4}>
        <Text size="sm" fw={600}>
          {label}
        </Text>
        <Text size="sm" className="tabular">
          {t('testing.dashboard.ofTarget', { used: formatNumber(used), target: formatNumber(target), pct: pct(share, 0) })}
        </Text>
      </Group>
      <Progress value={Math.min(100, share * 100)} color={share >= 1 ? 'green' : color} size="xl" radius="sm" aria-label={label} />
    </div>
  );
}

interface BreakdownRow {
  key: string;
  name: string;
  samples: number;
  tests: number;
  positives: number;
  positivity: number | null;
}

function BreakdownTable({ title, first, rows, testId }: { title: string; first: string; rows: BreakdownRow[]; testId: string }) {
  const { t } = useTranslation();
  return (
    <Card withBorder>
      <Title order={2} size="h5" mb="xs">
        {title}
      </Title>
      {rows.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('testing.dashboard.noData')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={420}>
          <Table fz="sm" verticalSpacing={4} striped data-testid={testId}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{first}</Table.Th>
                <Table.Th ta="right">{t('testing.dashboard.samples')}</Table.Th>
                <Table.Th ta="right">{t('testing.dashboard.tests')}</Table.Th>
                <Table.Th ta="right">{t('testing.dashboard.positives')}</Table.Th>
                <Table.Th ta="right">{t('testing.dashboard.positivity')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => {
                const p = r.positivity;
                return (
                  <Table.Tr key={r.key}>
                    <Table.Td>{r.name}</Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(r.samples)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(r.tests)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(r.positives)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular" fw={p && p >= 0.05 ? 700 : undefined} c={p && p >= 0.05 ? 'red.8' : undefined}>
                      {pct(p, 2)}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}
