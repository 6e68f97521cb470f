// "Phân bổ vắc xin": doses of a lot allocated by the province to its districts and passed on by a
// district to its communes; allocated against administered over time for a unit, the warnings of
// the completion rule in force (seed 002: administer within 7 days of delivery), the list with an
// Excel export, and the form to allocate (never more than the lot or the allocation holds).
import { useMemo, useState } from 'react';
import { Alert, Button, Card, Group, NumberInput, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api.ts';
import { formatDate, formatNumber, todayInVietnam } from '../lib/format.ts';
import { downloadXlsx } from '../lib/excel.ts';
import { useCan, useMe } from '../auth/auth.tsx';
import { DateField } from '../common/DateField.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ExcelButton } from '../common/ExcelButton.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { UnitSelect } from '../units/UnitSelect.tsx';
import Chart, { encodeHTML } from '../testing/Chart.tsx';
import { isProvinceWide, useAllocations, useLots, useSupplySummary, type Allocation, type SupplySummary } from './supplyApi.ts';
import { AllocationBadge, Figure, supplyErrors } from './supplyShared.tsx';

function SupplyChart({ s }: { s: SupplySummary }) {
  const { t } = useTranslation();
  const option = useMemo(
    () => ({
      grid: { left: 56, right: 16, top: 36, bottom: 28 },
      legend: { top: 0 },
      tooltip: {
        trigger: 'axis',
        formatter: (ps: { axisValue: string; seriesName: string; value: number; marker: string }[]) =>
          `${formatDate(ps[0]?.axisValue)}<br/>` + ps.map((p) => `${p.marker}${encodeHTML(p.seriesName)}: <b>${formatNumber(p.value)}</b>`).join('<br/>'),
      },
      xAxis: { type: 'category', data: s.series.map((p) => p.day), axisLabel: { formatter: (d: string) => formatDate(d).slice(0, 5) } },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatNumber(v) } },
      series: [
        { name: t('vaccSupply.allocations.chartAllocated'), type: 'line', step: 'end', symbol: 'none', data: s.series.map((p) => p.allocated), lineStyle: { width: 2 }, color: '#1c7ed6' },
        { name: t('vaccSupply.allocations.chartAdministered'), type: 'line', symbol: 'none', data: s.series.map((p) => p.administered), areaStyle: { opacity: 0.15 }, color: '#2f9e44' },
      ],
    }),
    [s, t],
  );
  return <Chart option={option} height={260} testId="supply-chart" />;
}

function Warnings({ items }: { items: Allocation[] }) {
  const { t } = useTranslation();
  if (!items.length)
    return (
      <Text c="dimmed" size="sm" data-testid="warnings-empty">
        {t('vaccSupply.allocations.noWarnings')}
      </Text>
    );
  return (
    <Stack gap="xs" data-testid="warnings">
      {items.map((a) => (
        <Alert key={a.id} color={a.state === 'overdue' ? 'red' : 'orange'} icon={<IconAlertTriangle size={18} />} p="xs" data-testid="warning">
          <Group justify="space-between" gap="xs">
            <Text size="sm" fw={600}>
              {a.unitName} · {a.productName} {a.lotNumber}
            </Text>
            <AllocationBadge state={a.state} />
          </Group>
          <Text size="sm">
            {a.state === 'overdue'
              ? t('vaccSupply.allocations.overdueLine', { days: -(a.daysLeft ?? 0), due: formatDate(a.dueOn), given: formatNumber(a.administered), doses: formatNumber(a.doses) })
              : t('vaccSupply.allocations.dueSoonLine', { days: a.daysLeft ?? 0, due: formatDate(a.dueOn), left: formatNumber(a.doses - a.administered), doses: formatNumber(a.doses) })}
          </Text>
        </Alert>
      ))}
    </Stack>
  );
}

