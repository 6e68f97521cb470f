// "Tình hình dịch" — the public page (no login) for citizens and the press: the official level of
// the province and of each district or commune on the map, and the headline figures. Counts only,
// no personal data (GET /api/public/situation, /api/public/map). Light and phone first.
import { useMemo } from 'react';
import { Anchor, Button, Card, Container, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconArrowUp } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { LanguageSwitch } from '../shell/LanguageSwitch.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { api } from '../lib/api.ts';
import { formatDate, formatDateTime, formatNumber } from '../lib/format.ts';
import type { UnitFeature } from '../lib/types.ts';
import { Choropleth } from '../units/Choropleth.tsx';
import { rewind } from '../units/geo.ts';
import type { Layer } from '../units/layers.ts';
import { LEVEL_CLASSES, LevelLegend } from '../dashboard/levelMap.tsx';
import { LevelBadge } from '../levels/Explanation.tsx';
import type { LevelNumber } from '../levels/api.ts';

/** A public count: the number, or the masked text of a small number ("< 5", "≥ 5"). */
type Count = number | string;
interface Figure {
  day: Count;
  week: Count;
  prevWeek: Count;
}
const shown = (v: Count) => (typeof v === 'string' ? v : formatNumber(v));

interface PublicLevel {
  level: LevelNumber | null;
  since: string | null;
  announced: { level: LevelNumber; effectiveAt: string } | null;
}
interface Situation {
  date: string;
  unit: PublicLevel & { code: string; name: string; unitLevel: string; parentCode: string | null; population: number };
  headline: {
    communityCases: Figure;
    quarantineCases: Figure;
    severeCases: Figure;
    deaths: Figure;
    tests: Figure;
    positivity: { week: number | null };
    doses: Figure;
    coverage: { atLeastOne18Pct: number | null; fully18Pct: number | null };
  };
  children: (PublicLevel & { code: string; name: string; unitLevel: string; population: number; communityCases: Count; casesPer100k: number | null })[];
  smallNumbers: { threshold: number; unitLevels: string[]; below: string };
}
interface PublicMap {
  unit: { code: string; name: string; level: string; parentCode: string | null };
  outline: UnitFeature | null;
  features: UnitFeature[];
}

