// "Nhật ký truy cập": who did what, when and from where; filters live in the URL.
import { useState, type FormEvent } from 'react';
import { Badge, Button, Card, Code, Group, Pagination, Popover, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ExcelButton } from '../common/ExcelButton.tsx';
import { api, type Query } from '../lib/api.ts';
import { downloadXlsx } from '../lib/excel.ts';
import { formatDateTime, formatNumber, parseDayFirstDate } from '../lib/format.ts';
import type { AuditEntry, AuditPage as AuditResult } from '../lib/types.ts';

const PAGE = 50;
const ACTIONS = ['login', 'login_failed', 'logout', 'search', 'read', 'create', 'update', 'delete', 'import', 'export'];
const ENTITIES = ['person', 'household', 'user', 'admin_unit', 'policy_version', 'import_job'];
const FILTERS = ['username', 'action', 'entity', 'entityId', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** A calendar day in Vietnam → the instant it starts (UTC+7, no daylight saving). */
const dayStart = (iso: string) => `${iso}T00:00:00+07:00`;
function nextDay(iso: string) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function apiQuery(f: Filters): Query {
  const from = parseDayFirstDate(f.from);
  const to = parseDayFirstDate(f.to);
  return {
    username: f.username.trim() || undefined,
    action: f.action || undefined,
    entity: f.entity || undefined,
    entityId: f.entityId.trim() || undefined,
    from: from ? dayStart(from) : undefined,
    // "to" is the last day included.
    to: to ? dayStart(nextDay(to)) : undefined,
  };
}

export default function AuditPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const applied = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ''])) as Filters;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [draft, setDraft] = useState<Filters>(applied);
  const query = apiQuery(applied);
  const q = useQuery({
    queryKey: ['audit', query, page],
    queryFn: ({ signal }) => api<AuditResult>('/audit', { query: { ...query, limit: PAGE, offset: (page - 1) * PAGE }, signal }),
    placeholderData: keepPreviousData,
  });

  const apply = (f: Filters, p = 1) => {
    const next = new URLSearchParams();
    for (const k of FILTERS) if (f[k]) next.set(k, f[k]);
    if (p > 1) next.set('page', String(p));
    setParams(next);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply(draft);
  };
  const badFrom = draft.from && !parseDayFirstDate(draft.from);
  const badTo = draft.to && !parseDayFirstDate(draft.to);
  const label = (group: string, v: string) => t(`audit.${group}.${v}`, { defaultValue: v });

  const exportAll = async () => {
    const rows: AuditEntry[] = [];
    const total = Math.min(q.data?.total ?? 0, 10_000);
    for (let offset = 0; offset < total; offset += 500) {
      const r = await api<AuditResult>('/audit', { query: { ...query, limit: 500, offset } });
      rows.push(...r.items);
      if (r.items.length < 500) break;
    }
    await downloadXlsx(
      'nhat-ky-truy-cap.xlsx',
      t('audit.title'),
      [
        { header: t('audit.at'), key: 'at', width: 20 },
        { header: t('audit.username'), key: 'username', width: 16 },
        { header: t('audit.role'), key: 'role', width: 22 },
        { header: t('audit.action'), key: 'action', width: 16 },
        { header: t('audit.entity'), key: 'entity', width: 20 },
        { header: t('audit.entityId'), key: 'entityId', width: 16 },
        { header: t('audit.outcome'), key: 'outcome', width: 14 },
        { header: t('audit.ip'), key: 'ip', width: 16 },
        { header: t('audit.details'), key: 'details', width: 50 },
      ],
      rows.map((r) => ({
        at: formatDateTime(r.at),
        username: r.username,
        role: r.role ? t(`roles.${r.role}`, { defaultValue: r.role }) : '',
        action: label('actions', r.action),
        entity: label('entities', r.entity),
        entityId: r.entityId,
        outcome: label('outcomes', r.outcome),
        ip: r.ip,
        details: r.details ? JSON.stringify(r.details) : '',
      })),
    );
  };

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('audit.title')}
      </Title>
      <Card withBorder padding="sm">
        <form onSubmit={submit}>
          <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }} spacing="sm">
            <TextInput label={t('audit.username')} value={draft.username} onChange={(e) => setDraft({ ...draft, username: e.currentTarget.value })} name="username" />
            <Select
              label={t('audit.action')}
              placeholder={t('audit.any')}
              data={ACTIONS.map((a) => ({ value: a, label: label('actions', a) }))}
              value={draft.action || null}
              onChange={(v) => setDraft({ ...draft, action: v ?? '' })}
              clearable
            />
            <Select
              label={t('audit.entity')}
              placeholder={t('audit.any')}
              data={ENTITIES.map((a) => ({ value: a, label: label('entities', a) }))}
              value={draft.entity || null}
              onChange={(v) => setDraft({ ...draft, entity: v ?? '' })}
              clearable
            />
            <TextInput label={t('audit.entityId')} value={draft.entityId} onChange={(e) => setDraft({ ...draft, entityId: e.currentTarget.value })} name="entityId" />
            <TextInput label={t('audit.from')} placeholder="dd/mm/yyyy" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })} error={badFrom ? t('policies.invalidDate') : undefined} inputMode="numeric" />
            <TextInput label={t('audit.to')} placeholder="dd/mm/yyyy" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })} error={badTo ? t('policies.invalidDate') : undefined} inputMode="numeric" />
          </SimpleGrid>
          <Group mt="sm" gap="sm">
            <Button type="submit" disabled={!!badFrom || !!badTo}>
              {t('audit.filter')}
            </Button>
            <Button
              variant="subtle"
              onClick={() => {
                const empty = Object.fromEntries(FILTERS.map((k) => [k, ''])) as Filters;
                setDraft(empty);
                apply(empty);
              }}
            >
              {t('audit.reset')}
            </Button>
          </Group>
        </form>
      </Card>

      {q.error ? (
        <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <Card withBorder padding="sm">
          <Group justify="space-between" mb="xs">
            <Text fw={600} data-testid="audit-total">
              {q.data ? t('audit.total', { count: q.data.total, n: formatNumber(q.data.total) }) : t('app.loading')}
            </Text>
            {!!q.data?.total && <ExcelButton onExport={exportAll} />}
          </Group>
          {q.data && q.data.items.length === 0 ? (
            <Text c="dimmed">{t('audit.empty')}</Text>
          ) : (
            <Table.ScrollContainer minWidth={900}>
              <Table striped highlightOnHover verticalSpacing={4} fz="sm" data-testid="audit-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('audit.at')}</Table.Th>
                    <Table.Th>{t('audit.username')}</Table.Th>
                    <Table.Th>{t('audit.action')}</Table.Th>
                    <Table.Th>{t('audit.entity')}</Table.Th>
                    <Table.Th>{t('audit.entityId')}</Table.Th>
                    <Table.Th>{t('audit.outcome')}</Table.Th>
                    <Table.Th>{t('audit.ip')}</Table.Th>
                    <Table.Th>{t('audit.details')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {(q.data?.items ?? []).map((r) => (
                    <Table.Tr key={r.id}>
                      <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                        {formatDateTime(r.at)}
                      </Table.Td>
                      <Table.Td>
                        {r.username ?? '—'}
                        {r.role && (
                          <Text size="xs" c="dimmed">
                            {t(`roles.${r.role}`, { defaultValue: r.role })}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{label('actions', r.action)}</Table.Td>
                      <Table.Td>{label('entities', r.entity)}</Table.Td>
                      <Table.Td className="tabular">{r.entityId ?? '—'}</Table.Td>
                      <Table.Td>
                        <Badge size="sm" variant="light" color={r.outcome === 'ok' ? 'green' : r.outcome === 'denied' ? 'red' : 'yellow'}>
                          {label('outcomes', r.outcome)}
                        </Badge>
                      </Table.Td>
                      <Table.Td className="tabular">{r.ip ?? '—'}</Table.Td>
                      <Table.Td>
                        {r.details != null && (
                          <Popover width={360} position="left" withArrow shadow="md">
                            <Popover.Target>
                              <Button size="compact-xs" variant="subtle">
                                {t('audit.details')}
                              </Button>
                            </Popover.Target>
                            <Popover.Dropdown>
                              <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                                {JSON.stringify(r.details, null, 2)}
                              </Code>
                              {r.userAgent && (
                                <Text size="xs" c="dimmed" mt={4}>
                                  {r.userAgent}
                                </Text>
                              )}
                            </Popover.Dropdown>
                          </Popover>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {q.data && q.data.total > PAGE && (
            <Group justify="center" mt="sm">
              <Pagination total={Math.ceil(q.data.total / PAGE)} value={page} onChange={(p) => apply(applied, p)} size="sm" siblings={1} />
            </Group>
          )}
        </Card>
      )}
    </Stack>
  );
}

