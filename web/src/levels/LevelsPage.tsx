// "Cấp độ dịch": the children of a unit on the map coloured by level (proposed or official), a
// table with the proposal, the official level and what changed; a click opens the explanation
// (inputs, bands, the matrix cell, adjustments, ruleset version), the decision (confirm /
// override with a reason) and the inputs by hand and capacity register. Date picker; phone first.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Anchor, Badge, Button, Card, Drawer, Grid, Group, SegmentedControl, Skeleton, Stack, Table, Tabs, Text, Title, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconArrowUp, IconChevronRight } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useCan, useMe } from '../auth/auth.tsx';
import { DateField } from '../common/DateField.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { currentLang } from '../i18n/index.ts';
import { formatNumber } from '../lib/format.ts';
import { Choropleth } from '../units/Choropleth.tsx';
import { rewind } from '../units/geo.ts';
import type { Layer } from '../units/layers.ts';
import { useUnitMap } from '../units/queries.ts';
import { LEVEL_COLORS, useLevels, useUnitLevel, type LevelNumber, type LevelRow } from './api.ts';
import { ExplanationView, LevelBadge } from './Explanation.tsx';
import { CapacityForm, ManualForm, ManualImport } from './InputsForms.tsx';

const todayVn = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
/** Level classes for the choropleth: a level n falls in [n, n + 1). */
const LEVEL_CLASSES = ([1, 2, 3, 4] as LevelNumber[]).map((n) => ({ from: n, to: n + 1, color: LEVEL_COLORS[n] }));

function UnitDrawer({ code, date, onClose }: { code: string | null; date: string; onClose(): void }) {
  const { t } = useTranslation();
  const phone = useMediaQuery('(max-width: 48em)');
  const canDecide = useCan('levels.decide');
  const canManage = useCan('levels.manage');
  // The last unit opened stays in the drawer while it closes (no "loading" flash).
  const [shownCode, setShownCode] = useState(code);
  useEffect(() => {
    if (code) setShownCode(code);
  }, [code]);
  const d = useUnitLevel(shownCode, date);
  return (
    <Drawer opened={!!code} onClose={onClose} position="right" size={phone ? '100%' : 'xl'} title={<Text fw={700}>{d.data?.unit.name ?? t('levels.loading')}</Text>} closeButtonProps={{ 'aria-label': t('levels.close') }}>
      {d.isPending ? (
        <Skeleton height={400} />
      ) : d.error ? (
        <ErrorAlert error={d.error} onRetry={() => void d.refetch()} />
      ) : (
        <Tabs defaultValue="explanation" keepMounted={false}>
          <Tabs.List mb="sm">
            <Tabs.Tab value="explanation">{t('levels.tab.explanation')}</Tabs.Tab>
            {canManage && <Tabs.Tab value="inputs">{t('levels.tab.inputs')}</Tabs.Tab>}
          </Tabs.List>
          <Tabs.Panel value="explanation">
            <ExplanationView d={d.data} date={date} canDecide={canDecide} />
          </Tabs.Panel>
          {canManage && (
            <Tabs.Panel value="inputs">
              <Stack gap="sm">
                <ManualForm code={d.data.unit.code} date={date} />
                <CapacityForm code={d.data.unit.code} date={date} />
              </Stack>
            </Tabs.Panel>
          )}
        </Tabs>
      )}
    </Drawer>
  );
}

function LevelCounts({ rows, by }: { rows: LevelRow[]; by: 'proposed' | 'official' }) {
  const { t } = useTranslation();
  const counts = [1, 2, 3, 4].map((n) => rows.filter((r) => (by === 'official' ? r.official?.level : r.proposed) === n).length);
  return (
    <Group gap={6} data-testid="level-legend" wrap="wrap">
      {counts.map((c, i) => (
        <span key={i} style={{ display: 'inline-flex', alignItems: 'center', gap: 4, fontSize: 13 }}>
          <span style={{ width: 14, height: 14, borderRadius: 3, background: LEVEL_COLORS[(i + 1) as LevelNumber] }} />
          {t(`levels.name.${i + 1}`)}: <b className="tabular">{c}</b>
        </span>
      ))}
    </Group>
  );
}

