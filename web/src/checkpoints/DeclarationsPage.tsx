// "Tờ khai y tế" for tracing staff: declarations of people coming to the communes of the
// jurisdiction (the server scopes and audits every read), filtered by period, risk, symptoms, a
// name/phone/CCCD; what each set off; Excel; and the public link with its QR code to print.
import { useState } from 'react';
import { Badge, Button, Card, Checkbox, Group, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconFileSpreadsheet, IconPhone, IconSearch } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, withQuery } from '../lib/api.ts';
import { formatDate, formatDateTime, formatPhone, todayInVietnam } from '../lib/format.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { DateField } from '../common/DateField.tsx';
import { QrCode } from '../common/QrCode.tsx';
import { useMe } from '../auth/auth.tsx';
import type { Declaration, DeclarationList } from './shared.ts';

type Risk = 'all' | 'any_risk' | 'lockdown';
const daysBefore = (day: string, n: number) => new Date(Date.parse(day + 'T12:00:00Z') - n * 86_400_000).toISOString().slice(0, 10);
const PAGE = 50;

function RiskBadges({ d }: { d: Declaration }) {
  const { t } = useTranslation();
  return (
    <Group gap={4}>
      {d.risk !== 'none' && (
        <Badge color={d.risk === 'lockdown' ? 'red' : 'orange'} variant="filled" size="sm">
          {t(`checkpoints.list.riskBadge.${d.risk}`)}
        </Badge>
      )}
      {d.effects.map((e) => (
        <Badge key={e} color={e === 'check_symptoms' ? 'red' : 'blue'} variant="light" size="sm">
          {t(`checkpoints.list.effect.${e}`)}
        </Badge>
      ))}
    </Group>
  );
}

function health(d: Declaration, t: (k: string) => string) {
  const s = d.symptoms.map((x) => t(`checkpoints.declare.symptom.${x}`)).join(', ');
  const c = d.contacts.map((x) => t(`checkpoints.declare.contact.${x}`)).join('; ');
  return { s: s || t('checkpoints.list.noSymptoms'), c };
}

