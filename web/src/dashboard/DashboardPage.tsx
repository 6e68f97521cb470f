// "Bảng điều hành": the command dashboard of a unit on a date — headline figures with the trend
// against the week before, the epidemic curve by report and onset date, the children on the map
// coloured by level (or cases per 100,000, coverage, positivity) with drill-down, the units whose
// level changed, and the daily report (generate, archive, download). Phone first.
import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Group, NativeSelect, SegmentedControl, SimpleGrid, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconArrowUp, IconChevronRight, IconFileSpreadsheet, IconFileTypePdf, IconTrendingDown, IconTrendingUp } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { useMe } from '../auth/auth.tsx';
import { DateField } from '../common/DateField.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { formatDate, formatDateTime, formatNumber, todayInVietnam } from '../lib/format.ts';
import { Choropleth, Legend } from '../units/Choropleth.tsx';
import { rewind } from '../units/geo.ts';
import type { ColorClass, Layer } from '../units/layers.ts';
import { useUnitMap } from '../units/queries.ts';
import { LEVEL_COLORS, type LevelNumber } from '../levels/api.ts';
import { LevelBadge } from '../levels/Explanation.tsx';
import { LEVEL_CLASSES, LevelLegend } from './levelMap.tsx';
import { useDashboard, useReports, type CaseCheck, type ChildRow, type Figure, type Headline } from './api.ts';

const Chart = lazy(() => import('../testing/Chart.tsx'));

export type MapLayer = 'level' | 'cases' | 'coverage' | 'positivity' | 'beds';
export const MAP_LAYERS: MapLayer[] = ['level', 'cases', 'coverage', 'positivity', 'beds'];
/** Fixed classes so colours mean the same thing on every unit and date. */
const CASE_CLASSES: ColorClass[] = [
  { from: 0, to: 20, color: '#fff5eb' },
  { from: 20, to: 50, color: '#fdd0a2' },
  { from: 50, to: 150, color: '#fd8d3c' },
  { from: 150, to: 450, color: '#d94801' },
  { from: 450, to: 1e9, color: '#7f2704' },
];
const COVERAGE_CLASSES: ColorClass[] = [
  { from: 0, to: 50, color: '#eff3ff' },
  { from: 50, to: 70, color: '#9ecae1' },
  { from: 70, to: 90, color: '#4292c6' },
  { from: 90, to: 101, color: '#084594' },
];
const POSITIVITY_CLASSES: ColorClass[] = [
  { from: 0, to: 1, color: '#f7fcf5' },
  { from: 1, to: 5, color: '#fee391' },
  { from: 5, to: 10, color: '#fe9929' },
  { from: 10, to: 101, color: '#cc4c02' },
];

/** Bed occupancy (%): higher is worse. */
const BED_CLASSES: ColorClass[] = [
  { from: 0, to: 50, color: '#ffffcc' },
  { from: 50, to: 70, color: '#fed976' },
  { from: 70, to: 85, color: '#fd8d3c' },
  { from: 85, to: 95, color: '#e31a1c' },
  { from: 95, to: 101, color: '#800026' },
];

const childLevelOf = (level: string) => (level === 'province' ? 'district' : level === 'district' ? 'commune' : 'village');

export const levelOf = (r: { official: { level: number } | null; proposed: number | null }) => r.official?.level ?? r.proposed ?? null;

function Trend({ f, lowerIsBetter = true }: { f: Figure; lowerIsBetter?: boolean }) {
  const { t } = useTranslation();
  if (f.prevWeek === 0 && f.week === 0) return <Text size="xs" c="dimmed">{t('dashboard.trend.flat')}</Text>;
  const up = f.week > f.prevWeek;
  const pct = f.prevWeek ? Math.round(((f.week - f.prevWeek) / f.prevWeek) * 100) : null;
  const bad = up === lowerIsBetter && f.week !== f.prevWeek;
  const Icon = up ? IconTrendingUp : IconTrendingDown;
  return (
    <Group gap={4} wrap="nowrap">
      {f.week !== f.prevWeek && <Icon size={14} color={bad ? '#e03131' : '#2f9e44'} />}
      <Text size="xs" c={f.week === f.prevWeek ? 'dimmed' : bad ? 'red.7' : 'green.8'} className="tabular">
        {f.week === f.prevWeek ? t('dashboard.trend.flat') : pct == null ? t('dashboard.trend.new') : t('dashboard.trend.pct', { sign: pct > 0 ? '+' : '', pct: formatNumber(pct) })}
      </Text>
    </Group>
  );
}