function NewAllocation({ onClose, allocations }: { onClose: () => void; allocations: Allocation[] }) {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const lots = useLots();
  const provinceWide = isProvinceWide(me.unitPath);
  const [source, setSource] = useState<string | null>(null);
  const [unit, setUnit] = useState<string | null>(null);
  const [doses, setDoses] = useState<number | string>('');
  const [deliveredOn, setDeliveredOn] = useState<string | null>(todayInVietnam());
  const [note, setNote] = useState('');
  // From the province's stock (province staff), or passed on from an allocation a unit holds.
  const options = [
    ...(provinceWide
      ? (lots.data ?? [])
          .filter((l) => l.available > 0 && (l.expiresInDays == null || l.expiresInDays >= 0))
          .map((l) => ({ value: `lot:${l.id}`, label: t('vaccSupply.allocations.fromStock', { product: l.productName, lot: l.lotNumber, left: formatNumber(l.available) }) }))
      : []),
    ...allocations
      .filter((a) => a.doses - a.passedOn > 0 && a.unitLevel === 'district' && a.unitPath.startsWith(me.unitPath))
      .map((a) => ({ value: `alloc:${a.id}`, label: t('vaccSupply.allocations.fromAllocation', { unit: a.unitName, product: a.productName, lot: a.lotNumber, left: formatNumber(a.doses - a.passedOn) }) })),
  ];
  const parent = source?.startsWith('alloc:') ? allocations.find((a) => a.id === Number(source.slice(6))) : undefined;
  const lotId = source?.startsWith('lot:') ? Number(source.slice(4)) : parent?.lotId;
  const save = useMutation({
    mutationFn: () =>
      api<Allocation>('/vaccination/allocations', {
        method: 'POST',
        body: { lotId: lotId ?? 0, parentId: parent?.id ?? null, unitCode: unit ?? '', doses: typeof doses === 'number' ? doses : Number(doses || 0), deliveredOn: deliveredOn ?? '', note: note.trim() || null },
      }),
    onSuccess: (a) => {
      void qc.invalidateQueries({ queryKey: ['vaccSupply'] });
      notifications.show({ color: 'green', message: t('vaccSupply.allocations.saved', { doses: formatNumber(a.doses), unit: a.unitName, due: formatDate(a.dueOn) }) });
      onClose();
    },
  });
  const errs = supplyErrors(save.error, t);
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t('vaccSupply.allocations.new')}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Select
              label={t('vaccSupply.allocations.source')}
              data={options}
              value={source}
              onChange={(v) => {
                setSource(v);
                setUnit(null);
              }}
              error={errs.fields.lotId ?? errs.fields.parentId}
              nothingFoundMessage={t('vaccSupply.allocations.noSource')}
              required
            />
            <UnitSelect
              label={parent ? t('vaccSupply.allocations.toCommune') : t('vaccSupply.allocations.toDistrict')}
              value={unit}
              onChange={(c) => setUnit(c)}
              levels={parent ? ['commune'] : ['district']}
              error={errs.fields.unitCode}
              required
              disabled={!source}
            />
            <NumberInput label={t('vaccSupply.allocations.doses')} value={doses} onChange={setDoses} min={1} allowDecimal={false} allowNegative={false} thousandSeparator="." decimalSeparator="," error={errs.fields.doses} required />
            <DateField label={t('vaccSupply.allocations.deliveredOn')} value={deliveredOn} onChange={setDeliveredOn} error={errs.fields.deliveredOn} required />
            <TextInput label={t('vaccSupply.allocations.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={500} />
          </SimpleGrid>
          {save.error != null && (
            <Alert color="red" icon={<IconAlertTriangle size={18} />} role="alert">
              {errs.general}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('vaccSupply.allocations.allocate')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

export default function AllocationsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const phone = useMediaQuery('(max-width: 48em)');
  const canManage = useCan('vaccination.manage');
  const [unit, setUnit] = useState<string | null>(null);
  const [lot, setLot] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const lots = useLots();
  const lotId = lot ? Number(lot) : null;
  const summary = useSupplySummary(unit, lotId);
  const list = useAllocations(unit, lotId);
  const s = summary.data;

  const exportList = () =>
    downloadXlsx(
      `phan-bo-vac-xin-${todayInVietnam()}.xlsx`,
      t('vaccSupply.allocations.title'),
      [
        { header: t('vaccSupply.allocations.deliveredOn'), key: 'delivered', width: 12 },
        { header: t('vaccSupply.allocations.unit'), key: 'unitName', width: 24 },
        { header: t('vaccSupply.allocations.from'), key: 'from', width: 20 },
        { header: t('vaccSupply.lots.product'), key: 'productName', width: 20 },
        { header: t('vaccSupply.lots.lotNumber'), key: 'lotNumber', width: 14 },
        { header: t('vaccSupply.allocations.doses'), key: 'doses', numFmt: '#,##0' },
        { header: t('vaccSupply.allocations.passedOn'), key: 'passedOn', numFmt: '#,##0' },
        { header: t('vaccSupply.allocations.administered'), key: 'administered', numFmt: '#,##0' },
        { header: t('vaccSupply.allocations.dueOn'), key: 'due', width: 12 },
        { header: t('vaccSupply.allocations.completedOn'), key: 'completed', width: 12 },
        { header: t('vaccSupply.allocations.stateLabel'), key: 'stateText', width: 18 },
      ],
      (list.data ?? []).map((a) => ({
        ...a,
        delivered: formatDate(a.deliveredOn),
        from: a.fromUnitName ?? t('vaccSupply.allocations.provinceStock'),
        due: formatDate(a.dueOn),
        completed: formatDate(a.completedOn),
        stateText: t(`vaccSupply.allocations.state.${a.state}`),
      })),
    );

  return (
    <Stack gap="md" maw={1300}>
      <Group justify="space-between" gap="xs">
        <div>
          <Title order={1} size="h2">
            {t('vaccSupply.allocations.title')}
          </Title>
          <Text size="sm" c="dimmed" maw={760}>
            {s?.policy ? t('vaccSupply.allocations.intro', { days: s.policy.days }) : t('vaccSupply.allocations.introNoRule')}
          </Text>
        </div>
        {canManage && !creating && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            {t('vaccSupply.allocations.new')}
          </Button>
        )}
      </Group>
      {creating && <NewAllocation onClose={() => setCreating(false)} allocations={list.data ?? []} />}
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <UnitSelect label={t('vaccSupply.allocations.unitFilter')} placeholder={me.unitName} value={unit} onChange={(c) => setUnit(c)} levels={['province', 'district', 'commune']} />
        <Select
          label={t('vaccSupply.allocations.lotFilter')}
          placeholder={t('vaccSupply.allocations.allLots')}
          data={(lots.data ?? []).map((l) => ({ value: String(l.id), label: `${l.productName} · ${l.lotNumber}` }))}
          value={lot}
          onChange={setLot}
          clearable
          searchable
        />
      </SimpleGrid>
      {summary.error ? (
        <ErrorAlert error={summary.error} onRetry={() => void summary.refetch()} />
      ) : !s ? (
        <PageLoader />
      ) : (
        <>
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" data-testid="supply-figures">
            <Figure label={s.unit.level === 'province' ? t('vaccSupply.allocations.received') : t('vaccSupply.allocations.allocatedTo')} value={s.allocated} hint={s.unit.name} />
            <Figure label={t('vaccSupply.allocations.administered')} value={s.administered} color="green.8" />
            <Figure label={t('vaccSupply.allocations.passedOn')} value={s.passedOn} />
            <Figure label={t('vaccSupply.allocations.notYetGiven')} value={Math.max(0, s.allocated - s.administered)} color={s.warnings.some((w) => w.state === 'overdue') ? 'red.8' : undefined} />
          </SimpleGrid>
          <Card withBorder>
            <Title order={2} size="h4" mb="xs">
              {t('vaccSupply.allocations.warningsTitle')}
            </Title>
            <Warnings items={s.warnings} />
          </Card>
          <Card withBorder>
            <Title order={2} size="h4" mb="xs">
              {t('vaccSupply.allocations.chartTitle', { unit: s.unit.name })}
            </Title>
            <SupplyChart s={s} />
          </Card>
        </>
      )}
      <Card withBorder>
        <Group justify="space-between" mb="xs">
          <Title order={2} size="h4">
            {t('vaccSupply.allocations.list')}
          </Title>
          <ExcelButton onExport={exportList} disabled={!list.data?.length} />
        </Group>
        {list.isPending ? (
          <PageLoader />
        ) : list.error ? (
          <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.length === 0 ? (
          <Text c="dimmed">{t('vaccSupply.allocations.empty')}</Text>
        ) : phone ? (
          <Stack gap="xs" data-testid="allocations">
            {list.data.map((a) => (
              <Card key={a.id} withBorder padding="sm" data-testid="allocation">
                <Group justify="space-between" wrap="nowrap" align="flex-start">
                  <div>
                    <Text fw={600}>{a.unitName}</Text>
                    <Text size="sm" c="dimmed">
                      {a.productName} · {a.lotNumber} · {formatDate(a.deliveredOn)}
                    </Text>
                  </div>
                  <AllocationBadge state={a.state} />
                </Group>
                <Text size="sm" mt={4}>
                  {t('vaccSupply.allocations.phoneLine', { doses: formatNumber(a.doses), given: formatNumber(a.administered), passed: formatNumber(a.passedOn), due: formatDate(a.dueOn) })}
                </Text>
              </Card>
            ))}
          </Stack>
        ) : (
          <Table.ScrollContainer minWidth={1000}>
            <Table striped verticalSpacing={6} data-testid="allocations">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('vaccSupply.allocations.deliveredOn')}</Table.Th>
                  <Table.Th>{t('vaccSupply.allocations.unit')}</Table.Th>
                  <Table.Th>{t('vaccSupply.allocations.from')}</Table.Th>
                  <Table.Th>{t('vaccSupply.allocations.lot')}</Table.Th>
                  <Table.Th ta="right">{t('vaccSupply.allocations.doses')}</Table.Th>
                  <Table.Th ta="right">{t('vaccSupply.allocations.passedOn')}</Table.Th>
                  <Table.Th ta="right">{t('vaccSupply.allocations.administered')}</Table.Th>
                  <Table.Th>{t('vaccSupply.allocations.dueOn')}</Table.Th>
                  <Table.Th>{t('vaccSupply.allocations.stateLabel')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.map((a) => (
                  <Table.Tr key={a.id} data-testid="allocation">
                    <Table.Td className="tabular">{formatDate(a.deliveredOn)}</Table.Td>
                    <Table.Td>{a.unitName}</Table.Td>
                    <Table.Td>{a.fromUnitName ?? t('vaccSupply.allocations.provinceStock')}</Table.Td>
                    <Table.Td>
                      {a.productName} · {a.lotNumber}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(a.doses)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(a.passedOn)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(a.administered)}
                    </Table.Td>
                    <Table.Td className="tabular">{a.completedOn ? t('vaccSupply.allocations.doneOn', { date: formatDate(a.completedOn) }) : formatDate(a.dueOn)}</Table.Td>
                    <Table.Td>
                      <AllocationBadge state={a.state} />
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
