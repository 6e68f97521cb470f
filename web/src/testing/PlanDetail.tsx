// One plan: its design, the proposed sizes, the draw (with the seed that reproduces it) and the
// lists of people to sample at each site, to download as Excel or to print.
import { useState } from 'react';
import { Accordion, Badge, Button, Card, CloseButton, Group, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDice5, IconPrinter } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCan } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ExcelButton } from '../common/ExcelButton.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { downloadXlsx } from '../lib/excel.ts';
import { formatDate, formatNumber } from '../lib/format.ts';
import { usePlan, usePlanLists, type Plan, type SiteList } from './api.ts';
import { SizesTable } from './PlanForm.tsx';
import './print.css';
import { pct, testingFieldErrors } from './shared.ts';

function randomSeed(): string {
  const a = new Uint32Array(1);
  crypto.getRandomValues(a);
  return String(a[0] % 1_000_000).padStart(6, '0');
}

export function PlanDetail({ id, onClose }: { id: number; onClose(): void }) {
  const { t } = useTranslation();
  const plan = usePlan(id);
  if (plan.isPending) return <PageLoader />;
  if (plan.error) return <ErrorAlert error={plan.error} notFoundText={t('testing.plans.notFound')} onRetry={() => void plan.refetch()} />;
  const p = plan.data;
  return (
    <Stack gap="md" data-testid="plan-detail">
      <Card withBorder className="no-print">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div>
            <Title order={2} size="h3">
              {t('testing.plans.detailTitle', { date: formatDate(p.planDate), unit: p.unitName ?? p.unitCode })}
            </Title>
            <Group gap="xs" mt={4}>
              <Badge variant="light" color={p.status === 'drawn' ? 'green' : 'gray'}>
                {t(`testing.plans.status.${p.status}`)}
              </Badge>
              {p.seed && (
                <Text size="sm" c="dimmed" data-testid="plan-seed">
                  {t('testing.plans.seedUsed', { seed: p.seed })}
                </Text>
              )}
            </Group>
          </div>
          <CloseButton onClick={onClose} aria-label={t('app.close')} />
        </Group>
        <SimpleGrid cols={{ base: 2, sm: 4 }} mt="sm" spacing="xs">
          <Fact label={t('testing.plans.prevalence')} value={pct(p.designPrevalence, 2)} />
          <Fact label={t('testing.plans.confidence')} value={pct(p.confidence)} />
          <Fact label={t('testing.plans.sensitivity')} value={pct(p.sensitivity)} />
          <Fact label={t('testing.plans.budget')} value={p.budget != null ? formatNumber(p.budget) : t('testing.plans.noBudget')} />
        </SimpleGrid>
      </Card>
      <div className="no-print">
        <SizesTable preview={p} budget={p.budget} />
      </div>
      <DrawCard plan={p} />
      {p.status === 'drawn' && <SiteLists plan={p} />}
    </Stack>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600} className="tabular">
        {value}
      </Text>
    </div>
  );
}

