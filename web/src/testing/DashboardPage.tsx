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
import type { Dashboard, DashboardRow } from './api.ts';
import { pct } from './shared.ts';

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
  const d = q.data;

  const exportXlsx = async () => {
    if (!d) return;
    await downloadXlsx(
      `xet-nghiem-${from}-${to}.xlsx`,
      t('testing.dashboard.title'),
      [
        { header: t('testing.dashboard.unit'), key: 'name', width: 28 },
        { header: t('testing.dashboard.samples'), key: 'samples', numFmt: '#,##0' },
        { header: t('testing.dashboard.pools'), key: 'pools', numFmt: '#,##0' },
        { header: t('testing.dashboard.tests'), key: 'tests', numFmt: '#,##0' },
        { header: t('testing.dashboard.positives'), key: 'positives', numFmt: '#,##0' },
        { header: t('testing.dashboard.positivity'), key: 'positivity', numFmt: '0.00%' },
      ],
      d.byUnit.map((r) => ({ ...r, positivity: r.tests ? r.positives / r.tests : null })),
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
        <DashboardBody d={q.data} />
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

function DashboardBody({ d }: { d: Dashboard }) {
  const { t } = useTranslation();
  const tot = d.totals;
  const daily = useMemo(
    () => ({
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatNumber(v) },
      xAxis: { type: 'category', data: d.daily.map((x) => formatDate(x.date).slice(0, 5)) },
      yAxis: [
        { type: 'value', axisLabel: { formatter: (v: number) => formatNumber(v) } },
        { type: 'value', axisLabel: { formatter: (v: number) => `${formatNumber(v * 100)} %` }, splitLine: { show: false } },
      ],
      series: [
        { type: 'bar', name: t('testing.dashboard.singleSamples'), stack: 's', data: d.daily.map((x) => x.singleSamples), itemStyle: { color: '#339af0' } },
        { type: 'bar', name: t('testing.dashboard.pooledSamples'), stack: 's', data: d.daily.map((x) => x.pooledSamples), itemStyle: { color: '#9775fa' } },
        { type: 'line', name: t('testing.dashboard.positivity'), yAxisIndex: 1, data: d.daily.map((x) => (x.tests ? x.positives / x.tests : null)), itemStyle: { color: '#e03131' }, tooltip: { valueFormatter: (v: number) => pct(v, 2) } },
      ],
    }),
    [d.daily, t],
  );
  const turnaround = useMemo(
    () => ({
      grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: d.turnaround.buckets.map((b) => b.label) },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatNumber(v) } },
      series: [{ type: 'bar', name: t('testing.dashboard.samples'), data: d.turnaround.buckets.map((b) => b.count), itemStyle: { color: '#20c997' }, barMaxWidth: 36 }],
    }),
    [d.turnaround, t],
  );
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
        <Stat label={t('testing.dashboard.samples')} value={formatNumber(tot.samples)} testId="dash-samples" />
        <Stat label={t('testing.dashboard.pools')} value={formatNumber(tot.pools)} testId="dash-pools" />
        <Stat label={t('testing.dashboard.tests')} value={formatNumber(tot.tests)} testId="dash-tests" />
        <Stat label={t('testing.dashboard.positives')} value={formatNumber(tot.positives)} color={tot.positives ? 'red.8' : undefined} sub={t('testing.dashboard.positivityOf', { pct: pct(tot.tests ? tot.positives / tot.tests : null, 2) })} testId="dash-positives" />
        <Stat label={t('testing.dashboard.turnaroundMedian')} value={d.turnaround.medianHours == null ? '—' : t('testing.dashboard.hours', { n: formatNumber(d.turnaround.medianHours, 1) })} sub={d.turnaround.p90Hours == null ? undefined : t('testing.dashboard.p90', { n: formatNumber(d.turnaround.p90Hours, 1) })} />
        <Stat label={t('testing.dashboard.overdue')} value={formatNumber(d.overdue.total)} color={d.overdue.total ? 'orange.8' : undefined} sub={t('testing.dashboard.overdueHint', { hours: d.overdue.dueHours })} testId="dash-overdue" />
      </SimpleGrid>

      <Card withBorder>
        <Title order={2} size="h5" mb={4}>
          {t('testing.dashboard.capacity', { date: formatDate(d.capacity.date) })}
        </Title>
        <Text size="xs" c="dimmed" mb="sm">
          {t('testing.dashboard.capacityHint')}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <CapacityBar label={t('testing.dashboard.singleSamples')} used={d.capacity.single} target={d.capacity.singleTarget} color="blue" testId="cap-single" />
          <CapacityBar label={t('testing.dashboard.pooledSamples')} used={d.capacity.pooled} target={d.capacity.pooledTarget} color="grape" testId="cap-pooled" />
        </SimpleGrid>
        {d.capacity.labs.length > 0 && (
          <Table.ScrollContainer minWidth={480} mt="sm">
            <Table fz="sm" verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('testing.lab.lab')}</Table.Th>
                  <Table.Th ta="right">{t('testing.dashboard.testsToday')}</Table.Th>
                  <Table.Th ta="right">{t('testing.dashboard.labCapacity')}</Table.Th>
                  <Table.Th style={{ width: '35%' }} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.capacity.labs.map((l) => (
                  <Table.Tr key={l.id}>
                    <Table.Td>{l.name}</Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(l.tests)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(l.capacity)}
                    </Table.Td>
                    <Table.Td>{l.capacity ? <Progress value={Math.min(100, (100 * l.tests) / l.capacity)} color={l.tests > l.capacity ? 'red' : 'teal'} aria-label={l.name} /> : null}</Table.Td>
                  </Table.Tr>
                ))}
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
          <Suspense fallback={<div style={{ height: 260 }} />}>
            <Chart option={daily} height={260} testId="dash-daily" />
          </Suspense>
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
        <BreakdownTable title={t('testing.dashboard.byUnit')} first={t('testing.dashboard.unit')} rows={d.byUnit} testId="dash-by-unit" />
        <BreakdownTable title={t('testing.dashboard.byStratum')} first={t('testing.plans.stratumName')} rows={d.byStratum} testId="dash-by-stratum" />
      </SimpleGrid>

      <Card withBorder>
        <Group justify="space-between" mb="xs">
          <Title order={2} size="h5">
            {t('testing.dashboard.overdueList')}
          </Title>
          <Badge color={d.overdue.total ? 'orange' : 'green'} variant="light">
            {formatNumber(d.overdue.total)}
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
                  <Table.Th>{t('testing.lab.kindLabel')}</Table.Th>
                  <Table.Th>{t('testing.collect.site')}</Table.Th>
                  <Table.Th>{t('testing.lab.lab')}</Table.Th>
                  <Table.Th>{t('testing.dashboard.collectedAt')}</Table.Th>
                  <Table.Th ta="right">{t('testing.dashboard.ageHours')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.overdue.items.map((o) => (
                  <Table.Tr key={o.barcode}>
                    <Table.Td className="tabular">{o.barcode}</Table.Td>
                    <Table.Td>{t(`testing.lab.kind.${o.kind}`)}</Table.Td>
                    <Table.Td>{o.site ?? '—'}</Table.Td>
                    <Table.Td>{o.labName ?? t('testing.dashboard.notReceived')}</Table.Td>
                    <Table.Td className="tabular">{formatDateTime(o.collectedAt).slice(0, 16)}</Table.Td>
                    <Table.Td ta="right" className="tabular" c="orange.8">
                      {formatNumber(o.ageHours, 0)}
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

function BreakdownTable({ title, first, rows, testId }: { title: string; first: string; rows: DashboardRow[]; testId: string }) {
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
                const p = r.tests ? r.positives / r.tests : null;
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