export default function PublicPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const unit = params.get('unit') ?? undefined;
  const s = useQuery({ queryKey: ['public-situation', unit ?? ''], queryFn: ({ signal }) => api<Situation>('/public/situation', { query: { unit }, signal, noRedirect: true }), placeholderData: (p) => p });
  const m = useQuery({ queryKey: ['public-map', unit ?? ''], queryFn: ({ signal }) => api<PublicMap>('/public/map', { query: { unit }, signal, noRedirect: true }), staleTime: 5 * 60_000 });
  const features = useMemo(() => (m.data?.features ?? []).map(rewind), [m.data]);
  const values = useMemo(() => new Map((s.data?.children ?? []).map((c) => [c.code, c.level])), [s.data]);
  const layer: Layer = useMemo(() => ({ key: 'population', label: 'dashboard.public.level', digits: 0, value: () => null }), []);
  const open = (code: string | null) => setParams(code ? { unit: code } : {});
  const pct = (v: number | null) => (v == null ? '—' : `${formatNumber(v, 1)} %`);

  return (
    <Container size="md" px="sm" py="sm">
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Title order={1} fz={{ base: 20, sm: 26 }}>
          {t('dashboard.public.title')}
        </Title>
        <LanguageSwitch />
      </Group>
      {s.isPending ? (
        <Loader />
      ) : s.error ? (
        <ErrorAlert error={s.error} onRetry={() => void s.refetch()} />
      ) : (
        <Stack gap="sm">
          <Card withBorder padding="sm">
            <Group justify="space-between" wrap="wrap" gap="xs">
              <Stack gap={2}>
                <Text fw={700} fz="lg" data-testid="public-unit">
                  {s.data.unit.name}
                </Text>
                <Text size="sm" c="dimmed">
                  {t('dashboard.public.asOf', { date: formatDate(s.data.date) })}
                </Text>
              </Stack>
              <Stack gap={2} align="flex-end">
                <LevelBadge level={s.data.unit.level} size="lg" />
                {s.data.unit.announced && (
                  <Text size="xs" c="red.8">
                    {t('dashboard.public.announced', { n: s.data.unit.announced.level, at: formatDateTime(s.data.unit.announced.effectiveAt) })}
                  </Text>
                )}
              </Stack>
            </Group>
            {s.data.unit.parentCode && s.data.unit.unitLevel !== 'province' && (
              <Button mt="xs" size="xs" variant="default" leftSection={<IconArrowUp size={14} />} onClick={() => open(s.data.unit.unitLevel === 'district' ? null : s.data.unit.parentCode)}>
                {t('dashboard.up')}
              </Button>
            )}
          </Card>
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs" data-testid="public-headline">
            {[
              [t('dashboard.fig.community'), s.data.headline.communityCases],
              [t('dashboard.fig.quarantine'), s.data.headline.quarantineCases],
              [t('dashboard.fig.severe'), s.data.headline.severeCases],
              [t('dashboard.fig.deaths'), s.data.headline.deaths],
            ].map(([label, f]) => (
              <Card key={label as string} withBorder padding="xs">
                <Text size="xs" c="dimmed">
                  {label as string}
                </Text>
                <Text fw={700} fz={22} className="tabular">
                  {shown((f as Figure).day)}
                </Text>
                <Text size="xs" c="dimmed" className="tabular">
                  {t('dashboard.week', { n: shown((f as Figure).week) })}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
          <Text size="sm">
            {t('dashboard.public.testsLine', { n: shown(s.data.headline.tests.week), pct: pct(s.data.headline.positivity.week) })} ·{' '}
            {t('dashboard.public.coverageLine', { one: pct(s.data.headline.coverage.atLeastOne18Pct), full: pct(s.data.headline.coverage.fully18Pct) })}
          </Text>
          {!!s.data.children.length && (
            <Card withBorder padding="sm">
              <Text fw={600} mb="xs">
                {t('dashboard.public.mapTitle')}
              </Text>
              {m.isPending ? (
                <Loader size="sm" />
              ) : features.length ? (
                <Choropleth features={features} layer={layer} values={values} classes={LEVEL_CLASSES} ariaLabel={t('dashboard.mapLabel', { name: s.data.unit.name })} onOpen={(c) => open(c)} maxHeight="55vh" />
              ) : null}
              <LevelLegend noneLabel={t('dashboard.public.none')} />
              <Table fz="sm" verticalSpacing={4} mt="xs" data-testid="public-children">
                <Table.Tbody>
                  {s.data.children.map((c) => (
                    <Table.Tr key={c.code} data-code={c.code}>
                      <Table.Td>
                        {c.unitLevel === 'district' ? (
                          <Anchor component="button" type="button" size="sm" onClick={() => open(c.code)}>
                            {c.name}
                          </Anchor>
                        ) : (
                          <Text size="sm">{c.name}</Text>
                        )}
                        <Text size="xs" c="dimmed" className="tabular" data-testid="public-child-cases">
                          {c.casesPer100k == null && typeof c.communityCases === 'string'
                            ? t('dashboard.public.casesMasked', { n: c.communityCases })
                            : t('dashboard.public.rate', { rate: formatNumber(c.casesPer100k, 1) })}
                        </Text>
                      </Table.Td>
                      <Table.Td style={{ width: 1 }}>
                        <LevelBadge level={c.level} size="sm" compact />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
          )}
          <Text size="xs" c="dimmed">
            {t('dashboard.public.note')}
          </Text>
          {s.data.smallNumbers.unitLevels.length > 0 && (
            <Text size="xs" c="dimmed" data-testid="public-small-numbers">
              {t('dashboard.public.smallNumbers', { below: s.data.smallNumbers.below, max: s.data.smallNumbers.threshold - 1 })}
            </Text>
          )}
        </Stack>
      )}
    </Container>
  );
}
