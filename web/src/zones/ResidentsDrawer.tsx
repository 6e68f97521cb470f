// "Danh sách người dân": the people living in a zone, 200 to a page, and all of them to Excel.
import { useState } from 'react';
import { Anchor, Drawer, Group, Pagination, Paper, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ExcelButton } from '../common/ExcelButton.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { downloadXlsx } from '../lib/excel.ts';
import { formatDate, formatNumber, formatPhone, todayInVietnam } from '../lib/format.ts';
import { addressLine } from '../quarantine/format.ts';
import type { Resident, ResidentsPage, Zone } from './types.ts';

const PAGE = 200;
const EXPORT_PAGE = 1000;

export function ResidentsDrawer({ zone, onClose }: { zone: Zone | null; onClose(): void }) {
  const { t } = useTranslation();
  const phone = useMediaQuery('(max-width: 48em)');
  return (
    <Drawer opened={!!zone} onClose={onClose} position="right" size={phone ? '100%' : 'xl'} title={zone ? t('zones.residents.title', { name: zone.name }) : ''}>
      {zone && <Residents key={zone.id} zone={zone} phone={!!phone} />}
    </Drawer>
  );
}

function Residents({ zone, phone }: { zone: Zone; phone: boolean }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const q = useQuery({
    queryKey: ['zones', 'residents', zone.id, page],
    queryFn: ({ signal }) => api<ResidentsPage>(`/zones/${zone.id}/residents`, { query: { limit: PAGE, offset: (page - 1) * PAGE }, signal }),
    placeholderData: keepPreviousData,
  });
  const total = q.data?.total ?? zone.residents;
  const pages = Math.max(1, Math.ceil(total / PAGE));

  const exportAll = async () => {
    const all: Resident[] = [];
    for (let offset = 0; offset < total; offset += EXPORT_PAGE) {
      const r = await api<ResidentsPage>(`/zones/${zone.id}/residents`, { query: { limit: EXPORT_PAGE, offset } });
      all.push(...r.items);
      if (r.items.length < EXPORT_PAGE) break;
    }
    await downloadXlsx(
      `nguoi-dan-vung-${zone.id}-${todayInVietnam()}.xlsx`,
      t('zones.residents.sheet'),
      [
        { header: t('zones.residents.no'), key: 'no', width: 6 },
        { header: t('zones.residents.name'), key: 'name', width: 28 },
        { header: t('zones.residents.birthDate'), key: 'birthDate', width: 12 },
        { header: t('zones.residents.village'), key: 'village', width: 20 },
        { header: t('zones.residents.address'), key: 'address', width: 36 },
        { header: t('zones.residents.phone'), key: 'phone', width: 14 },
      ],
      all.map((p, i) => ({ no: i + 1, name: p.fullName, birthDate: formatDate(p.birthDate), village: p.villageName ?? '', address: p.address ?? '', phone: p.phone ? formatPhone(p.phone) : '' })),
    );
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between" gap="xs">
        <Text fw={600} data-testid="residents-total">
          {t('zones.residents.total', { count: total, n: formatNumber(total) })}
        </Text>
        <ExcelButton onExport={exportAll} disabled={!total} />
      </Group>
      {q.isPending ? (
        <PageLoader />
      ) : q.error ? (
        <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <Text c="dimmed">{t('zones.residents.empty')}</Text>
      ) : phone ? (
        <Stack gap={6} data-testid="residents">
          {q.data.items.map((p) => (
            <Paper key={p.id} withBorder p="xs">
              <Anchor component={Link} to={`/people/${p.id}`} fw={600}>
                {p.fullName}
              </Anchor>
              <Text size="sm" className="tabular">
                {formatDate(p.birthDate)}
                {p.phone ? ` · ${formatPhone(p.phone)}` : ''}
              </Text>
              <Text size="sm" c="dimmed">
                {addressLine(p.address, p.villageName) || '—'}
              </Text>
            </Paper>
          ))}
        </Stack>
      ) : (
        <Table.ScrollContainer minWidth={600}>
          <Table striped verticalSpacing={4} fz="sm" data-testid="residents">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('zones.residents.no')}</Table.Th>
                <Table.Th>{t('zones.residents.name')}</Table.Th>
                <Table.Th>{t('zones.residents.birthDate')}</Table.Th>
                <Table.Th>{t('zones.residents.village')}</Table.Th>
                <Table.Th>{t('zones.residents.address')}</Table.Th>
                <Table.Th>{t('zones.residents.phone')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.items.map((p, i) => (
                <Table.Tr key={p.id}>
                  <Table.Td className="tabular">{(page - 1) * PAGE + i + 1}</Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/people/${p.id}`} size="sm">
                      {p.fullName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td className="tabular">{formatDate(p.birthDate)}</Table.Td>
                  <Table.Td>{p.villageName ?? '—'}</Table.Td>
                  <Table.Td>{p.address ?? '—'}</Table.Td>
                  <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                    {formatPhone(p.phone)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {pages > 1 && <Pagination total={pages} value={page} onChange={setPage} size="sm" siblings={phone ? 0 : 1} />}
    </Stack>
  );
}