export default function LevelsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const today = todayVn();
  const date = params.get('date') ?? today;
  const unitParam = params.get('unit') ?? undefined;
  const by = (params.get('by') === 'official' ? 'official' : 'proposed') as 'proposed' | 'official';
  const openCode = params.get('open');
  const canManage = useCan('levels.manage');
  const phone = useMediaQuery('(max-width: 48em)');
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
  const list = useLevels(unitParam, date);
  const unitCode = list.data?.unit.code ?? unitParam ?? me.unitCode;
  const map = useUnitMap(unitCode);
  const features = useMemo(() => (map.data?.features ?? []).map(rewind), [map.data]);
  const outline = useMemo(() => (map.data?.outline ? rewind(map.data.outline) : null), [map.data]);
  const rows = useMemo(() => {
    const r = [...(list.data?.children ?? [])];
    // The highest levels first, then by name.
    const lv = (x: LevelRow) => (by === 'official' ? (x.official?.level ?? 0) : (x.proposed ?? 0));
    return r.sort((a, b) => lv(b) - lv(a) || a.name.localeCompare(b.name, 'vi'));
  }, [list.data, by]);
  const values = useMemo(() => new Map(rows.map((r) => [r.code, (by === 'official' ? r.official?.level : r.proposed) ?? null])), [rows, by]);
  const layer: Layer = useMemo(() => ({ key: 'levels' as Layer['key'], label: by === 'official' ? 'levels.official' : 'levels.proposed', digits: 0, value: () => null }), [by]);

  if (list.isPending) return <PageLoader />;
  if (list.error) return <ErrorAlert error={list.error} notFoundText={t('levels.outOfScope')} onRetry={() => void list.refetch()} />;
  const { unit, ruleset } = list.data;
  const lang = currentLang();
  const atRoot = unit.code === me.unitCode;

  const flags = (r: LevelRow) => (
    <Group gap={4}>
      {r.changed && (
        <Badge size="xs" color="orange" variant="light" data-testid="levels-changed" style={{ textTransform: 'none' }}>
          {r.official ? t('levels.table.changed') : t('levels.table.undecided')}
        </Badge>
      )}
      {r.pending && (
        <Badge size="xs" color="red" variant="outline" style={{ textTransform: 'none' }}>
          {t('levels.table.pending', { n: r.pending.level })}
        </Badge>
      )}
      {r.manual && (
        <Badge size="xs" color="orange" variant="filled" style={{ textTransform: 'none' }}>
          {t('levels.source.manual')}
        </Badge>
      )}
    </Group>
  );
  const drill = (r: LevelRow) =>
    r.unitLevel !== 'village' && (
      <Tooltip label={t('levels.table.drill')}>
        <Button size="compact-sm" variant="subtle" aria-label={t('levels.table.drillOf', { name: r.name })} onClick={(e) => (e.stopPropagation(), set({ unit: r.code, open: null }))}>
          <IconChevronRight size={18} />
        </Button>
      </Tooltip>
    );
  const name = (r: LevelRow) => (
    <Anchor component="button" type="button" size="sm" ta="left" onClick={(e) => (e.stopPropagation(), set({ open: r.code }))} data-testid="levels-open">
      {r.name}
    </Anchor>
  );
  // On a phone: two columns (the unit with its figures, then both levels stacked).
  const table = phone ? (
    <Table highlightOnHover data-testid="levels-table" fz="sm" verticalSpacing={6}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('levels.table.unit')}</Table.Th>
          <Table.Th style={{ whiteSpace: 'nowrap' }}>{t('levels.table.proposedOfficial')}</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.code} data-code={r.code} style={{ cursor: 'pointer' }} onClick={() => set({ open: r.code })}>
            <Table.Td>
              {name(r)}
              <Text size="xs" c="dimmed" className="tabular">
                {t('levels.table.rateShort', { rate: formatNumber(r.casesPer100k, 1) })}
              </Text>
              {flags(r)}
            </Table.Td>
            <Table.Td>
              <Stack gap={4} align="flex-start">
                <LevelBadge level={r.proposed} size="sm" compact />
                <LevelBadge level={r.official?.level} size="sm" compact />
              </Stack>
            </Table.Td>
            <Table.Td style={{ width: 1 }}>{drill(r)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  ) : (
    <Table highlightOnHover data-testid="levels-table" fz="sm" verticalSpacing={6}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('levels.table.unit')}</Table.Th>
          <Table.Th>{t('levels.table.proposed')}</Table.Th>
          <Table.Th>{t('levels.table.official')}</Table.Th>
          <Table.Th style={{ textAlign: 'right' }}>{t('levels.table.rate', { days: 7 })}</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.code} data-code={r.code} style={{ cursor: 'pointer' }} onClick={() => set({ open: r.code })}>
            <Table.Td>
              {name(r)}
              {flags(r)}
            </Table.Td>
            <Table.Td>
              <LevelBadge level={r.proposed} size="sm" compact />
            </Table.Td>
            <Table.Td>
              <LevelBadge level={r.official?.level} size="sm" compact />
            </Table.Td>
            <Table.Td className="tabular" style={{ textAlign: 'right' }}>
              {formatNumber(r.casesPer100k, 1)}
            </Table.Td>
            <Table.Td style={{ width: 1 }}>{drill(r)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="xs">
        <Stack gap={2}>
          <Title order={2}>{t('levels.title')}</Title>
          <Group gap="xs">
            <Text fw={600}>{unit.name}</Text>
            <Anchor component="button" type="button" size="sm" onClick={() => set({ open: unit.code })} data-testid="levels-open-self">
              <LevelBadge level={unit.official?.level ?? unit.proposed} size="sm" />
            </Anchor>
          </Group>
          <Text size="xs" c="dimmed" data-testid="levels-ruleset">
            {t('levels.rulesetLine', { name: ruleset.name[lang] ?? ruleset.name.vi, version: ruleset.version, from: ruleset.effectiveFrom.split('-').reverse().join('/') })}
          </Text>
        </Stack>
        <Group gap="xs" align="flex-end">
          {!atRoot && unit.parentCode && (
            <Button variant="default" leftSection={<IconArrowUp size={16} />} onClick={() => set({ unit: unit.parentCode, open: null })}>
              {t('levels.up')}
            </Button>
          )}
          <DateField label={t('levels.date')} value={date} onChange={(d) => d && d <= today && set({ date: d === today ? null : d })} style={{ width: 150 }} data-testid="levels-date" />
        </Group>
      </Group>
      <SegmentedControl
        value={by}
        onChange={(v) => set({ by: v === 'official' ? 'official' : null })}
        data={[
          { value: 'proposed', label: t('levels.colorBy.proposed') },
          { value: 'official', label: t('levels.colorBy.official') },
        ]}
      />
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Card withBorder padding="sm">
            <Stack gap="xs">
              {map.isPending ? (
                <Skeleton height={320} />
              ) : map.error ? (
                <ErrorAlert error={map.error} onRetry={() => void map.refetch()} />
              ) : !features.length && !outline ? null : (
                <Choropleth
                  features={features}
                  outline={outline}
                  layer={layer}
                  values={values}
                  classes={LEVEL_CLASSES}
                  ariaLabel={t('levels.mapLabel', { name: unit.name })}
                  onOpen={(c) => set({ open: c })}
                  maxHeight="60vh"
                />
              )}
              <LevelCounts rows={rows} by={by} />
              {!features.length && !map.isPending && (
                <Text size="xs" c="dimmed">
                  {t('levels.noShapes')}
                </Text>
              )}
            </Stack>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Card withBorder padding="sm">
            <Text fw={600} mb="xs">
              {t(`childrenOf.${unit.unitLevel}`)} · {t('levels.table.count', { n: rows.length })}
            </Text>
            {rows.length ? table : <Text c="dimmed">{t('levels.noChildren')}</Text>}
          </Card>
        </Grid.Col>
      </Grid>
      {canManage && <ManualImport />}
      <Text size="xs" c="dimmed">
        {t('levels.footnote')}
      </Text>
      <UnitDrawer code={openCode} date={date} onClose={() => set({ open: null })} />
    </Stack>
  );
}
