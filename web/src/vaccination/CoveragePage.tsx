// "Độ bao phủ tiêm chủng": a unit (default: the user's jurisdiction) on a date — key figures for
// an age group, its children on the map coloured by the chosen share, a chart by age group and
// dose, the trend over 12 months, the table of children (Excel from the server), priority groups.
import { lazy, Suspense, useMemo } from 'react';
import { Anchor, Badge, Card, Group, Paper, SegmentedControl, Select, SimpleGrid, Skeleton, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/auth.tsx';
import { DateField } from '../common/DateField.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ExcelButton } from '../common/ExcelButton.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { withQuery } from '../lib/api.ts';
import { formatDate, formatNumber, todayInVietnam } from '../lib/format.ts';
import { useUrlParams } from '../lib/urlParams.ts';
import { Choropleth, Legend } from '../units/Choropleth.tsx';
import { rewind } from '../units/geo.ts';
import { colorClasses, shortName, type Layer } from '../units/layers.ts';
import { useUnitMap } from '../units/queries.ts';
import { COVERAGE_GROUPS, MEASURES, PRIORITY_GROUPS, share, useCoverage, useCoverageTrend, type CoverageGroup, type CoverageUnit, type Measure } from './coverageApi.ts';

const Chart = lazy(() => import('../testing/Chart.tsx'));
const MEASURE_COLORS: Record<Measure, string> = { atLeastOne: '#74c0fc', fully: '#1c7ed6', booster: '#2b8a3e', booster2: '#8ce99a' };
const pctText = (v: number | null) => (v == null ? '—' : `${formatNumber(v, 1)} %`);

async function download(path: string, name: string) {
  const res = await fetch(`/api${path}`, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export default function CoveragePage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, update] = useUrlParams();
  const today = todayInVietnam();
  const date = params.get('date') ?? today;
  const unitCode = params.get('unit') ?? me.unitCode;
  const group = (COVERAGE_GROUPS as readonly string[]).includes(params.get('group') ?? '') ? (params.get('group') as CoverageGroup) : '18+';
  const measure = (MEASURES as readonly string[]).includes(params.get('measure') ?? '') ? (params.get('measure') as Measure) : 'atLeastOne';
  const withPriority = params.get('priority') === '1';
  const set = (k: string, v: string | null) =>
    update((next) => {
      if (v) next.set(k, v);
      else next.delete(k);
    });
  const q = useCoverage(unitCode, date, withPriority);
  const trend = useCoverageTrend(unitCode, date);
  const map = useUnitMap(unitCode);
  const r = q.data;

  const features = useMemo(() => (map.data?.features ?? []).map(rewind), [map.data]);
  const outline = useMemo(() => (map.data?.outline ? rewind(map.data.outline) : null), [map.data]);
  const values = useMemo(() => new Map((r?.children ?? []).map((c) => [c.code, share(c.groups[group], measure)])), [r, group, measure]);
  const classes = useMemo(() => colorClasses(features.map((f) => values.get(f.id) ?? null)), [features, values]);
  const layer = useMemo<Layer>(() => ({ key: 'share65', label: `vaccCoverage.measure.${measure}`, digits: 1, value: () => null }), [measure]);

  const groupLabel = (g: string) => t(`vaccCoverage.group.${g}`);
  const measureLabel = (m: string) => t(`vaccCoverage.measure.${m}`);

  const byGroup = useMemo(() => {
    if (!r) return null;
    const groups = COVERAGE_GROUPS.filter((g) => g !== 'all');
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => pctText(v) },
      legend: { top: 0 },
      grid: { left: 44, right: 8, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: groups.map(groupLabel) },
      yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value} %' } },
      series: (['atLeastOne', 'fully', 'booster'] as Measure[]).map((m) => ({
        name: measureLabel(m),
        type: 'bar',
        itemStyle: { color: MEASURE_COLORS[m] },
        data: groups.map((g) => {
          const v = share(r.unit.groups[g], m);
          return v == null ? null : Math.round(v * 10) / 10;
        }),
      })),
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [r, t]);

  const trendOption = useMemo(() => {
    if (!trend.data) return null;
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => pctText(v) },
      legend: { top: 0 },
      grid: { left: 44, right: 12, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: trend.data.points.map((p) => formatDate(p.day).slice(3)) },
      yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value} %' } },
      series: (['atLeastOne', 'fully', 'booster'] as Measure[]).map((m) => ({
        name: measureLabel(m),
        type: 'line',
        symbolSize: 6,
        itemStyle: { color: MEASURE_COLORS[m] },
        data: trend.data!.points.map((p) => {
          const v = share(p.groups[group], m);
          return v == null ? null : Math.round(v * 10) / 10;
        }),
      })),
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [trend.data, group, t]);

  if (q.isPending) return <PageLoader />;
  if (q.error || !r) return <ErrorAlert error={q.error} notFoundText={t('vaccCoverage.outOfScope')} onRetry={() => void q.refetch()} />;
  const c = r.unit.groups[group];
  const children = [...r.children].sort((a, b) => (share(b.groups[group], measure) ?? -1) - (share(a.groups[group], measure) ?? -1) || a.name.localeCompare(b.name, 'vi'));
  const open = (u: CoverageUnit) => u.level !== 'village' && set('unit', u.code);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={1} size="h2">{t('vaccCoverage.title')}</Title>
          <Text c="dimmed" size="sm">
            {r.unit.name} · {t('vaccCoverage.onDate', { date: formatDate(r.day) })}
            {unitCode !== me.unitCode && (
              <>
                {' · '}
                <Anchor component="button" size="sm" onClick={() => set('unit', null)}>
                  {t('vaccCoverage.backToMine', { name: me.unitName })}
                </Anchor>
              </>
            )}
          </Text>
        </div>
        <Group gap="xs" align="flex-end" wrap="wrap">
          <DateField label={t('vaccCoverage.date')} value={date} onChange={(d) => d && d <= today && d >= '2021-01-01' && set('date', d === today ? null : d)} w={150} data-testid="coverage-date" />
          <Select label={t('vaccCoverage.groupLabel')} data={COVERAGE_GROUPS.map((g) => ({ value: g, label: groupLabel(g) }))} value={group} onChange={(v) => set('group', v === '18+' ? null : v)} w={150} allowDeselect={false} />
        </Group>
      </Group>

      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <Card withBorder padding="sm">
          <Text size="xs" c="dimmed">
            {t('vaccCoverage.population', { group: groupLabel(group) })}
          </Text>
          <Text fw={700} size="xl" className="tabular" data-testid="coverage-population">
            {formatNumber(c.population)}
          </Text>
        </Card>
        {(['atLeastOne', 'fully', 'booster'] as Measure[]).map((m) => (
          <Card withBorder padding="sm" key={m} data-testid={`coverage-${m}`}>
            <Text size="xs" c="dimmed">
              {measureLabel(m)}
            </Text>
            <Text fw={700} size="xl" className="tabular">
              {pctText(share(c, m))}
            </Text>
            <Text size="xs" c="dimmed" className="tabular">
              {t('vaccCoverage.people', { n: formatNumber(c[m]) })}
            </Text>
          </Card>
        ))}
      </SimpleGrid>

      {/* Only districts (and the province) have polygons for their children; communes go straight to the table. */}
      {r.children.length > 0 && (map.isPending || features.length > 0) && (
        <Paper withBorder p="sm">
          <Group justify="space-between" mb="xs" wrap="wrap">
            <Text fw={600}>{t('vaccCoverage.mapTitle', { group: groupLabel(group) })}</Text>
            <SegmentedControl size="xs" data={(['atLeastOne', 'fully', 'booster'] as Measure[]).map((m) => ({ value: m, label: measureLabel(m) }))} value={measure} onChange={(v) => set('measure', v === 'atLeastOne' ? null : v)} />
          </Group>
          {map.isPending ? (
            <Skeleton height={240} />
          ) : features.length ? (
            <Stack gap="xs">
              <Choropleth features={features} outline={outline} layer={layer} values={values} classes={classes} ariaLabel={t('vaccCoverage.mapTitle', { group: groupLabel(group) })} onOpen={(code) => set('unit', code)} maxHeight="55vh" />
              <Legend classes={classes} layer={layer} missing={features.some((f) => values.get(f.id) == null)} />
            </Stack>
          ) : (
            <Text size="sm" c="dimmed">
              {t('vaccCoverage.noMap')}
            </Text>
          )}
        </Paper>
      )}

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Paper withBorder p="sm">
          <Text fw={600} mb="xs">
            {t('vaccCoverage.byGroupTitle')}
          </Text>
          <Suspense fallback={<Skeleton height={240} />}>{byGroup && <Chart option={byGroup} testId="coverage-by-group" />}</Suspense>
        </Paper>
        <Paper withBorder p="sm">
          <Text fw={600} mb="xs">
            {t('vaccCoverage.trendTitle', { group: groupLabel(group) })}
          </Text>
          <Suspense fallback={<Skeleton height={240} />}>{trendOption ? <Chart option={trendOption} testId="coverage-trend" /> : <Skeleton height={240} />}</Suspense>
        </Paper>
      </SimpleGrid>

      <Paper withBorder p="sm">
        <Group justify="space-between" mb="xs" wrap="wrap">
          <Text fw={600}>{r.children.length ? t(`vaccCoverage.childrenOf.${r.unit.level}`, { defaultValue: t('vaccCoverage.childrenOf.other') }) : t('vaccCoverage.noChildren')}</Text>
          <ExcelButton onExport={() => download(withQuery('/vaccination/coverage.xlsx', { unit: unitCode, date }), `do-bao-phu-${unitCode}-${date}.xlsx`)} />
        </Group>
        {r.children.length > 0 && (
          <Table.ScrollContainer minWidth={560}>
            <Table striped highlightOnHover data-testid="coverage-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('vaccCoverage.unit')}</Table.Th>
                  <Table.Th ta="right">{t('vaccCoverage.population', { group: groupLabel(group) })}</Table.Th>
                  {(['atLeastOne', 'fully', 'booster'] as Measure[]).map((m) => (
                    <Table.Th ta="right" key={m}>
                      {measureLabel(m)}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {children.map((u) => (
                  <Table.Tr key={u.code} style={{ cursor: u.level !== 'village' ? 'pointer' : undefined }} onClick={() => open(u)}>
                    <Table.Td>{u.level !== 'village' ? <Anchor component="button" size="sm">{shortName(u.name)}</Anchor> : shortName(u.name)}</Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(u.groups[group].population)}
                    </Table.Td>
                    {(['atLeastOne', 'fully', 'booster'] as Measure[]).map((m) => (
                      <Table.Td ta="right" key={m} className="tabular" fw={m === measure ? 700 : undefined}>
                        {pctText(share(u.groups[group], m))}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>

      <Paper withBorder p="sm">
        <Group justify="space-between" mb="xs">
          <Text fw={600}>{t('vaccCoverage.priorityTitle')}</Text>
          <Switch checked={withPriority} onChange={(e) => set('priority', e.currentTarget.checked ? '1' : null)} label={t('vaccCoverage.showPriority')} />
        </Group>
        {withPriority && r.priority && (
          <Table.ScrollContainer minWidth={480}>
            <Table striped data-testid="priority-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('vaccCoverage.priorityGroup')}</Table.Th>
                  <Table.Th ta="right">{t('vaccCoverage.peopleCol')}</Table.Th>
                  {(['atLeastOne', 'fully', 'booster'] as Measure[]).map((m) => (
                    <Table.Th ta="right" key={m}>
                      {measureLabel(m)}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {PRIORITY_GROUPS.map((g) => (
                  <Table.Tr key={g}>
                    <Table.Td>{t(`vaccCoverage.priority.${g}`)}</Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(r.priority![g].population)}
                    </Table.Td>
                    {(['atLeastOne', 'fully', 'booster'] as Measure[]).map((m) => (
                      <Table.Td ta="right" key={m} className="tabular">
                        {pctText(share(r.priority![g], m))}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Text size="xs" c="dimmed" mt="xs">
          {t('vaccCoverage.note')}
        </Text>
      </Paper>
      {q.isFetching && (
        <Badge variant="light" style={{ position: 'fixed', bottom: 12, right: 12 }}>
          {t('vaccCoverage.updating')}
        </Badge>
      )}
    </Stack>
  );
}
