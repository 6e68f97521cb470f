// One plan: its design, the sizes of every stratum with both steps of the formula (large
// population, then corrected for the stratum's size), the share of the budget, adjustments while
// it is a draft, the draw (with the seed that reproduces it) and the lists of people per site to
// download as Excel or to print.
import { useEffect, useRef, useState } from 'react';
import { Accordion, Alert, Anchor, Badge, Button, Card, CloseButton, Group, NumberInput, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBarcode, IconDice5, IconFileSpreadsheet, IconPrinter } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useCan } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api, ApiError } from '../lib/api.ts';
import { formatDate, formatNumber } from '../lib/format.ts';
import { sampleSizeLarge } from '../../../src/domain/testing/sampleSize.ts';
import { usePlan, useSitePeople, type Plan, type PlanSite, type PlanStratum } from './api.ts';
import { pct, testingFieldErrors } from './shared.ts';
import { TESTING_PERMISSIONS } from './nav.ts';
import './print.css';

function randomSeed(): number {
  const a = new Uint32Array(1);
  crypto.getRandomValues(a);
  return a[0];
}

export function PlanDetail({ id, onClose }: { id: number; onClose(): void }) {
  const { t } = useTranslation();
  const plan = usePlan(id);
  if (plan.isPending) return <PageLoader />;
  if (plan.error) return <ErrorAlert error={plan.error} notFoundText={t('testing.plans.notFound')} onRetry={() => void plan.refetch()} />;
  const p = plan.data;
  const nLarge = sampleSizeLarge({ prevalence: p.designPrevalence, confidence: p.confidence, sensitivity: p.sensitivity });
  return (
    <Stack gap="md" data-testid="plan-detail" data-status={p.status}>
      <Card withBorder className="no-print">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div>
            <Title order={2} size="h3">
              {p.name}
            </Title>
            <Text size="sm" c="dimmed">
              {formatDate(p.planDate)} · {p.unitName ?? p.unitCode}
            </Text>
            <Group gap="xs" mt={4}>
              <Badge variant="light" color={p.status === 'drawn' ? 'green' : p.status === 'closed' ? 'gray' : 'blue'} data-testid="plan-status">
                {t(`testing.plans.status.${p.status}`)}
              </Badge>
              <Text size="sm" c="dimmed" data-testid="plan-seed">
                {t('testing.plans.seedUsed', { seed: p.seed })}
              </Text>
            </Group>
          </div>
          <CloseButton onClick={onClose} aria-label={t('app.close')} />
        </Group>
        <SimpleGrid cols={{ base: 2, sm: 5 }} mt="sm" spacing="xs">
          <Fact label={t('testing.plans.prevalence')} value={pct(p.designPrevalence, 2)} />
          <Fact label={t('testing.plans.confidence')} value={pct(p.confidence)} />
          <Fact label={t('testing.plans.sensitivity')} value={pct(p.sensitivity)} />
          <Fact label={t('testing.plans.budget')} value={formatNumber(p.budget)} />
          <Fact label={t('testing.plans.colInfinite')} value={formatNumber(nLarge)} testId="plan-n-large" />
        </SimpleGrid>
        {p.designPolicyVersion != null && (
          <Text size="xs" c="dimmed" mt={4}>
            {t('testing.plans.designVersion', { version: p.designPolicyVersion })}
          </Text>
        )}
      </Card>
      <div className="no-print">
        <SizesCard plan={p} nLarge={nLarge} />
      </div>
      {p.status === 'draft' && <DrawCard plan={p} />}
      {p.status !== 'draft' && <SiteLists plan={p} />}
    </Stack>
  );
}

function Fact({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600} className="tabular" data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}