function Tile({ label, value, sub, trend, testId }: { label: string; value: string; sub?: string; trend?: React.ReactNode; testId?: string }) {
  return (
    <Card withBorder padding="xs" data-testid={testId}>
      <Text size="xs" c="dimmed" lh={1.2}>
        {label}
      </Text>
      <Text fw={700} fz={22} className="tabular" lh={1.3}>
        {value}
      </Text>
      {sub && (
        <Text size="xs" c="dimmed" className="tabular">
          {sub}
        </Text>
      )}
      {trend}
    </Card>
  );
}

export function HeadlineTiles({ h, withCare = true }: { h: Headline; withCare?: boolean }) {
  const { t } = useTranslation();
  const week = (f: Figure) => t('dashboard.week', { n: formatNumber(f.week) });
  const pct = (v: number | null) => (v == null ? '—' : `${formatNumber(v, 1)} %`);
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: withCare ? 5 : 4 }} spacing="xs" data-testid="headline">
      <Tile testId="tile-community" label={t('dashboard.fig.community')} value={formatNumber(h.communityCases.day)} sub={week(h.communityCases)} trend={<Trend f={h.communityCases} />} />
      <Tile label={t('dashboard.fig.quarantine')} value={formatNumber(h.quarantineCases.day)} sub={week(h.quarantineCases)} trend={<Trend f={h.quarantineCases} />} />
      <Tile label={t('dashboard.fig.severe')} value={formatNumber(h.severeCases.day)} sub={week(h.severeCases)} trend={<Trend f={h.severeCases} />} />
      <Tile label={t('dashboard.fig.deaths')} value={formatNumber(h.deaths.day)} sub={week(h.deaths)} trend={<Trend f={h.deaths} />} />
      <Tile
        label={t('dashboard.fig.tests')}
        value={formatNumber(h.tests.day)}
        sub={`${week(h.tests)} · ${t('dashboard.fig.positivityShort', { pct: pct(h.positivity.week) })}`}
        trend={<Trend f={h.tests} lowerIsBetter={false} />}
      />
      <Tile label={t('dashboard.fig.doses')} value={formatNumber(h.doses.day)} sub={week(h.doses)} trend={<Trend f={h.doses} lowerIsBetter={false} />} />
      <Tile label={t('dashboard.fig.coverage')} value={pct(h.coverage.atLeastOne18Pct)} sub={t('dashboard.fig.fully18', { pct: pct(h.coverage.fully18Pct) })} />
      {withCare && <Tile label={t('dashboard.fig.inQuarantine')} value={formatNumber(h.inQuarantine)} sub={t('dashboard.fig.started', { n: formatNumber(h.quarantineStarted) })} />}
      {withCare && <Tile label={t('dashboard.fig.inIsolation')} value={formatNumber(h.inIsolation)} />}
      {withCare && (
        <Tile
          label={t('dashboard.fig.beds')}
          value={h.beds?.occupied != null ? `${formatNumber(h.beds.occupied)} / ${formatNumber(h.beds.total)}` : '—'}
          sub={h.beds ? t('dashboard.fig.bedsSub') : t('dashboard.fig.bedsUnknown')}
        />
      )}
    </SimpleGrid>
  );
}

export function layerValue(r: Pick<ChildRow, 'official' | 'proposed' | 'casesPer100k' | 'coverageFirstDose18Pct'> & { positivityPct?: number | null; beds?: ChildRow['beds'] }, layer: MapLayer) {
  if (layer === 'beds') return r.beds?.occupancyPct ?? null;
  return layer === 'level' ? levelOf(r) : layer === 'cases' ? r.casesPer100k : layer === 'coverage' ? r.coverageFirstDose18Pct : (r.positivityPct ?? null);
}
export const layerClasses = (l: MapLayer) =>
  l === 'level' ? LEVEL_CLASSES : l === 'cases' ? CASE_CLASSES : l === 'coverage' ? COVERAGE_CLASSES : l === 'beds' ? BED_CLASSES : POSITIVITY_CLASSES;

/** A unit's own hand-entered cases against the sum of its children: the text, when they differ. */
function caseCheckText(t: (k: string, o?: Record<string, unknown>) => string, c: CaseCheck | null, childLevel: string) {
  if (!c || c.own === c.children) return null;
  return t(c.ownManual ? 'dashboard.caseCheck.ownManual' : 'dashboard.caseCheck.childrenManual', {
    own: formatNumber(c.own),
    children: formatNumber(c.children),
    of: t(`dashboard.caseCheck.of.${childLevel}`),
  });
}