export default function DeclarationsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const today = todayInVietnam();
  const [from, setFrom] = useState<string | null>(daysBefore(today, 13));
  const [to, setTo] = useState<string | null>(today);
  const [risk, setRisk] = useState<Risk>('all');
  const [symptomsOnly, setSymptomsOnly] = useState(false);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [limit, setLimit] = useState(PAGE);
  const query = { from, to, risk: risk === 'all' ? null : risk, symptoms: symptomsOnly ? 'true' : null, q: q.replace(/^0(?=\d{9})/, '') || null };
  const list = useQuery({ queryKey: ['declarations', query, limit], queryFn: () => api<DeclarationList>('/declarations', { query: { ...query, limit } }), placeholderData: keepPreviousData });
  const data = list.data;
  const link = `${window.location.origin}/khai-bao-y-te?tinh=${me.provinceCode}`;

  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          {t('checkpoints.list.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('checkpoints.list.intro')}
        </Text>
      </div>
      <Card withBorder>
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            <DateField label={t('checkpoints.list.from')} value={from} onChange={setFrom} />
            <DateField label={t('checkpoints.list.to')} value={to} onChange={setTo} />
            <TextInput label={t('checkpoints.list.search')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} leftSection={<IconSearch size={16} />} style={{ gridColumn: 'span 2' }} maxLength={100} name="q" />
          </SimpleGrid>
          <Group gap="md" wrap="wrap">
            <SegmentedControl value={risk} onChange={(v) => (setRisk(v as Risk), setLimit(PAGE))} data={(['all', 'any_risk', 'lockdown'] as const).map((r) => ({ value: r, label: t(`checkpoints.list.risk.${r}`) }))} />
            <Checkbox label={t('checkpoints.list.symptomsOnly')} checked={symptomsOnly} onChange={(e) => (setSymptomsOnly(e.currentTarget.checked), setLimit(PAGE))} />
            <Button component="a" href={withQuery('/api/declarations/export.xlsx', query)} download size="xs" variant="light" color="green" leftSection={<IconFileSpreadsheet size={16} />} ml="auto">
              {t('app.downloadExcel')}
            </Button>
          </Group>
        </Stack>
      </Card>
      {list.error && <ErrorAlert error={list.error} onRetry={() => list.refetch()} />}
      {data && (
        <Text size="sm" fw={600} data-testid="declarations-counts">
          {t('checkpoints.list.counts', { total: data.total, risk: data.withRisk, symptoms: data.withSymptoms })}
        </Text>
      )}
      {data && data.items.length === 0 && <Text c="dimmed">{t('checkpoints.list.empty')}</Text>}
      {data && data.items.length > 0 && (
        <>
          {/* Phones: one card per declaration. */}
          <Stack gap="xs" hiddenFrom="md">
            {data.items.map((d) => {
              const h = health(d, t);
              return (
                <Paper key={d.id} withBorder p="sm" data-testid="declaration-card" style={d.risk !== 'none' || d.symptoms.length ? { borderLeft: `5px solid var(--mantine-color-${d.symptoms.length || d.risk === 'lockdown' ? 'red' : 'orange'}-6)` } : undefined}>
                  <Group justify="space-between" wrap="nowrap" align="flex-start">
                    <div>
                      <Text fw={700}>{d.fullName}</Text>
                      <Text size="xs" c="dimmed">
                        {formatDate(d.birthDate)} · {d.sex === 'M' ? t('checkpoints.declare.male') : t('checkpoints.declare.female')} · {d.cccd ?? d.passport}
                      </Text>
                    </div>
                    <RiskBadges d={d} />
                  </Group>
                  <Text size="sm" mt={4}>
                    {t('checkpoints.list.fromPlace', { place: d.fromName ?? d.fromProvinceCode })} → {d.destinationCommuneName} · {t('checkpoints.list.arrived', { date: formatDate(d.arrivalDate) })}
                  </Text>
                  {d.places.length > 0 && (
                    <Text size="xs" c="dimmed">
                      {d.places.map((p) => p.name ?? p.provinceCode).join(' · ')}
                    </Text>
                  )}
                  <Text size="sm" c={d.symptoms.length ? 'red.7' : undefined}>
                    {h.s}
                    {h.c ? ` · ${h.c}` : ''}
                  </Text>
                  <Group justify="space-between" mt={4}>
                    <Button component="a" href={`tel:${d.phone}`} size="compact-sm" variant="light" leftSection={<IconPhone size={14} />}>
                      {formatPhone(d.phone)}
                    </Button>
                    <Text size="xs" c="dimmed">
                      {formatDateTime(d.declaredAt).slice(0, 16)}
                    </Text>
                  </Group>
                </Paper>
              );
            })}
          </Stack>
          {/* Desktops: a table. */}
          <Table.ScrollContainer minWidth={900} visibleFrom="md">
            <Table striped withTableBorder verticalSpacing="xs" data-testid="declarations-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('checkpoints.list.declaredAt')}</Table.Th>
                  <Table.Th>{t('checkpoints.list.person')}</Table.Th>
                  <Table.Th>{t('checkpoints.list.journey')}</Table.Th>
                  <Table.Th>{t('checkpoints.list.destination')}</Table.Th>
                  <Table.Th>{t('checkpoints.list.health')}</Table.Th>
                  <Table.Th>{t('checkpoints.list.followUp')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((d) => {
                  const h = health(d, t);
                  return (
                    <Table.Tr key={d.id}>
                      <Table.Td className="tabular">{formatDateTime(d.declaredAt).slice(0, 16)}</Table.Td>
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {d.fullName}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {formatDate(d.birthDate)} · {d.cccd ?? d.passport} · {formatPhone(d.phone)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{t('checkpoints.list.fromPlace', { place: d.fromName ?? d.fromProvinceCode })}</Text>
                        <Text size="xs" c="dimmed">
                          {[t('checkpoints.list.arrived', { date: formatDate(d.arrivalDate) }), ...d.places.map((p) => p.name ?? p.provinceCode)].join(' · ')}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{d.destinationCommuneName}</Text>
                        <Text size="xs" c="dimmed">
                          {d.destinationAddress}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c={d.symptoms.length ? 'red.7' : undefined}>
                          {h.s}
                        </Text>
                        {h.c && (
                          <Text size="xs" c="dimmed">
                            {h.c}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <RiskBadges d={d} />
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {data.total > data.items.length && (
            <Group justify="center">
              <Text size="sm" c="dimmed">
                {t('checkpoints.list.more', { shown: data.items.length, total: data.total })}
              </Text>
              <Button variant="light" size="xs" onClick={() => setLimit((l) => Math.min(l + PAGE, 500))} disabled={limit >= 500}>
                {t('checkpoints.list.loadMore')}
              </Button>
            </Group>
          )}
        </>
      )}
      <Card withBorder>
        <Group align="flex-start" wrap="wrap" gap="md">
          <QrCode value={link} size={132} label={t('checkpoints.list.publicLink')} />
          <div style={{ flex: 1, minWidth: 200 }}>
            <Text fw={600}>{t('checkpoints.list.publicLink')}</Text>
            <Text size="sm" style={{ wordBreak: 'break-all' }} data-testid="declare-link">
              {link}
            </Text>
            <Text size="xs" c="dimmed" mt={4}>
              {t('checkpoints.list.publicLinkHint')}
            </Text>
          </div>
        </Group>
      </Card>
    </Stack>
  );
}