function DrawCard({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const canPlan = useCan('testing.plan');
  const [seed, setSeed] = useState(plan.seed ?? randomSeed());
  const draw = useMutation({
    mutationFn: () => api<Plan>(`/testing/plans/${plan.id}/draw`, { method: 'POST', body: { seed } }),
    onSuccess: (p) => {
      qc.setQueryData(['testing', 'plan', plan.id], p);
      void qc.invalidateQueries({ queryKey: ['testing', 'plan', plan.id, 'lists'] });
      void qc.invalidateQueries({ queryKey: ['testing', 'plans'] });
      notifications.show({ color: 'green', message: t('testing.plans.drawn', { total: formatNumber(p.totalSample), seed: p.seed }) });
    },
  });
  const errs = testingFieldErrors(draw.error, t);
  if (!canPlan && plan.status !== 'drawn') return null;
  return (
    <Card withBorder className="no-print">
      <Title order={3} size="h5" mb={4}>
        {t('testing.plans.draw')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('testing.plans.drawHint')}
      </Text>
      {canPlan && (
        <Group align="flex-end" gap="xs">
          <TextInput label={t('testing.plans.seed')} value={seed} onChange={(e) => setSeed(e.currentTarget.value.trim())} error={errs.seed} w={160} name="seed" className="tabular" />
          <Button variant="subtle" leftSection={<IconDice5 size={16} />} onClick={() => setSeed(randomSeed())}>
            {t('testing.plans.newSeed')}
          </Button>
          <Button onClick={() => draw.mutate()} loading={draw.isPending} disabled={!seed}>
            {plan.status === 'drawn' ? t('testing.plans.redraw') : t('testing.plans.drawButton')}
          </Button>
        </Group>
      )}
      {draw.error && !errs.seed && (
        <div style={{ marginTop: 8 }}>
          <ErrorAlert error={draw.error} />
        </div>
      )}
    </Card>
  );
}

function SiteLists({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const lists = usePlanLists(plan.id, true);
  const [printing, setPrinting] = useState<string | null>(null);
  const exportSite = (sites: SiteList[], filename: string) =>
    downloadXlsx(
      filename,
      t('testing.plans.listSheet'),
      [
        { header: t('testing.plans.site'), key: 'site', width: 24 },
        { header: t('testing.plans.stratumName'), key: 'stratumName', width: 22 },
        { header: t('person.fullName'), key: 'fullName', width: 26 },
        { header: t('person.birthDate'), key: 'birthDate', width: 12 },
        { header: t('person.sex'), key: 'sex', width: 8 },
        { header: t('person.cccd'), key: 'cccd', width: 16 },
        { header: t('person.phone'), key: 'phone', width: 14 },
        { header: t('person.address'), key: 'address', width: 40 },
        { header: t('testing.plans.barcodeCol'), key: 'barcode', width: 16 },
      ],
      sites.flatMap((s) =>
        s.people.map((p) => ({
          site: s.site,
          stratumName: p.stratumName,
          fullName: p.fullName,
          birthDate: formatDate(p.birthDate),
          sex: p.sex ? t(`person.${p.sex}`) : '',
          cccd: p.cccd ?? '',
          phone: p.phone ?? '',
          address: [p.address, p.villageName, p.communeName].filter(Boolean).join(', '),
          barcode: '',
        })),
      ),
    );
  const print = (site: string | null) => {
    setPrinting(site);
    // Let React render only that site's list, then print.
    setTimeout(() => {
      window.print();
      setPrinting(null);
    }, 50);
  };
  if (lists.isPending) return <PageLoader />;
  if (lists.error) return <ErrorAlert error={lists.error} onRetry={() => void lists.refetch()} />;
  const sites = lists.data;
  const total = sites.reduce((a, s) => a + s.people.length, 0);
  return (
    <Card withBorder data-testid="site-lists">
      <Group justify="space-between" mb="xs" className="no-print">
        <Title order={3} size="h5">
          {t('testing.plans.lists', { count: sites.length, total: formatNumber(total) })}
        </Title>
        <Group gap="xs">
          <ExcelButton onExport={() => exportSite(sites, `danh-sach-lay-mau-${plan.planDate}.xlsx`)} />
          <Button size="xs" variant="light" leftSection={<IconPrinter size={16} />} onClick={() => print(null)}>
            {t('testing.plans.printAll')}
          </Button>
        </Group>
      </Group>
      <Accordion multiple variant="separated" className="no-print">
        {sites.map((s) => (
          <Accordion.Item key={s.site} value={s.site} data-testid="site-list">
            <Accordion.Control>
              <Group justify="space-between" wrap="nowrap" pr="xs">
                <Text fw={600}>{s.site}</Text>
                <Badge variant="light">{t('testing.plans.people', { count: s.people.length })}</Badge>
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <Group gap="xs" mb="xs">
                <ExcelButton onExport={() => exportSite([s], `danh-sach-lay-mau-${plan.planDate}-${s.site.replace(/[^\p{L}\p{N}]+/gu, '-')}.xlsx`)} />
                <Button size="xs" variant="light" leftSection={<IconPrinter size={16} />} onClick={() => print(s.site)}>
                  {t('testing.plans.print')}
                </Button>
              </Group>
              <PeopleTable list={s} />
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
      <div className="print-only">
        {sites
          .filter((s) => printing == null || s.site === printing)
          .map((s) => (
            <div key={s.site} className="print-page">
              <Title order={2} size="h4">
                {t('testing.plans.printTitle', { site: s.site, date: formatDate(plan.planDate) })}
              </Title>
              <Text size="sm" mb="xs">
                {plan.unitName} · {t('testing.plans.seedUsed', { seed: plan.seed })} · {t('testing.plans.people', { count: s.people.length })}
              </Text>
              <PeopleTable list={s} forPrint />
            </div>
          ))}
      </div>
    </Card>
  );
}

function PeopleTable({ list, forPrint }: { list: SiteList; forPrint?: boolean }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={forPrint ? 0 : 620}>
      <Table verticalSpacing={4} fz="sm" striped={!forPrint} withTableBorder={forPrint} withColumnBorders={forPrint}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>{t('person.fullName')}</Table.Th>
            <Table.Th>{t('person.birthDate')}</Table.Th>
            <Table.Th>{t('person.cccd')}</Table.Th>
            <Table.Th>{t('person.address')}</Table.Th>
            <Table.Th>{t('testing.plans.stratumName')}</Table.Th>
            {forPrint && <Table.Th style={{ width: 130 }}>{t('testing.plans.barcodeCol')}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.people.map((p, i) => (
            <Table.Tr key={p.personId}>
              <Table.Td className="tabular">{i + 1}</Table.Td>
              <Table.Td>{p.fullName}</Table.Td>
              <Table.Td className="tabular">{formatDate(p.birthDate)}</Table.Td>
              <Table.Td className="tabular">{p.cccd ?? '—'}</Table.Td>
              <Table.Td>{[p.address, p.villageName, p.communeName].filter(Boolean).join(', ') || '—'}</Table.Td>
              <Table.Td>{p.stratumName}</Table.Td>
              {forPrint && <Table.Td />}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