/** The table's cell of the beds layer: "occupied / total (pct)", the beds without occupancy, or "not entered". */
function BedsCell({ beds }: { beds: ChildRow['beds'] }) {
  const { t } = useTranslation();
  if (!beds) return <Text size="xs" c="dimmed" data-testid="beds-none">{t('dashboard.beds.none')}</Text>;
  if (beds.occupied == null) return <span>{t('dashboard.beds.totalOnly', { total: formatNumber(beds.total) })}</span>;
  return (
    <span>
      {formatNumber(beds.occupied)}/{formatNumber(beds.total)}
      <Text span size="xs" c="dimmed">
        {' '}
        ({formatNumber(beds.occupancyPct, 1)} %)
      </Text>
    </span>
  );
}

async function download(path: string, name: string) {
  const res = await fetch(`/api${path}`, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function ReportCard({ unit, date }: { unit: string; date: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const list = useReports(unit);
  const [busy, setBusy] = useState(false);
  const generate = async () => {
    setBusy(true);
    try {
      const r = await api<{ id: number; day: string; unitCode: string; generationMs: number }>('/reports/daily', { method: 'POST', body: { unit, date } });
      notifications.show({ color: 'green', message: t('dashboard.report.done', { ms: formatNumber(r.generationMs) }) });
      await qc.invalidateQueries({ queryKey: ['daily-reports'] });
      await download(`/reports/daily/${r.id}/pdf`, `bao-cao-ngay-${r.day}-${r.unitCode}.pdf`);
    } catch (e) {
      notifications.show({ color: 'red', message: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card withBorder padding="sm" data-testid="report-card">
      <Group justify="space-between" mb="xs" wrap="wrap" gap="xs">
        <Stack gap={0}>
          <Text fw={600}>{t('dashboard.report.title')}</Text>
          <Text size="xs" c="dimmed">
            {t('dashboard.report.hint', { date: formatDate(date) })}
          </Text>
        </Stack>
        <Button loading={busy} onClick={() => void generate()} data-testid="report-generate">
          {t('dashboard.report.generate')}
        </Button>
      </Group>
      {list.error ? (
        <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : !list.data?.length ? (
        <Text size="sm" c="dimmed">
          {t('dashboard.report.none')}
        </Text>
      ) : (
        <Table fz="sm" verticalSpacing={4} data-testid="report-archive">
          <Table.Tbody>
            {list.data.slice(0, 10).map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {formatDate(r.day)} · {r.unitName}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {r.trigger === 'schedule' ? t('dashboard.report.scheduled') : (r.generatedBy ?? '')} · {formatDateTime(r.generatedAt)}
                  </Text>
                </Table.Td>
                <Table.Td style={{ width: 1, whiteSpace: 'nowrap' }}>
                  <Button size="compact-sm" variant="subtle" leftSection={<IconFileTypePdf size={16} />} onClick={() => void download(`/reports/daily/${r.id}/pdf`, `bao-cao-ngay-${r.day}-${r.unitCode}.pdf`)} data-testid="report-pdf">
                    PDF
                  </Button>
                  <Button size="compact-sm" variant="subtle" leftSection={<IconFileSpreadsheet size={16} />} onClick={() => void download(`/reports/daily/${r.id}/xlsx`, `bao-cao-ngay-${r.day}-${r.unitCode}.xlsx`)}>
                    Excel
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

export default function DashboardPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const today = todayInVietnam();
  const date = params.get('date') ?? today;
  const unitParam = params.get('unit') ?? undefined;
  const layer = ((MAP_LAYERS as string[]).includes(params.get('layer') ?? '') ? params.get('layer') : 'level') as MapLayer;
  const set = useCallback(
    (patch: Record<string, string | null>) =>
      setParams((p) => {
        const n = new URLSearchParams(p);
        for (const [k, v] of Object.entries(patch)) if (v == null) n.delete(k);
        else n.set(k, v);
        return n;
      }),
    [setParams],
  );
  const d = useDashboard(unitParam, date);
  const unitCode = d.data?.unit.code ?? unitParam ?? me.unitCode;
  const map = useUnitMap(unitCode);
  const features = useMemo(() => (map.data?.features ?? []).map(rewind), [map.data]);
  const outline = useMemo(() => (map.data?.outline ? rewind(map.data.outline) : null), [map.data]);
  const rows = useMemo(() => [...(d.data?.children ?? [])].sort((a, b) => (levelOf(b) ?? 0) - (levelOf(a) ?? 0) || (b.casesPer100k ?? 0) - (a.casesPer100k ?? 0) || a.name.localeCompare(b.name, 'vi')), [d.data]);
  const values = useMemo(() => new Map(rows.map((r) => [r.code, layerValue(r, layer)])), [rows, layer]);
  const mapLayer: Layer = useMemo(() => ({ key: 'population', label: `dashboard.layer.${layer}`, digits: layer === 'level' ? 0 : 1, value: () => null }), [layer]);
  const curveOption = useMemo(() => {
    const c = d.data?.curve;
    if (!c) return null;
    const days = c.days.map((x) => formatDate(x).slice(0, 5));
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, itemGap: 8, data: [t('dashboard.curve.community'), t('dashboard.curve.quarantine'), t('dashboard.curve.onset')] },
      grid: { left: 40, right: 12, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: days },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('dashboard.curve.community'), type: 'bar', stack: 'report', data: c.community, itemStyle: { color: '#e8590c' } },
        { name: t('dashboard.curve.quarantine'), type: 'bar', stack: 'report', data: c.quarantine, itemStyle: { color: '#ffc078' } },
        { name: t('dashboard.curve.onset'), type: 'line', data: c.onset, symbol: 'none', lineStyle: { color: '#1c7ed6', width: 2 }, itemStyle: { color: '#1c7ed6' } },
      ],
    };
  }, [d.data, t]);

  if (d.isPending) return <PageLoader />;
  if (d.error) return <ErrorAlert error={d.error} notFoundText={t('dashboard.outOfScope')} onRetry={() => void d.refetch()} />;
  const { unit, headline, levelChanges, self } = d.data;
  const atRoot = unit.code === me.unitCode;
  const lvl = self ? levelOf(self) : null;

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="xs">
        <Stack gap={2}>
          <Title order={2}>{t('dashboard.title')}</Title>
          <Group gap="xs">
            <Text fw={600} data-testid="dashboard-unit">
              {unit.name}
            </Text>
            {self && (
              <Anchor component={Link} to={`/levels?unit=${unit.parentCode && unit.level !== 'province' ? unit.parentCode : unit.code}&open=${unit.code}${date !== today ? `&date=${date}` : ''}`}>
                <LevelBadge level={lvl as LevelNumber | null} size="sm" />
              </Anchor>
            )}
            {self && !self.official && self.proposed && (
              <Badge size="xs" color="orange" variant="light" style={{ textTransform: 'none' }}>
                {t('dashboard.proposedOnly')}
              </Badge>
            )}
          </Group>
        </Stack>
        <Group gap="xs" align="flex-end">
          {!atRoot && unit.parentCode && (
            <Button variant="default" leftSection={<IconArrowUp size={16} />} onClick={() => set({ unit: unit.parentCode })} data-testid="dashboard-up">
              {t('dashboard.up')}
            </Button>
          )}
          <DateField label={t('dashboard.date')} value={date} onChange={(x) => x && x <= today && set({ date: x === today ? null : x })} style={{ width: 150 }} />
        </Group>
      </Group>

      {caseCheckText(t, d.data.caseCheck, childLevelOf(unit.level)) && (
        <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} p="xs" data-testid="case-check">
          {caseCheckText(t, d.data.caseCheck, childLevelOf(unit.level))}
        </Alert>
      )}

      <HeadlineTiles h={headline} />

      <Card withBorder padding="sm">
        <Text fw={600} mb={4}>
          {t('dashboard.curve.title')}
        </Text>
        <Suspense fallback={<Skeleton height={240} />}>{curveOption && <Chart option={curveOption} height={240} testId="epi-curve" />}</Suspense>
        <Text size="xs" c="dimmed">
          {t('dashboard.curve.note')}
        </Text>
      </Card>

      {unit.level !== 'commune' && unit.level !== 'village' && (
        <Card withBorder padding="sm">
          <Group justify="space-between" mb="xs" wrap="wrap" gap="xs">
            <Text fw={600}>{t(`childrenOf.${unit.level}`)}</Text>
            <SegmentedControl
              size="xs"
              visibleFrom="sm"
              value={layer}
              onChange={(v) => set({ layer: v === 'level' ? null : v })}
              data={MAP_LAYERS.map((l) => ({ value: l, label: t(`dashboard.layerShort.${l}`) }))}
              data-testid="layer-toggle"
            />
            {/* Phones: five layers do not fit side by side. */}
            <NativeSelect
              size="xs"
              hiddenFrom="sm"
              aria-label={t('dashboard.layerPick')}
              value={layer}
              onChange={(e) => set({ layer: e.currentTarget.value === 'level' ? null : e.currentTarget.value })}
              data={MAP_LAYERS.map((l) => ({ value: l, label: t(`dashboard.layer.${l}`) }))}
              data-testid="layer-select"
            />
          </Group>
          {map.isPending ? (
            <Skeleton height={300} />
          ) : map.error ? (
            <ErrorAlert error={map.error} onRetry={() => void map.refetch()} />
          ) : features.length ? (
            <Choropleth features={features} outline={outline} layer={mapLayer} values={values} classes={layerClasses(layer)} ariaLabel={t('dashboard.mapLabel', { name: unit.name })} onOpen={(c) => set({ unit: c })} maxHeight="55vh" />
          ) : (
            <Text size="xs" c="dimmed">
              {t('dashboard.noShapes')}
            </Text>
          )}
          {!!features.length &&
            (layer === 'level' ? (
              <LevelLegend />
            ) : (
              <Group gap={12} wrap="wrap">
                <Legend
                  classes={layerClasses(layer).map((c) => (c.to > 100 && layer !== 'cases' ? { ...c, to: 100 } : c.to >= 1e8 ? { ...c, to: c.from } : c))}
                  layer={mapLayer}
                  missing={layer !== 'beds' && [...values.values()].some((v) => v == null)}
                />
                {layer === 'beds' && [...values.values()].some((v) => v == null) && (
                  <span style={{ display: 'inline-flex', alignItems: 'center', gap: 4, fontSize: 12 }} data-testid="beds-legend-none">
                    <span style={{ width: 14, height: 14, borderRadius: 3, background: '#e9ecef', border: '1px solid #ced4da' }} />
                    {t('dashboard.beds.none')}
                  </span>
                )}
              </Group>
            ))}
          {layer === 'beds' && (
            <Text size="xs" c="dimmed" mt={4}>
              {t('dashboard.beds.note')}
            </Text>
          )}
          <Table fz="sm" verticalSpacing={4} highlightOnHover mt="xs" data-testid="dashboard-children">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('dashboard.table.unit')}</Table.Th>
                <Table.Th>{t('dashboard.table.level')}</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>{t(`dashboard.layerShort.${layer === 'level' ? 'cases' : layer}`)}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.code} data-code={r.code} style={{ cursor: 'pointer' }} onClick={() => set({ unit: r.code })}>
                  <Table.Td>
                    <Text size="sm">{r.name}</Text>
                    <Text size="xs" c="dimmed" className="tabular">
                      {t('dashboard.table.cases', { n: formatNumber(r.communityCases) })}
                    </Text>
                    {caseCheckText(t, r.caseCheck, childLevelOf(r.unitLevel)) && (
                      <Text size="xs" c="yellow.9" data-testid="case-check-row">
                        <IconAlertTriangle size={12} style={{ verticalAlign: -1 }} /> {caseCheckText(t, r.caseCheck, childLevelOf(r.unitLevel))}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <LevelBadge level={levelOf(r) as LevelNumber | null} size="sm" compact />
                  </Table.Td>
                  <Table.Td className="tabular" style={{ textAlign: 'right' }} data-testid={layer === 'beds' ? 'beds-cell' : undefined}>
                    {layer === 'beds' ? <BedsCell beds={r.beds} /> : formatNumber(layerValue(r, layer === 'level' ? 'cases' : layer), 1)}
                  </Table.Td>
                  <Table.Td style={{ width: 1 }}>
                    <IconChevronRight size={16} aria-label={t('dashboard.table.drillOf', { name: r.name })} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}

      <Card withBorder padding="sm">
        <Text fw={600} mb="xs">
          {t('dashboard.changes.title')}
        </Text>
        {levelChanges.length ? (
          <Table fz="sm" verticalSpacing={4} data-testid="level-changes">
            <Table.Tbody>
              {levelChanges.map((c, i) => (
                <Table.Tr key={i}>
                  <Table.Td>
                    <Anchor component="button" type="button" size="sm" onClick={() => set({ unit: c.code })}>
                      {c.name}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {formatDateTime(c.effectiveAt)}
                      {c.kind === 'override' ? ` · ${t('dashboard.changes.override')}` : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Group gap={4} wrap="nowrap">
                      <LevelBadge level={c.previousLevel as LevelNumber | null} size="sm" compact />→<LevelBadge level={c.level as LevelNumber} size="sm" compact />
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text size="sm" c="dimmed">
            {t('dashboard.changes.none')}
          </Text>
        )}
      </Card>

      <ReportCard unit={unit.code} date={date} />
      <Text size="xs" c="dimmed">
        {t('dashboard.footnote')}
      </Text>
    </Stack>
  );
}
