// "Gợi ý cỡ gộp mẫu": from the estimated prevalence, the pool size k with the fewest expected tests
// per person (Dorfman: 1/k + 1 − (1 − p)^k), within the policy's maximum, and what it saves.
import { lazy, Suspense, useMemo, useState } from 'react';
import { Badge, Card, Group, NumberInput, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { api } from '../lib/api.ts';
import { formatNumber } from '../lib/format.ts';
import type { PoolAdvice } from './api.ts';

type Advice = PoolAdvice & { areaRisk: 'low' | 'high'; riskReason: string | null; policy: { key: string; version: number; source: string } };
import { pct } from './shared.ts';

const Chart = lazy(() => import('./Chart.tsx'));

/** With a unit the area's risk comes from the policy (zones, listed units); without one the officer says which kind of area. */
export function PoolAdvisor({ unitCode, initialPrevalence = 1 }: { unitCode?: string | null; initialPrevalence?: number }) {
  const { t } = useTranslation();
  const [prev, setPrev] = useState<number | string>(initialPrevalence);
  const [risk, setRisk] = useState<'low' | 'high'>('low');
  const [debounced] = useDebouncedValue(Number(prev), 300);
  const valid = Number.isFinite(debounced) && debounced > 0 && debounced < 100;
  const q = useQuery({
    queryKey: ['testing', 'advisor', debounced, unitCode, risk],
    queryFn: ({ signal }) => api<Advice>('/testing/pool-advisor', { query: { prevalence: debounced / 100, unit: unitCode, risk: unitCode ? undefined : risk }, signal }),
    enabled: valid,
    placeholderData: keepPreviousData,
  });
  const a = q.data;
  const option = useMemo(() => {
    if (!a) return null;
    const rows = a.table.filter((r) => r.k >= 1);
    const best = a.withinPolicy.k;
    const max = a.withinPolicy.maxPoolSize;
    return {
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatNumber(v, 3) },
      xAxis: { type: 'category', name: 'k', nameGap: 4, data: rows.map((r) => r.k) },
      yAxis: { type: 'value', name: t('testing.advisor.testsPerPerson'), nameTextStyle: { align: 'left' }, min: 0, axisLabel: { formatter: (v: number) => formatNumber(v, 2) } },
      series: [
        {
          type: 'bar',
          name: t('testing.advisor.testsPerPerson'),
          data: rows.map((r) => ({
            value: Number(r.expected.toFixed(4)),
            itemStyle: { color: r.k === best ? '#2f9e44' : r.k > max ? '#ced4da' : '#4dabf7' },
          })),
          barMaxWidth: 22,
          markLine: { silent: true, symbol: 'none', lineStyle: { color: '#e03131', type: 'dashed' }, label: { formatter: t('testing.advisor.individual'), position: 'insideEndTop' }, data: [{ yAxis: 1 }] },
        },
      ],
    };
  }, [a, t]);
  const w = a?.withinPolicy;
  const helps = !!a && a.poolingHelps && !!w && w.k > 1;
  const shown = a && w ? a.table.filter((r) => r.k >= 2 && (r.k <= w.maxPoolSize || r.k === a.optimum.k)) : [];
  return (
    <Card withBorder data-testid="pool-advisor">
      <Title order={3} size="h5" mb={4}>
        {t('testing.advisor.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('testing.advisor.intro')}
      </Text>
      <Stack gap="sm">
        <NumberInput
          label={t('testing.advisor.prevalence')}
          value={prev}
          onChange={setPrev}
          min={0.01}
          max={99}
          step={0.5}
          decimalScale={2}
          decimalSeparator=","
          suffix=" %"
          w={200}
          error={!valid && String(prev) !== '' ? t('fieldErrors.invalid') : undefined}
          name="advisorPrevalence"
        />
        {!unitCode && (
          <SegmentedControl
            value={risk}
            onChange={(v) => setRisk(v as 'low' | 'high')}
            data={[
              { value: 'low', label: t('testing.advisor.lowRiskArea') },
              { value: 'high', label: t('testing.advisor.highRiskArea') },
            ]}
            aria-label={t('testing.advisor.area')}
            w="fit-content"
          />
        )}
        {q.error ? (
          <ErrorAlert error={q.error} />
        ) : a ? (
          <>
            <SimpleGrid cols={{ base: 3 }} spacing="xs">
              <div>
                <Text size="xs" c="dimmed">
                  {t('testing.advisor.recommended')}
                </Text>
                <Text fw={700} size="xl" data-testid="advisor-k">
                  {helps ? w!.k : t('testing.advisor.noPooling')}
                </Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  {t('testing.advisor.testsPerPerson')}
                </Text>
                <Text fw={700} size="xl" className="tabular" data-testid="advisor-e">
                  {formatNumber(w!.expected, 4)}
                </Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  {t('testing.advisor.saving')}
                </Text>
                <Text fw={700} size="xl" c={w!.saving > 0 ? 'green.8' : undefined} className="tabular" data-testid="advisor-saving">
                  {pct(w!.saving, 1)}
                </Text>
              </div>
            </SimpleGrid>
            <Text size="sm">
              {helps ? t('testing.advisor.explain', { k: w!.k, per1000: formatNumber(w!.expected * 1000), max: w!.maxPoolSize }) : t('testing.advisor.noPoolingExplain')}
              {a.areaRisk === 'high' ? ` ${t('testing.advisor.highRisk')}` : ''}
            </Text>
            {helps && a.optimum.k > w!.k && (
              <Badge variant="light" color="yellow" style={{ whiteSpace: 'normal', height: 'auto' }} data-testid="advisor-capped">
                {t('testing.advisor.capped', { k: a.optimum.k, e: formatNumber(a.optimum.expected, 4), max: w!.maxPoolSize })}
              </Badge>
            )}
            {option && (
              <Suspense fallback={<div style={{ height: 200 }} />}>
                <Chart option={option} height={200} testId="advisor-chart" />
              </Suspense>
            )}
            <Table.ScrollContainer minWidth={280}>
              <Table fz="xs" verticalSpacing={2} withTableBorder>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>k</Table.Th>
                    {shown.map((r) => (
                      <Table.Th key={r.k} ta="right" c={r.k === w!.k ? 'green.8' : r.k > w!.maxPoolSize ? 'dimmed' : undefined}>
                        {r.k}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Td>{t('testing.advisor.eShort')}</Table.Td>
                    {shown.map((r) => (
                      <Table.Td key={r.k} ta="right" className="tabular" fw={r.k === w!.k ? 700 : undefined} c={r.k > w!.maxPoolSize ? 'dimmed' : undefined}>
                        {formatNumber(r.expected, 3)}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group gap={6}>
              <Text size="xs" c="dimmed">
                {t('testing.advisor.formula')} · {t('testing.advisor.policy', { version: a.policy.version, source: a.policy.source })}
              </Text>
            </Group>
          </>
        ) : null}
      </Stack>
    </Card>
  );
}
