// The explanation of a unit's computed level, so an officer can defend it: the inputs (and where
// each came from: registry, entered by hand, capacity register), the band of every criterion, the
// matrix with the cell highlighted, every adjustment, the ruleset version; the official level, an
// announced raise, the history; the measures of the level; confirm or override with a reason.
import { useState } from 'react';
import { Alert, Badge, Button, Card, Group, List, NumberInput, SegmentedControl, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api.ts';
import { formatNumber } from '../lib/format.ts';
import { currentLang } from '../i18n/index.ts';
import { fieldErrors } from '../common/fieldErrors.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { LEVEL_COLORS, LEVEL_TEXT_COLORS, type DecisionResult, type Explanation as Expl, type LevelNumber, type Source, type UnitLevelDetail } from './api.ts';

/** A level in its colour; compact (tables on a phone): "Cấp 4" with the name as a tooltip. */
export function LevelBadge({ level, size = 'md', testId, compact = false }: { level: LevelNumber | null | undefined; size?: 'sm' | 'md' | 'lg' | 'xl'; testId?: string; compact?: boolean }) {
  const { t } = useTranslation();
  if (!level)
    return (
      <Badge color="gray" variant="light" size={size} data-testid={testId} style={{ textTransform: 'none' }}>
        {compact ? '—' : t('levels.none')}
      </Badge>
    );
  return (
    <Badge size={size} style={{ background: LEVEL_COLORS[level], color: LEVEL_TEXT_COLORS[level], textTransform: 'none', flexShrink: 0, minWidth: 'max-content', overflow: 'visible' }} data-testid={testId} data-level={level} title={t(`levels.name.${level}`)}>
      {t('levels.levelN', { n: level })}
      {compact ? '' : ` · ${t(`levels.name.${level}`)}`}
    </Badge>
  );
}

/** dd/mm/yyyy HH:mm in Viet Nam's time. */
const dateTime = (iso: string) => {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Ho_Chi_Minh' }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]),
  );
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
};

function SourceBadge({ source }: { source: Source | undefined }) {
  const { t } = useTranslation();
  const s = source ?? 'registry';
  const color = s === 'manual' ? 'orange' : s === 'missing' ? 'red' : s === 'register' ? 'grape' : s === 'parent' ? 'cyan' : 'gray';
  return (
    <Badge size="xs" variant={s === 'manual' ? 'filled' : 'light'} color={color} data-source={s}>
      {t(`levels.source.${s}`)}
    </Badge>
  );
}

function value(c: { value: number | null; unit: string }) {
  if (c.value == null) return '—';
  if (c.unit === 'pct') return `${formatNumber(c.value, 1)} %`;
  return formatNumber(c.value, c.unit === 'count' ? 0 : 2);
}

function bandLabel(t: (k: string, o?: Record<string, unknown>) => string, band: number | string) {
  return typeof band === 'number' ? t('levels.band', { n: band }) : t(`levels.bandName.${band}`);
}

