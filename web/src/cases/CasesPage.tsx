// "Ca bệnh": the cases of the user's area, newest first, with filters, Excel export and the form
// to report a new case.
import { useState } from 'react';
import { Anchor, Badge, Button, Drawer, Group, Pagination, SegmentedControl, Stack, Table, Text, Title, ScrollArea } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconPlus, IconTopologyStar3 } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { useUrlParams } from '../lib/urlParams.ts';
import { useMe } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ExcelButton } from '../common/ExcelButton.tsx';
import { DateField } from '../common/DateField.tsx';
import { api } from '../lib/api.ts';
import { downloadXlsx } from '../lib/excel.ts';
import { formatDate, formatNumber } from '../lib/format.ts';
import { PAGE, statusColor, STATUSES, useCases, type CaseRecord } from './api.ts';
import { NewCaseForm } from './NewCaseForm.tsx';

export default function CasesPage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const phone = useMediaQuery('(max-width: 48em)');
  const [params, updateParams] = useUrlParams();
  const status = params.get('status');
  const from = params.get('from');
  const to = params.get('to');
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const [creating, setCreating] = useState(params.get('new') === '1');
  const res = useCases({ status, from, to, offset: (page - 1) * PAGE });
  const canManage = me.permissions.includes('cases.manage');

  const set = (k: string, v: string | null) =>
    updateParams((next) => {
      if (v) next.set(k, v);
      else next.delete(k);
      if (k !== 'page') next.delete('page');
    });

  const exportAll = async () => {
    const rows: CaseRecord[] = [];
    for (let offset = 0; ; offset += 500) {
      const r = await api<{ items: CaseRecord[]; total: number }>('/cases', { query: { status, from, to, limit: 500, offset } });
      rows.push(...r.items);
      if (rows.length >= r.total || !r.items.length) break;
    }
    await downloadXlsx(
      'ca-benh.xlsx',
      t('cases.title'),
      [
        { header: t('cases.id'), key: 'id', width: 8 },
        { header: t('person.fullName'), key: 'fullName', width: 26 },
        { header: t('person.birthDate'), key: 'birthDate' },
        { header: t('person.commune'), key: 'communeName', width: 22 },
        { header: t('cases.reportDate'), key: 'reportDate' },
        { header: t('cases.onsetDate'), key: 'onsetDate' },
        { header: t('cases.detectedIn'), key: 'detectedIn', width: 20 },
        { header: t('cases.statusLabel'), key: 'status' },
        { header: t('cases.severity'), key: 'severity' },
        { header: t('cases.basisLabel'), key: 'basis', width: 28 },
      ],
      rows.map((c) => ({
        ...c,
        birthDate: formatDate(c.birthDate),
        reportDate: formatDate(c.reportDate),
        onsetDate: formatDate(c.onsetDate),
        detectedIn: t(`cases.detected.${c.detectedIn}`),
        status: t(`cases.status.${c.status}`),
        severity: t(`cases.sev.${c.severity}`),
        basis: t(`cases.basis.${c.basis}`),
      })),
    );
  };

  const items = res.data?.items ?? [];
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={1} size="h2">
          {t('cases.title')}
        </Title>
        <Group gap="xs">
          <Button component={Link} to="/cases/graph" variant="light" leftSection={<IconTopologyStar3 size={18} />}>
            {t('nav.graph')}
          </Button>
          {canManage && (
            <Button leftSection={<IconPlus size={18} />} onClick={() => setCreating(true)}>
              {t('cases.new')}
            </Button>
          )}
        </Group>
      </Group>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <SegmentedControl
          value={status ?? 'all'}
          onChange={(v) => set('status', v === 'all' ? null : v)}
          data={[{ value: 'all', label: t('cases.allStatuses') }, ...STATUSES.filter((s) => s !== 'discarded').map((s) => ({ value: s, label: t(`cases.status.${s}`) }))]}
          size="xs"
        />
        <DateField label={t('cases.from')} value={from} onChange={(v) => set('from', v)} w={130} size="xs" />
        <DateField label={t('cases.to')} value={to} onChange={(v) => set('to', v)} w={130} size="xs" />
        <ExcelButton onExport={exportAll} disabled={!items.length} />
      </Group>
      {res.error && <ErrorAlert error={res.error} onRetry={() => void res.refetch()} />}
      {res.data && (
        <Text size="sm" c="dimmed" data-testid="case-count">
          {t('cases.count', { count: res.data.total, formatted: formatNumber(res.data.total) })}
        </Text>
      )}
      {res.data && !items.length && <Text c="dimmed">{t('cases.none')}</Text>}
      {items.length > 0 &&
        (phone ? (
          <Stack gap="xs">
            {items.map((c) => (
              <Anchor key={c.id} component={Link} to={`/cases/${c.id}`} underline="never" c="inherit" data-testid="case-row">
                <Stack gap={2} p="sm" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}>
                  <Group justify="space-between" wrap="nowrap">
                    <Text fw={600}>{c.fullName}</Text>
                    <Badge color={statusColor[c.status]} variant="light">
                      {t(`cases.status.${c.status}`)}
                    </Badge>
                  </Group>
                  <Text size="sm" c="dimmed">
                    {c.communeName} · {t('cases.reportedOn', { date: formatDate(c.reportDate) })} · {t(`cases.detected.${c.detectedIn}`)}
                  </Text>
                </Stack>
              </Anchor>
            ))}
          </Stack>
        ) : (
          <ScrollArea>
            <Table striped highlightOnHover verticalSpacing={6} miw={820}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('person.fullName')}</Table.Th>
                  <Table.Th>{t('person.commune')}</Table.Th>
                  <Table.Th>{t('cases.reportDate')}</Table.Th>
                  <Table.Th>{t('cases.onsetDate')}</Table.Th>
                  <Table.Th>{t('cases.detectedIn')}</Table.Th>
                  <Table.Th>{t('cases.severity')}</Table.Th>
                  <Table.Th>{t('cases.statusLabel')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((c) => (
                  <Table.Tr key={c.id} data-testid="case-row">
                    <Table.Td>
                      <Anchor component={Link} to={`/cases/${c.id}`} fw={600}>
                        {c.fullName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{c.communeName}</Table.Td>
                    <Table.Td className="tabular">{formatDate(c.reportDate)}</Table.Td>
                    <Table.Td className="tabular">{formatDate(c.onsetDate)}</Table.Td>
                    <Table.Td>{t(`cases.detected.${c.detectedIn}`)}</Table.Td>
                    <Table.Td>{t(`cases.sev.${c.severity}`)}</Table.Td>
                    <Table.Td>
                      <Badge color={statusColor[c.status]} variant="light">
                        {t(`cases.status.${c.status}`)}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        ))}
      {res.data && res.data.total > PAGE && <Pagination value={page} onChange={(p) => set('page', String(p))} total={Math.ceil(res.data.total / PAGE)} size="sm" />}
      <Drawer opened={creating} onClose={() => setCreating(false)} title={t('cases.new')} position="right" size={phone ? '100%' : 'lg'}>
        {creating && <NewCaseForm onCreated={(id) => navigate(`/cases/${id}`)} />}
      </Drawer>
    </Stack>
  );
}