/** Sizes by stratum. While the plan is a draft the budget, weights and chosen sizes can be changed. */
function SizesCard({ plan, nLarge }: { plan: Plan; nLarge: number }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const canPlan = useCan(TESTING_PERMISSIONS.plan);
  const editable = canPlan && plan.status === 'draft';
  const [budget, setBudget] = useState<number | string>(plan.budget);
  const [weights, setWeights] = useState<Record<number, number | string>>({});
  const [chosen, setChosen] = useState<Record<number, number | string>>({});
  useEffect(() => {
    setBudget(plan.budget);
    setWeights({});
    setChosen({});
  }, [plan.version, plan.budget]);
  const dirty = Number(budget) !== plan.budget || Object.keys(weights).length > 0 || Object.keys(chosen).length > 0;
  const update = useMutation({
    mutationFn: () =>
      api<Plan>(`/testing/plans/${plan.id}`, {
        method: 'PATCH',
        body: {
          version: plan.version,
          budget: Number(budget) !== plan.budget ? Number(budget) : undefined,
          strata: plan.strata
            .filter((s) => s.id in weights || s.id in chosen)
            .map((s) => ({
              id: s.id,
              ...(s.id in weights ? { riskWeight: Number(weights[s.id]) } : {}),
              // An emptied field is not sent: a null would reach the server as 0 (see PlanForm).
              ...(s.id in chosen && chosen[s.id] !== '' ? { chosenSize: Number(chosen[s.id]) } : {}),
            })),
        },
      }),
    onSuccess: (p) => {
      qc.setQueryData(['testing', 'plan', plan.id], p);
      void qc.invalidateQueries({ queryKey: ['testing', 'plans'] });
      notifications.show({ color: 'green', message: t('testing.plans.updated', { total: formatNumber(p.totals.chosen) }) });
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'stale') void qc.invalidateQueries({ queryKey: ['testing', 'plan', plan.id] });
    },
  });
  const errs = testingFieldErrors(update.error, t);
  const tot = plan.totals;
  return (
    <Card withBorder padding="sm" data-testid="plan-sizes">
      <Title order={3} size="h5" mb={4}>
        {t('testing.plans.sizes')}
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        {t('testing.plans.formula')}
      </Text>
      <Table.ScrollContainer minWidth={860}>
        <Table verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('testing.plans.stratumName')}</Table.Th>
              <Table.Th ta="right">{t('testing.plans.colPopulation')}</Table.Th>
              <Table.Th ta="right">{t('testing.plans.riskWeight')}</Table.Th>
              <Table.Th ta="right">{t('testing.plans.colInfinite')}</Table.Th>
              <Table.Th ta="right">{t('testing.plans.colFinite')}</Table.Th>
              <Table.Th ta="right">{t('testing.plans.colProposed')}</Table.Th>
              <Table.Th ta="right">{t('testing.plans.colChosen')}</Table.Th>
              <Table.Th ta="right">{t('testing.plans.colConfidence')}</Table.Th>
              <Table.Th>{t('testing.plans.site')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {plan.strata.map((s, i) => (
              <Table.Tr key={s.id} data-testid="stratum-size">
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {s.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {populationLine(s, t)}
                  </Text>
                </Table.Td>
                <Table.Td ta="right" className="tabular">
                  {s.populationSize == null ? t('testing.plans.unknownN') : formatNumber(s.populationSize)}
                </Table.Td>
                <Table.Td ta="right">
                  {editable ? (
                    <NumberInput size="xs" w={80} ml="auto" value={weights[s.id] ?? s.riskWeight} onChange={(v) => setWeights({ ...weights, [s.id]: v })} min={0} max={100} step={0.5} decimalScale={2} decimalSeparator="," aria-label={`${t('testing.plans.riskWeight')} ${s.name}`} error={errs[`strata.${i}.riskWeight`]} />
                  ) : (
                    formatNumber(s.riskWeight, 2)
                  )}
                </Table.Td>
                <Table.Td ta="right" className="tabular" c="dimmed">
                  {formatNumber(nLarge)}
                </Table.Td>
                <Table.Td ta="right" className="tabular">
                  {formatNumber(s.requiredSize)}
                </Table.Td>
                <Table.Td ta="right" className="tabular">
                  {formatNumber(s.proposedSize)}
                </Table.Td>
                <Table.Td ta="right" className="tabular" fw={700}>
                  {editable ? (
                    <NumberInput size="xs" w={90} ml="auto" placeholder={String(s.proposedSize)} value={chosen[s.id] ?? s.chosenSize ?? ''} onChange={(v) => setChosen({ ...chosen, [s.id]: v })} min={0} allowDecimal={false} aria-label={`${t('testing.plans.colChosen')} ${s.name}`} error={errs[`strata.${i}.chosenSize`]} />
                  ) : (
                    formatNumber(s.size)
                  )}
                </Table.Td>
                <Table.Td ta="right" className="tabular" c={s.confidenceAtSize + 1e-9 < plan.confidence ? 'orange.8' : undefined}>
                  {pct(s.confidenceAtSize, 1)}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{s.site ?? t('testing.plans.stationOfCommune')}</Text>
                  {s.everyKth != null && (
                    <Text size="xs" c="grape.8">
                      {t('testing.plans.everyKth', { k: s.everyKth, start: s.startAt })}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            <Table.Tr>
              <Table.Th colSpan={4}>{t('testing.plans.total')}</Table.Th>
              <Table.Th ta="right" className="tabular">
                {formatNumber(tot.required)}
              </Table.Th>
              <Table.Th ta="right" className="tabular">
                {formatNumber(tot.proposed)}
              </Table.Th>
              <Table.Th ta="right" className="tabular" data-testid="plan-total">
                {formatNumber(tot.chosen)}
              </Table.Th>
              <Table.Th colSpan={2} />
            </Table.Tr>
          </Table.Tfoot>
        </Table>
      </Table.ScrollContainer>
      <Text size="sm" mt="xs">
        {tot.meetsDesign ? t('testing.plans.meetsDesign', { surplus: formatNumber(tot.surplus), budget: formatNumber(plan.budget) }) : t('testing.plans.belowDesign', { need: formatNumber(tot.required), budget: formatNumber(plan.budget) })}
      </Text>
      {editable && (
        <Group align="flex-end" mt="sm" gap="sm">
          <NumberInput label={t('testing.plans.budget')} value={budget} onChange={setBudget} min={1} max={1_000_000} allowDecimal={false} thousandSeparator="." decimalSeparator="," w={180} error={errs.budget} name="budget" />
          <Button variant="light" onClick={() => update.mutate()} loading={update.isPending} disabled={!dirty}>
            {t('testing.plans.recompute')}
          </Button>
        </Group>
      )}
      {update.error && !Object.keys(errs).length && (
        <div style={{ marginTop: 8 }}>
          <ErrorAlert error={update.error} />
        </div>
      )}
    </Card>
  );
}

function populationLine(s: PlanStratum, t: (k: string, o?: Record<string, unknown>) => string): string {
  const kind = t(`testing.stratumKind.${s.kind}`);
  const p = s.population;
  if (s.kind === 'zone_residents' && p.zoneName) return `${kind}: ${p.zoneName}`;
  if (s.kind === 'listed' && p.personCount != null) return `${kind}: ${t('testing.plans.people', { count: p.personCount })}`;
  if (s.kind === 'residents' && (p.ageMin != null || p.ageMax != null)) return `${kind} · ${t('testing.plans.ages', { min: p.ageMin ?? 0, max: p.ageMax ?? '…' })}`;
  if (s.kind === 'on_site' && p.description) return `${kind}: ${p.description}`;
  return kind;
}

function DrawCard({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const canPlan = useCan(TESTING_PERMISSIONS.plan);
  const draw = useMutation({
    mutationFn: () => api<Plan>(`/testing/plans/${plan.id}/draw`, { method: 'POST', body: { version: plan.version } }),
    onSuccess: (p) => {
      qc.setQueryData(['testing', 'plan', plan.id], p);
      void qc.invalidateQueries({ queryKey: ['testing', 'plans'] });
      notifications.show({ color: 'green', message: t('testing.plans.drawn', { total: formatNumber(p.totals.drawn), seed: p.seed }) });
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'stale') void qc.invalidateQueries({ queryKey: ['testing', 'plan', plan.id] });
    },
  });
  const reseed = useMutation({
    mutationFn: () => api<Plan>(`/testing/plans/${plan.id}`, { method: 'PATCH', body: { version: plan.version, seed: randomSeed() } }),
    onSuccess: (p) => qc.setQueryData(['testing', 'plan', plan.id], p),
  });
  if (!canPlan) return null;
  return (
    <Card withBorder className="no-print" data-testid="draw-card">
      <Title order={3} size="h5" mb={4}>
        {t('testing.plans.draw')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('testing.plans.drawHint', { seed: plan.seed })}
      </Text>
      <Group gap="xs">
        <Button onClick={() => draw.mutate()} loading={draw.isPending}>
          {t('testing.plans.drawButton', { total: formatNumber(plan.totals.chosen) })}
        </Button>
        <Button variant="subtle" leftSection={<IconDice5 size={16} />} onClick={() => reseed.mutate()} loading={reseed.isPending}>
          {t('testing.plans.newSeed')}
        </Button>
      </Group>
      {(draw.error ?? reseed.error) && (
        <div style={{ marginTop: 8 }}>
          <ErrorAlert error={draw.error ?? reseed.error} />
        </div>
      )}
    </Card>
  );
}

function SiteLists({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string[]>([]);
  const [printing, setPrinting] = useState<number | 'all' | null>(null);
  const sites = plan.sites.filter((s) => s.people > 0);
  const onSite = plan.strata.filter((s) => s.kind === 'on_site' && s.everyKth != null);
  return (
    <Card withBorder data-testid="site-lists">
      <Group justify="space-between" mb="xs" className="no-print">
        <Title order={3} size="h5">
          {t('testing.plans.lists', { count: sites.length, total: formatNumber(plan.totals.drawn) })}
        </Title>
        <Group gap="xs">
          <Button component="a" href={`/api/testing/plans/${plan.id}/lists.xlsx`} download size="xs" variant="light" color="green" leftSection={<IconFileSpreadsheet size={16} />} data-testid="lists-xlsx">
            {t('app.downloadExcel')}
          </Button>
          <Button size="xs" variant="light" leftSection={<IconPrinter size={16} />} onClick={() => setPrinting('all')} disabled={!sites.length}>
            {t('testing.plans.printAll')}
          </Button>
        </Group>
      </Group>
      {onSite.length > 0 && (
        <Alert color="grape" variant="light" mb="sm" className="no-print">
          {onSite.map((s) => (
            <Text size="sm" key={s.id}>
              <b>{s.name}</b>: {t('testing.plans.everyKthLong', { k: s.everyKth, start: s.startAt, n: formatNumber(s.size), site: s.site ?? '—' })}
            </Text>
          ))}
        </Alert>
      )}
      {sites.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('testing.plans.noneDrawn')}
        </Text>
      ) : (
        <Accordion multiple variant="separated" className="no-print" value={open} onChange={setOpen}>
          {sites.map((s) => (
            <Accordion.Item key={s.id} value={String(s.id)} data-testid="site-list">
              <Accordion.Control>
                <Group justify="space-between" wrap="nowrap" pr="xs">
                  <div>
                    <Text fw={600}>{s.name}</Text>
                    <Text size="xs" c="dimmed">
                      {[s.unitName, s.address].filter(Boolean).join(' · ')}
                    </Text>
                  </div>
                  <Badge variant="light">{t('testing.plans.collectedOf', { collected: s.collected, total: s.people })}</Badge>
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                {open.includes(String(s.id)) && <SitePanel plan={plan} site={s} onPrint={() => setPrinting(s.id)} />}
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
      {printing != null && <PrintList plan={plan} sites={printing === 'all' ? sites : sites.filter((s) => s.id === printing)} siteId={printing === 'all' ? null : printing} onDone={() => setPrinting(null)} />}
    </Card>
  );
}

function SitePanel({ plan, site, onPrint }: { plan: Plan; site: PlanSite; onPrint(): void }) {
  const { t } = useTranslation();
  const canCollect = useCan(TESTING_PERMISSIONS.collect);
  const q = useSitePeople(plan.id, site.id, true);
  return (
    <Stack gap="xs">
      <Group gap="xs">
        <Button component="a" href={`/api/testing/plans/${plan.id}/lists.xlsx?site=${site.id}`} download size="xs" variant="light" color="green" leftSection={<IconFileSpreadsheet size={16} />}>
          {t('app.downloadExcel')}
        </Button>
        <Button size="xs" variant="light" leftSection={<IconPrinter size={16} />} onClick={onPrint}>
          {t('testing.plans.print')}
        </Button>
        {canCollect && plan.status === 'drawn' && (
          <Button component={Link} to={`/testing/collect?new=1&plan=${plan.id}&site=${site.id}`} size="xs" variant="light" color="grape" leftSection={<IconBarcode size={16} />}>
            {t('testing.plans.openSession')}
          </Button>
        )}
      </Group>
      {q.isPending ? <PageLoader /> : q.error ? <ErrorAlert error={q.error} /> : <PeopleTable people={q.data.items} />}
    </Stack>
  );
}

/** Renders the lists to print off screen, prints when they are loaded, then goes away. */
function PrintList({ plan, sites, siteId, onDone }: { plan: Plan; sites: PlanSite[]; siteId: number | null; onDone(): void }) {
  const { t } = useTranslation();
  const q = useSitePeople(plan.id, siteId, true);
  const done = useRef(onDone);
  done.current = onDone;
  useEffect(() => {
    if (!q.data) return;
    const after = () => done.current();
    window.addEventListener('afterprint', after, { once: true });
    const timer = setTimeout(() => window.print(), 50);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('afterprint', after);
    };
  }, [q.data]);
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data) return null;
  return (
    <div className="print-only" data-testid="print-lists">
      {sites.map((s) => (
        <div key={s.id} className="print-page">
          <Title order={2} size="h4">
            {t('testing.plans.printTitle', { site: s.name, date: formatDate(plan.planDate) })}
          </Title>
          <Text size="sm" mb="xs">
            {[plan.name, s.unitName, s.address, t('testing.plans.seedUsed', { seed: plan.seed }), t('testing.plans.people', { count: s.people })].filter(Boolean).join(' · ')}
          </Text>
          <PeopleTable people={q.data.items.filter((p) => p.siteId === s.id)} forPrint />
        </div>
      ))}
    </div>
  );
}

function PeopleTable({ people, forPrint }: { people: { personId: number; fullName: string; birthDate: string | null; cccd: string | null; address: string | null; villageName: string | null; communeName: string | null; stratum: string; barcode: string | null }[]; forPrint?: boolean }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={forPrint ? 0 : 640}>
      <Table verticalSpacing={4} fz="sm" striped={!forPrint} withTableBorder={forPrint} withColumnBorders={forPrint}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>{t('person.fullName')}</Table.Th>
            <Table.Th>{t('person.birthDate')}</Table.Th>
            <Table.Th>{t('person.cccd')}</Table.Th>
            <Table.Th>{t('person.address')}</Table.Th>
            <Table.Th>{t('testing.plans.stratumName')}</Table.Th>
            <Table.Th style={forPrint ? { width: 140 } : undefined}>{t('testing.plans.barcodeCol')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {people.map((p, i) => (
            <Table.Tr key={p.personId}>
              <Table.Td className="tabular">{i + 1}</Table.Td>
              <Table.Td>{forPrint ? p.fullName : <Anchor component={Link} to={`/people/${p.personId}`} size="sm">{p.fullName}</Anchor>}</Table.Td>
              <Table.Td className="tabular">{formatDate(p.birthDate)}</Table.Td>
              <Table.Td className="tabular">{p.cccd ?? '—'}</Table.Td>
              <Table.Td>{p.address || [p.villageName, p.communeName].filter(Boolean).join(', ') || '—'}</Table.Td>
              <Table.Td>{p.stratum}</Table.Td>
              <Table.Td className="tabular">{p.barcode ?? ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