function Matrix({ e }: { e: Expl }) {
  const { t } = useTranslation();
  const m = e.matrix!;
  const rowLabel = e.kind === 'qd4800' ? t('levels.matrix.rows4800') : t('levels.matrix.rows218');
  return (
    <Table withTableBorder withColumnBorders data-testid="level-matrix" style={{ textAlign: 'center' }} aria-label={t('levels.matrix.title')}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{rowLabel}</Table.Th>
          {m.columns.map((c) => (
            <Table.Th key={c} style={{ textAlign: 'center' }}>
              {t(`levels.matrix.col.${e.kind}.${c}`)}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {m.cells.map((row, i) => (
          <Table.Tr key={i}>
            <Table.Th style={{ textAlign: 'center' }}>{m.rows[i]}</Table.Th>
            {row.map((cell, j) => {
              const hit = i === m.row && j === m.column;
              return (
                <Table.Td
                  key={j}
                  data-hit={hit || undefined}
                  style={{
                    background: hit ? LEVEL_COLORS[cell as LevelNumber] : undefined,
                    color: hit ? LEVEL_TEXT_COLORS[cell as LevelNumber] : undefined,
                    fontWeight: hit ? 700 : 400,
                    outline: hit ? '3px solid #212529' : undefined,
                    outlineOffset: -3,
                  }}
                >
                  {cell}
                </Table.Td>
              );
            })}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Inputs({ e }: { e: Expl }) {
  const { t } = useTranslation();
  const i = e.inputs;
  const rows: [string, string, string][] = [
    ['population', formatNumber(i.population), 'population'],
    ['communityCases', formatNumber(i.communityCases), 'communityCases'],
    ['quarantineCases', formatNumber(i.quarantineCases), 'quarantineCases'],
    ['oxygenCases', formatNumber(i.oxygenCases), 'oxygenCases'],
    ['deaths', formatNumber(i.deaths), 'deaths'],
    ...(['adults18AtLeastOnePct', 'over50FullyPct', 'over65FullyPct', 'populationFullyPct'] as const).map(
      (k) => [`coverage.${k}`, i.coverage[k] == null ? '—' : `${formatNumber(i.coverage[k], 1)} %`, `coverage.${k}`] as [string, string, string],
    ),
    ...(['careTeams', 'mobileStations', 'oxygenReady', 'treatmentPlan', 'vacantBeds', 'treatmentBeds', 'icuBeds'] as const).map((k) => {
      const v = i.capacity[k];
      return [`capacity.${k}`, v == null ? '—' : typeof v === 'boolean' ? t(v ? 'levels.yes' : 'levels.no') : formatNumber(v), `capacity.${k}`] as [string, string, string];
    }),
  ];
  return (
    <Table striped data-testid="level-inputs" fz="sm">
      <Table.Tbody>
        {rows.map(([k, v, src]) => (
          <Table.Tr key={k} data-input={k}>
            <Table.Td>{t(`levels.input.${k}`, { days: e.windowDays })}</Table.Td>
            <Table.Td className="tabular" style={{ textAlign: 'right', whiteSpace: 'nowrap' }}>
              {v}
            </Table.Td>
            <Table.Td style={{ width: 1 }}>
              <SourceBadge source={i.sources[src]} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Decide({ d, date, onDone }: { d: UnitLevelDetail; date: string; onDone(): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [action, setAction] = useState<'confirm' | 'override'>('confirm');
  const [level, setLevel] = useState<number | ''>(d.proposed ?? '');
  const [reason, setReason] = useState('');
  const m = useMutation({
    mutationFn: () =>
      api<DecisionResult>(`/levels/units/${encodeURIComponent(d.unit.code)}/decisions`, {
        method: 'POST',
        body: action === 'confirm' ? { date, action, proposedLevel: d.proposed } : { date, action, level: level === '' ? undefined : level, reason },
      }),
    onSuccess: (r) => {
      notifications.show({
        color: 'green',
        message: r.raise ? t('levels.decide.raised', { n: r.level, at: dateTime(r.effectiveAt), hours: r.noticeHours }) : t('levels.decide.saved', { n: r.level }),
      });
      void qc.invalidateQueries({ queryKey: ['levels'] });
      void qc.invalidateQueries({ queryKey: ['levels-unit'] });
      onDone();
    },
  });
  const errs = fieldErrors(m.error, t);
  return (
    <Card withBorder padding="sm" data-testid="level-decide">
      <Stack gap="xs">
        <Title order={4}>{t('levels.decide.title')}</Title>
        <SegmentedControl
          value={action}
          onChange={(v) => setAction(v as 'confirm' | 'override')}
          data={[
            { value: 'confirm', label: t('levels.decide.confirm'), disabled: d.proposed == null },
            { value: 'override', label: t('levels.decide.override') },
          ]}
        />
        {action === 'override' && (
          <>
            <NumberInput label={t('levels.decide.level')} min={1} max={4} value={level} onChange={(v) => setLevel(typeof v === 'number' ? v : '')} error={errs.level} allowDecimal={false} required />
            <Textarea label={t('levels.decide.reason')} description={t('levels.decide.reasonHint')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errs.reason} autosize minRows={2} required />
          </>
        )}
        <Text size="xs" c="dimmed">
          {t('levels.decide.notice', { hours: d.raiseNoticeHours })}
        </Text>
        {m.error && !Object.keys(errs).length ? <ErrorAlert error={m.error} /> : null}
        <Button onClick={() => m.mutate()} loading={m.isPending} data-testid="level-decide-submit">
          {action === 'confirm' ? t('levels.decide.confirmButton', { n: d.proposed ?? '—' }) : t('levels.decide.overrideButton')}
        </Button>
      </Stack>
    </Card>
  );
}

export function ExplanationView({ d, date, canDecide }: { d: UnitLevelDetail; date: string; canDecide: boolean }) {
  const { t } = useTranslation();
  const e = d.explanation;
  const lang = currentLang();
  const shownLevel = (d.official?.level ?? d.proposed) as LevelNumber | null;
  const measures = shownLevel && d.measures ? d.measures.levels[String(shownLevel) as '1'] : [];
  return (
    <Stack gap="sm" data-testid="level-explanation">
      <Group gap="xs" wrap="wrap">
        <Stack gap={2}>
          <Text size="xs" c="dimmed">
            {t('levels.proposed')}
          </Text>
          <LevelBadge level={d.proposed} size="lg" testId="explanation-proposed" />
        </Stack>
        <Stack gap={2}>
          <Text size="xs" c="dimmed">
            {t('levels.official')}
          </Text>
          <LevelBadge level={d.official?.level} size="lg" testId="explanation-official" />
        </Stack>
      </Group>
      {d.official && (
        <Text size="sm">
          {t('levels.officialSince', { at: dateTime(d.official.effectiveAt), kind: t(`levels.kind.${d.official.kind}`) })}
        </Text>
      )}
      {d.pending && (
        <Alert color="orange" data-testid="level-pending" title={t('levels.pendingTitle', { n: d.pending.level })}>
          {t('levels.pendingText', { at: dateTime(d.pending.effectiveAt), announced: dateTime(d.pending.announcedAt) })}
        </Alert>
      )}
      {e.level == null && <Alert color="gray">{t('levels.noPopulation')}</Alert>}
      <Text size="sm" data-testid="level-ruleset">
        {t('levels.rulesetLine', { name: e.ruleset.name[lang] ?? e.ruleset.name.vi, version: e.ruleset.version, from: e.ruleset.effectiveFrom.split('-').reverse().join('/') })}
      </Text>
      {e.missing.length > 0 && (
        <Alert color="yellow" p="xs">
          {t('levels.missingInputs', { list: e.missing.map((m) => t(`levels.input.${m}`, { days: e.windowDays, defaultValue: m })).join(', ') })}
        </Alert>
      )}
      {e.criteria.length > 0 && (
        <>
          <Title order={4}>{t('levels.criteria')}</Title>
          <Table fz="sm" data-testid="level-criteria">
            <Table.Tbody>
              {e.criteria.map((c) => (
                <Table.Tr key={c.id} data-criterion={c.id}>
                  <Table.Td>{t(`levels.criterion.${c.id}`, { days: e.windowDays })}</Table.Td>
                  <Table.Td className="tabular" style={{ textAlign: 'right', whiteSpace: 'nowrap' }}>
                    {value(c)}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }} data-band={String(c.band)}>
                    <Text size="xs" fw={700} c={c.missing ? 'red.8' : 'blue.8'}>
                      {bandLabel(t, c.band)}
                    </Text>
                    {c.missing && (
                      <Text size="xs" c="red.8">
                        {t('levels.missingShort')}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
      {e.matrix && (
        <>
          <Title order={4}>{t('levels.matrix.title')}</Title>
          <Matrix e={e} />
        </>
      )}
      <Title order={4}>{t('levels.adjustmentsTitle')}</Title>
      {e.adjustments.length ? (
        <List size="sm" data-testid="level-adjustments">
          {e.adjustments.map((a, i) => (
            <List.Item key={i}>{t(`levels.adjustment.${a.code}`, { from: a.from, to: a.to })}</List.Item>
          ))}
        </List>
      ) : (
        <Text size="sm" c="dimmed">
          {t('levels.noAdjustments')}
        </Text>
      )}
      <Title order={4}>{t('levels.inputsTitle')}</Title>
      <Inputs e={e} />
      {canDecide && <Decide d={d} date={date} onDone={() => undefined} />}
      {measures.length > 0 && (
        <>
          <Title order={4}>{t('levels.measuresTitle', { n: shownLevel })}</Title>
          <List size="sm" data-testid="level-measures">
            {measures.map((m) => (
              <List.Item key={m.id}>{lang === 'en' ? m.en : m.vi}</List.Item>
            ))}
          </List>
        </>
      )}
      <Title order={4}>{t('levels.historyTitle')}</Title>
      {d.history.length ? (
        <Table fz="sm" data-testid="level-history">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('levels.history.effective')}</Table.Th>
              <Table.Th>{t('levels.history.level')}</Table.Th>
              <Table.Th>{t('levels.history.by')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.history.map((h) => (
              <Table.Tr key={h.id}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(h.effectiveAt)}</Table.Td>
                <Table.Td>
                  <LevelBadge level={h.level} size="sm" />
                  <Text size="xs" c="dimmed">
                    {t(`levels.kind.${h.kind}`)}
                    {h.proposedLevel ? ` · ${t('levels.history.proposed', { n: h.proposedLevel })}` : ''}
                  </Text>
                  {h.reason && <Text size="xs">{h.reason}</Text>}
                </Table.Td>
                <Table.Td>{h.decidedBy}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="sm" c="dimmed">
          {t('levels.noHistory')}
        </Text>
      )}
    </Stack>
  );
}
