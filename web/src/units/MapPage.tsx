// "Bản đồ": the current unit's children on an SVG choropleth coloured by a chosen layer, with the
// figures as a table and a bar chart; a click drills down, the breadcrumb goes back up.
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Anchor, Breadcrumbs, Card, Grid, Group, Paper, Select, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useCan } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ExcelButton } from '../common/ExcelButton.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { downloadXlsx } from '../lib/excel.ts';
import { formatNumber } from '../lib/format.ts';
import type { Unit } from '../lib/types.ts';
import { AddVillageForm } from './AddVillageForm.tsx';
import { ChildrenTable, type ChildRow } from './ChildrenTable.tsx';
import { Choropleth, Legend, type MapOverlay } from './Choropleth.tsx';
import { areaKm2, rewind } from './geo.ts';
import { colorClasses, LAYERS, layerOf, shortName } from './layers.ts';
import { useActiveZones, useUnit, useUnitMap } from './queries.ts';

const UnitBarChart = lazy(() => import('./UnitBarChart.tsx'));

export function MapPage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const canManageUnits = useCan('units.manage');
  const detail = useUnit(code);
  const map = useUnitMap(code);
  const zones = useActiveZones(useCan('cases.read'));
  const overlays = useMemo<MapOverlay[]>(
    () =>
      (zones.data ?? [])
        .filter((z) => z.geometry)
        .map((z) => ({ id: `zone-${z.id}`, label: z.name, geometry: z.geometry!, color: z.kind === 'lockdown' ? '#c92a2a' : '#e8590c' })),
    [zones.data],
  );

  const features = useMemo(() => (map.data?.features ?? []).map(rewind), [map.data]);
  const outline = useMemo(() => (map.data?.outline ? rewind(map.data.outline) : null), [map.data]);
  const areas = useMemo(() => new Map(features.map((f) => [f.id, areaKm2(f)])), [features]);
  const hasArea = features.length > 0;
  const available = LAYERS.filter((l) => !l.needsArea || hasArea);
  const layer = layerOf(params.get('layer'));
  const activeLayer = available.includes(layer) ? layer : LAYERS[0];
  const layerSearch = activeLayer.key === 'population' ? '' : `?layer=${activeLayer.key}`;

  const rows: ChildRow[] = useMemo(() => {
    const kids = detail.data?.children ?? [];
    return kids
      .map((unit) => ({ unit, value: activeLayer.value(unit, areas.get(unit.code)) }))
      .sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity) || a.unit.name.localeCompare(b.unit.name, 'vi', { numeric: true }));
  }, [detail.data, activeLayer, areas]);
  const values = useMemo(() => new Map(rows.map((r) => [r.unit.code, r.value])), [rows]);
  const classes = useMemo(() => colorClasses(features.map((f) => values.get(f.id) ?? null)), [features, values]);
  const bars = useMemo(() => rows.map((r) => ({ code: r.unit.code, label: shortName(r.unit.name), value: r.value })), [rows]);

  // The chart (ECharts, its own chunk) waits until the map has been painted: the map comes first.
  const [chartReady, setChartReady] = useState(false);
  const mapSettled = !map.isPending;
  useEffect(() => {
    if (!mapSettled || chartReady) return;
    let id = requestAnimationFrame(() => (id = requestAnimationFrame(() => setChartReady(true))));
    return () => cancelAnimationFrame(id);
  }, [mapSettled, chartReady]);

  const open = useCallback((c: string) => navigate(`/units/${c}${layerSearch}`), [navigate, layerSearch]);
  const openUnit = useCallback((u: Unit) => open(u.code), [open]);

  if (detail.isPending) return <PageLoader />;
  if (detail.error) return <ErrorAlert error={detail.error} notFoundText={t('map.outOfScope')} onRetry={() => void detail.refetch()} />;
  const { unit, ancestors, children } = detail.data;
  const childLabel = t(`childrenOf.${unit.level}`);
  const exportTable = () =>
    downloadXlsx(
      `dan-so-${unit.code}.xlsx`,
      unit.name,
      [
        { header: t('map.rank'), key: 'rank', width: 6 },
        { header: t('map.code'), key: 'code', width: 10 },
        { header: t('map.unit'), key: 'name', width: 32 },
        { header: t('map.population'), key: 'population', numFmt: '#,##0' },
        { header: t('map.households'), key: 'households', numFmt: '#,##0' },
        { header: t('map.perHousehold'), key: 'perHousehold', numFmt: '0.00' },
        { header: t('map.agedUnder18'), key: 'agedUnder18', numFmt: '#,##0' },
        { header: t('map.aged65Plus'), key: 'aged65Plus', numFmt: '#,##0' },
        ...(hasArea ? [{ header: t('map.area'), key: 'area', numFmt: '#,##0.0' }, { header: t('map.density'), key: 'density', numFmt: '#,##0.0' }] : []),
      ],
      rows.map(({ unit: u }, i) => ({
        rank: i + 1,
        code: u.code,
        name: u.name,
        population: u.population,
        households: u.households,
        perHousehold: u.households ? u.population / u.households : null,
        agedUnder18: u.agedUnder18,
        aged65Plus: u.aged65Plus,
        area: areas.get(u.code) ?? null,
        density: areas.get(u.code) ? u.population / areas.get(u.code)! : null,
      })),
    );

  const mapCard = (
    <Card withBorder padding="sm">
      <Group justify="space-between" mb="xs" gap="xs">
        <Text fw={600}>{features.length ? t('map.title') : t('map.outlineOf', { name: unit.name })}</Text>
      </Group>
      {map.isPending ? (
        <Skeleton height={360} />
      ) : map.error ? (
        <ErrorAlert error={map.error} onRetry={() => void map.refetch()} />
      ) : (
        <Stack gap="xs">
          <Choropleth
            maxHeight={features.length ? '70vh' : 320}
            features={features}
            outline={outline}
            overlays={overlays}
            layer={activeLayer}
            values={values}
            classes={classes}
            ariaLabel={t('map.mapAria', { name: unit.name, layer: t(activeLayer.label) })}
            onOpen={open}
          />
          {features.length > 0 && <Legend classes={classes} layer={activeLayer} missing={features.some((f) => values.get(f.id) == null)} />}
          {(zones.data?.length ?? 0) > 0 && (
            <Text size="sm" data-testid="active-zones">
              <Anchor component={Link} to="/zones">
                {t('map.activeZones', { count: zones.data!.length })}
              </Anchor>
              {overlays.length > 0 && ` · ${t('map.zonesDrawn', { count: overlays.length })}`}
            </Text>
          )}
          {features.length > 0 && map.data.withoutBoundary.length > 0 && (
            <Text size="xs" c="dimmed">
              {t('map.withoutBoundary', { count: map.data.withoutBoundary.length })}
            </Text>
          )}
        </Stack>
      )}
    </Card>
  );
  const showMap = map.isPending || !!map.error || features.length > 0 || !!outline;
  // Children without polygons: the table leads, the unit's outline is a small locator beside it.
  const outlineOnly = !map.isPending && !features.length && !!outline;
  const tableCard = (
    <Card withBorder padding="sm">
      <Group justify="space-between" mb="xs" gap="xs">
        <Title order={2} size="h5">
          {childLabel}
        </Title>
        {rows.length > 0 && <ExcelButton onExport={exportTable} />}
      </Group>
      {rows.length ? <ChildrenTable rows={rows} layer={activeLayer} onOpen={openUnit} search={layerSearch} /> : <Text c="dimmed">{t('map.noChildren')}</Text>}
    </Card>
  );

  return (
    <Stack gap="md">
      {ancestors.length > 0 && (
        <nav aria-label="breadcrumb">
          <Breadcrumbs separator="›" style={{ flexWrap: 'wrap' }}>
            {ancestors.map((a) => (
              <Anchor key={a.code} component={Link} to={`/units/${a.code}${layerSearch}`} size="sm">
                {a.name}
              </Anchor>
            ))}
            <Text size="sm" fw={600} aria-current="page">
              {unit.name}
            </Text>
          </Breadcrumbs>
        </nav>
      )}
      <Group justify="space-between" align="flex-end" gap="sm">
        <Title order={1} size="h2">
          {unit.name}
        </Title>
        <Select
          label={t('map.layer')}
          data={available.map((l) => ({ value: l.key, label: t(l.label) }))}
          value={activeLayer.key}
          onChange={(v) => setParams(v && v !== 'population' ? { layer: v } : {}, { replace: true })}
          allowDeselect={false}
          w={{ base: '100%', xs: 240 }}
          comboboxProps={{ withinPortal: true }}
        />
      </Group>

      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
        <Stat label={t('map.population')} value={formatNumber(unit.population)} />
        <Stat label={t('map.households')} value={formatNumber(unit.households)} />
        <Stat label={t('map.perHousehold')} value={formatNumber(unit.households ? unit.population / unit.households : null, 2)} />
        <Stat label={t('map.agedUnder18')} value={formatNumber(unit.agedUnder18)} />
        <Stat label={t('map.aged65Plus')} value={formatNumber(unit.aged65Plus)} />
        <Stat label={childLabel} value={formatNumber(children.length)} />
      </SimpleGrid>

      {!hasArea && !map.isPending && children.length > 0 && (
        <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />}>
          {t('map.noBoundary')}
        </Alert>
      )}

      <Grid gap="md">
        {outlineOnly ? (
          <>
            <Grid.Col span={{ base: 12, md: 7 }}>{tableCard}</Grid.Col>
            <Grid.Col span={{ base: 12, md: 5 }}>{mapCard}</Grid.Col>
          </>
        ) : (
          <>
            {showMap && <Grid.Col span={{ base: 12, md: 7 }}>{mapCard}</Grid.Col>}
            <Grid.Col span={{ base: 12, md: showMap ? 5 : 12 }}>{tableCard}</Grid.Col>
          </>
        )}
      </Grid>

      {rows.length > 1 && (
        <Card withBorder padding="sm">
          <Title order={2} size="h5" mb="xs">
            {t(activeLayer.label)} — {childLabel.toLowerCase()}
          </Title>
          {chartReady ? (
            <Suspense fallback={<Skeleton height={200} />}>
              <UnitBarChart bars={bars} digits={activeLayer.digits} seriesName={t(activeLayer.label)} onOpen={open} />
            </Suspense>
          ) : (
            <Skeleton height={200} />
          )}
        </Card>
      )}

      {canManageUnits && unit.level === 'commune' && (
        <Card withBorder padding="sm">
          <Title order={2} size="h5" mb="xs">
            {t('map.addVillage')}
          </Title>
          <AddVillageForm commune={unit} />
        </Card>
      )}
    </Stack>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Paper withBorder p="xs" radius="md">
      <Text size="xs" c="dimmed" lh={1.2}>
        {label}
      </Text>
      <Text fw={700} size="lg" className="tabular">
        {value}
      </Text>
    </Paper>
  );
}

