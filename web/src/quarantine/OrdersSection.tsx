// Quarantine (F1) and isolation (F0) orders: who, where, from when to when, the tests, the printable
// decision and today's check; a table on a desktop, cards on a phone, and an Excel download.
import { useState, type ReactNode } from 'react';
import { Anchor, Badge, Button, Group, Paper, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconFileTypePdf } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useCan } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ExcelButton } from '../common/ExcelButton.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { downloadXlsx } from '../lib/excel.ts';
import { formatDate, formatPhone, todayInVietnam } from '../lib/format.ts';
import { CheckModal, ORDERS, ReleaseModal } from './OrderActions.tsx';
import { daysBetween } from './format.ts';
import { decisionPdfUrl, type Order } from './types.ts';

type Status = 'active' | 'released';
const CHECK_COLOR = { ok: 'green', symptoms: 'red', absent: 'orange' } as const;

const placeText = (o: Order, t: TFunction) => (o.facilityName ? `${t(`quarantine.place.${o.place}`)} · ${o.facilityName}` : t(`quarantine.place.${o.place}`));
const testDaysText = (o: Order, t: TFunction) => (o.testDays.length ? o.testDays.map((d) => t('quarantine.testDay', { day: d })).join(', ') : '—');
const todaysCheck = (o: Order, today: string) => o.checks.find((c) => c.day.slice(0, 10) === today) ?? null;

/** "Còn 5 ngày" / "Ngày cuối" / "Quá hạn 2 ngày" for an order in force; the release date otherwise. */
function daysLeftText(o: Order, today: string, t: TFunction): string {
  if (o.status !== 'active') return o.releasedDate ? t('quarantine.releasedOn', { date: formatDate(o.releasedDate) }) : t(`quarantine.status.${o.status}`);
  const n = daysBetween(today, o.endDate);
  return n > 0 ? t('quarantine.daysLeft', { count: n }) : n === 0 ? t('quarantine.lastDay') : t('quarantine.pastEnd', { count: -n });
}

export function OrdersSection() {
  const { t } = useTranslation();
  const phone = useMediaQuery('(max-width: 48em)');
  const canCheck = useCan('tasks.work');
  const canRelease = useCan('quarantine.manage');
  const [status, setStatus] = useState<Status>('active');
  const [checking, setChecking] = useState<Order | null>(null);
  const [releasing, setReleasing] = useState<Order | null>(null);
  const q = useQuery({ queryKey: [...ORDERS, status], queryFn: ({ signal }) => api<Order[]>('/quarantine-orders', { query: { status, limit: 1000 }, signal }) });
  const today = todayInVietnam();
  const orders = q.data ?? [];

  const exportXlsx = () =>
    downloadXlsx(
      `cach-ly-${status === 'active' ? 'dang-cach-ly' : 'da-ket-thuc'}-${today}.xlsx`,
      t('quarantine.orders.title'),
      [
        { header: t('quarantine.col.decisionNo'), key: 'decisionNo', width: 14 },
        { header: t('quarantine.col.name'), key: 'name', width: 26 },
        { header: t('quarantine.col.birthDate'), key: 'birthDate', width: 12 },
        { header: t('quarantine.col.phone'), key: 'phone', width: 14 },
        { header: t('quarantine.col.address'), key: 'address', width: 30 },
        { header: t('quarantine.col.commune'), key: 'commune', width: 20 },
        { header: t('quarantine.col.kind'), key: 'kind', width: 20 },
        { header: t('quarantine.col.place'), key: 'place', width: 30 },
        { header: t('quarantine.col.from'), key: 'from', width: 12 },
        { header: t('quarantine.col.to'), key: 'to', width: 12 },
        { header: t('quarantine.col.daysLeft'), key: 'daysLeft', width: 16 },
        { header: t('quarantine.col.monitorUntil'), key: 'monitorUntil', width: 14 },
        { header: t('quarantine.col.testDays'), key: 'testDays', width: 16 },
        { header: t('quarantine.col.todayCheck'), key: 'check', width: 18 },
        { header: t('quarantine.col.releaseNote'), key: 'releaseNote', width: 30 },
      ],
      orders.map((o) => {
        const c = todaysCheck(o, today);
        return {
          decisionNo: o.decisionNo,
          name: o.fullName,
          birthDate: formatDate(o.birthDate),
          phone: o.phone ? formatPhone(o.phone) : '',
          address: o.address ?? '',
          commune: o.communeName ?? '',
          kind: t(`quarantine.kind.${o.kind}`),
          place: placeText(o, t),
          from: formatDate(o.startDate),
          to: formatDate(o.endDate),
          daysLeft: daysLeftText(o, today, t),
          monitorUntil: formatDate(o.monitorUntil),
          testDays: testDaysText(o, t),
          check: c ? t(`quarantine.checkStatus.${c.status}`) : o.status === 'active' ? t('quarantine.notChecked') : '',
          releaseNote: o.releaseNote ?? '',
        };
      }),
    );

  const checkBadge = (o: Order) => {
    if (o.status !== 'active') return <Text c="dimmed">—</Text>;
    const c = todaysCheck(o, today);
    return c ? (
      <Badge color={CHECK_COLOR[c.status]} variant="light" data-testid="today-check">
        {t(`quarantine.checkStatus.${c.status}`)}
      </Badge>
    ) : (
      <Badge color="gray" variant="outline" data-testid="today-check">
        {t('quarantine.notChecked')}
      </Badge>
    );
  };
  const pdf = (o: Order) => (
    <Anchor href={decisionPdfUrl(o.id)} target="_blank" rel="noopener" size="sm" data-testid="decision-pdf" style={{ display: 'inline-flex', alignItems: 'center', gap: 4, whiteSpace: 'nowrap' }}>
      <IconFileTypePdf size={16} aria-hidden />
      {t('quarantine.decisionPdf')}
    </Anchor>
  );
  const actions = (o: Order): ReactNode =>
    o.status === 'active' && (canCheck || canRelease) ? (
      <Stack gap={6} align={phone ? 'stretch' : 'flex-start'} mt={phone ? 4 : 0}>
        {canCheck && today >= o.startDate.slice(0, 10) && today <= o.monitorUntil.slice(0, 10) && (
          <Button size={phone ? 'md' : 'xs'} variant="light" onClick={() => setChecking(o)}>
            {t('quarantine.check.button')}
          </Button>
        )}
        {canRelease && (
          <Button size={phone ? 'md' : 'xs'} variant="light" color="orange" onClick={() => setReleasing(o)}>
            {t('quarantine.release.button')}
          </Button>
        )}
      </Stack>
    ) : null;

  return (
    <Stack gap="sm" component="section" aria-labelledby="orders-heading">
      <Title order={2} size="h3" id="orders-heading">
        {t('quarantine.orders.title')}
      </Title>
      <Group justify="space-between" gap="xs">
        <SegmentedControl
          value={status}
          onChange={(v) => setStatus(v as Status)}
          data={(['active', 'released'] as const).map((s) => ({ value: s, label: t(`quarantine.orders.${s}`) }))}
          aria-label={t('quarantine.orders.title')}
        />
        <Group gap="xs">
          {q.data && (
            <Text size="sm" fw={600} data-testid="orders-count">
              {t('quarantine.orders.count', { count: orders.length })}
            </Text>
          )}
          <ExcelButton onExport={exportXlsx} disabled={!orders.length} />
        </Group>
      </Group>
      {q.isPending ? (
        <PageLoader />
      ) : q.error ? (
        <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
      ) : orders.length === 0 ? (
        <Text c="dimmed" data-testid="orders-empty">
          {t(`quarantine.orders.empty.${status}`)}
        </Text>
      ) : phone ? (
        <Stack gap="xs" data-testid="orders">
          {orders.map((o) => (
            <Paper key={o.id} withBorder p="sm" data-testid="order">
              <Stack gap={4}>
                <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
                  <Anchor component={Link} to={`/people/${o.personId}`} fw={600}>
                    {o.fullName}
                  </Anchor>
                  <Badge variant="light" color={o.kind === 'isolation' ? 'red' : 'blue'} style={{ flexShrink: 0 }}>
                    {t(`quarantine.kind.${o.kind}`)}
                  </Badge>
                </Group>
                <Text size="sm">{placeText(o, t)}</Text>
                <Text size="sm" className="tabular">
                  {formatDate(o.startDate)} – {formatDate(o.endDate)} · <b>{daysLeftText(o, today, t)}</b>
                </Text>
                <Text size="sm" c="dimmed">
                  {t('quarantine.col.monitorUntil')}: {formatDate(o.monitorUntil)} · {t('quarantine.col.testDays')}: {testDaysText(o, t)}
                </Text>
                <Group justify="space-between" gap="xs">
                  {pdf(o)}
                  {checkBadge(o)}
                </Group>
                {o.releaseNote && (
                  <Text size="sm" fs="italic">
                    {o.releaseNote}
                  </Text>
                )}
                {actions(o)}
              </Stack>
            </Paper>
          ))}
        </Stack>
      ) : (
        <Table.ScrollContainer minWidth={980}>
          <Table striped highlightOnHover verticalSpacing={6} fz="sm" data-testid="orders">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('quarantine.col.name')}</Table.Th>
                <Table.Th>{t('quarantine.col.kindPlace')}</Table.Th>
                <Table.Th>{t('quarantine.col.period')}</Table.Th>
                <Table.Th>{t('quarantine.col.monitorUntil')}</Table.Th>
                <Table.Th>{t('quarantine.col.testDays')}</Table.Th>
                <Table.Th>{t('quarantine.col.decision')}</Table.Th>
                <Table.Th>{t('quarantine.col.todayCheck')}</Table.Th>
                {(canCheck || canRelease) && status === 'active' && <Table.Th>{t('quarantine.col.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {orders.map((o) => (
                <Table.Tr key={o.id} data-testid="order">
                  <Table.Td style={{ minWidth: 160 }}>
                    <Anchor component={Link} to={`/people/${o.personId}`} size="sm" fw={600}>
                      {o.fullName}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {o.communeName}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ minWidth: 120 }}>
                    {t(`quarantine.kind.${o.kind}`)}
                    <Text size="xs" c="dimmed">
                      {placeText(o, t)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" className="tabular" style={{ whiteSpace: 'nowrap' }}>
                      {formatDate(o.startDate)} – {formatDate(o.endDate)}
                    </Text>
                    <Text size="sm" fw={600}>
                      {daysLeftText(o, today, t)}
                    </Text>
                    {o.releaseNote && (
                      <Text size="xs" c="dimmed" fs="italic">
                        {o.releaseNote}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td className="tabular">{formatDate(o.monitorUntil)}</Table.Td>
                  <Table.Td>{testDaysText(o, t)}</Table.Td>
                  <Table.Td>
                    {pdf(o)}
                    <Text size="xs" c="dimmed">
                      {o.decisionNo}
                    </Text>
                  </Table.Td>
                  {/* A badge shrinks to an ellipsis in a tight table: keep room for "Có triệu chứng". */}
                  <Table.Td style={{ whiteSpace: 'nowrap', minWidth: 140 }}>{checkBadge(o)}</Table.Td>
                  {(canCheck || canRelease) && status === 'active' && <Table.Td>{actions(o)}</Table.Td>}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CheckModal order={checking} onClose={() => setChecking(null)} />
      <ReleaseModal order={releasing} onClose={() => setReleasing(null)} />
    </Stack>
  );
}
