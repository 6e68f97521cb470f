// "Chốt kiểm soát": phone first for the checkpoint officer. Pick the checkpoint (remembered on the
// phone) and the direction, type a CCCD and/or a plate, see at once the valid test result, the
// registry person, the vaccination status, the green-lane pass and the advice, then record the
// passage with the decision. Command staff also see daily counts (chart, Excel) and the green-lane
// passes; checkpoints are added here.
import { lazy, Suspense, useEffect, useMemo, useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Card, Group, Paper, SegmentedControl, Select, SimpleGrid, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { IconCircleCheck, IconCircleX, IconClockExclamation, IconFileSpreadsheet, IconQuestionMark, IconSearch } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, withQuery } from '../lib/api.ts';
import { formatDate, formatDateTime, todayInVietnam } from '../lib/format.ts';
import { useCan } from '../auth/auth.tsx';
import { DateField } from '../common/DateField.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PROVINCES } from '../../../src/domain/checkpoints/provinces.ts';
import { decisionColor, errorMessage, fieldErrors, newKey, testColor, type Checkpoint, type Daily, type Decision, type GreenPass, type Lookup, type Passage } from './shared.ts';

const Chart = lazy(() => import('../testing/Chart.tsx'));
const CP_KEY = 'chongdich.checkpoint';
const DECISIONS: Decision[] = ['allowed', 'tested', 'held', 'turned_back'];
const ROLES = ['driver', 'passenger', 'pedestrian'] as const;
const PURPOSES = ['freight', 'work', 'return_home', 'medical', 'official', 'transit', 'other'] as const;
const icon = { valid_negative: IconCircleCheck, positive: IconCircleX, expired: IconClockExclamation, none: IconQuestionMark } as const;
const daysBefore = (day: string, n: number) => new Date(Date.parse(day + 'T12:00:00Z') - n * 86_400_000).toISOString().slice(0, 10);
const at16 = (iso: string | null) => formatDateTime(iso).slice(0, 16);
const provinceOptions = (t: (k: string) => string) => [{ value: 'abroad', label: t('checkpoints.declare.abroad') }, ...PROVINCES.map(([c, n]) => ({ value: c, label: n.replace(/^(Tỉnh|Thành phố)\s+/, '') }))];

function LookupCard({ a, direction }: { a: Lookup; direction: 'in' | 'out' }) {
  const { t } = useTranslation();
  const color = testColor[a.testStatus];
  const Icon = icon[a.testStatus];
  const r = a.tests.result;
  return (
    <Card withBorder padding="md" style={{ borderColor: `var(--mantine-color-${color}-6)`, borderWidth: 3 }} data-testid="cp-lookup" data-status={a.testStatus}>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <Icon size={44} color={`var(--mantine-color-${color}-7)`} aria-hidden style={{ flexShrink: 0 }} />
        <Stack gap={2}>
          <Text fw={800} size="xl" c={`${color}.8`}>
            {t(`checkpoints.cp.test.${a.testStatus}`)}
          </Text>
          {r && (
            <Text size="sm">
              {r.subjectName} · {t('checkpoints.cp.resultLine', { kind: t(`checkpoints.cp.resultKind.${r.kind}`), result: t(`checkpoints.cp.result.${r.outcome}`), at: at16(r.resultAt) })}
              {r.place && r.place !== 'self_report' ? ` · ${r.place}` : ''}
            </Text>
          )}
          {a.tests.validUntil && (
            <Text size="sm" fw={600} data-testid="cp-valid-until">
              {t('checkpoints.cp.validUntil', { at: at16(a.tests.validUntil) })}
            </Text>
          )}
          <Text size="sm">{a.person ? t('checkpoints.cp.registry', { name: a.person.fullName, year: a.person.birthYear ?? '—', commune: a.person.communeName ?? '' }) : t('checkpoints.cp.notInRegistry')}</Text>
          <Text size="sm" data-testid="cp-vaccination">
            {a.vaccination ? t('checkpoints.cp.vaccination', { state: t(`checkpoints.cp.vaccinationState.${a.vaccination.state}`, { defaultValue: a.vaccination.state }), doses: a.vaccination.doses }) : t('checkpoints.cp.noVaccination')}
          </Text>
          {a.greenPass && (
            <Text size="sm" c={a.greenPass.state === 'valid' ? 'green.8' : 'orange.8'} fw={600} data-testid="cp-green-pass">
              {t('checkpoints.cp.greenPass', { code: a.greenPass.code, state: t(`checkpoints.cp.passState.${a.greenPass.state}`), from: formatDate(a.greenPass.validFrom), to: formatDate(a.greenPass.validTo) })}
            </Text>
          )}
          <Badge mt={4} size="lg" color={decisionColor[a.advice[direction]]} variant="filled" data-testid="cp-advice">
            {t(`checkpoints.cp.advice.${a.advice[direction]}`)}
          </Badge>
          {a.recent.length > 0 && (
            <Text size="xs" c="dimmed" mt={4}>
              {t('checkpoints.cp.recent')}: {a.recent.slice(0, 3).map((p) => `${at16(p.passedAt)} ${p.checkpointName} (${t(`checkpoints.cp.direction.${p.direction}`)})`).join(' · ')}
            </Text>
          )}
        </Stack>
      </Group>
    </Card>
  );
}

function RecordTab({ checkpoints }: { checkpoints: Checkpoint[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const canTest = useCan('testing.collect');
  const active = checkpoints.filter((c) => c.active);
  const [cpId, setCpId] = useState<string | null>(() => localStorage.getItem(CP_KEY));
  useEffect(() => {
    if (active.length && !active.some((c) => String(c.id) === cpId)) setCpId(String(active[0].id));
  }, [active, cpId]);
  const [direction, setDirection] = useState<'in' | 'out'>('in');
  const [cccd, setCccd] = useState('');
  const [plate, setPlate] = useState('');
  const [localErr, setLocalErr] = useState<string | null>(null);
  const [fullName, setFullName] = useState('');
  const [phone, setPhone] = useState('');
  const [role, setRole] = useState<(typeof ROLES)[number]>('driver');
  const [purpose, setPurpose] = useState<string | null>('freight');
  const [fromProvince, setFromProvince] = useState<string | null>(null);
  const [decision, setDecision] = useState<Decision | null>(null);
  const [note, setNote] = useState('');
  const [key, setKey] = useState(newKey);
  const [saved, setSaved] = useState<Passage | null>(null);
  const look = useMutation({ mutationFn: (q: { cccd: string | null; plate: string | null }) => api<Lookup>('/checkpoints/lookup', { query: q }) });
  const a = look.data;
  useEffect(() => {
    if (!a) return;
    setDecision(a.advice[direction]);
    setFullName((n) => n || a.person?.fullName || a.tests.result?.subjectName || a.greenPass?.holder || '');
  }, [a, direction]);
  const save = useMutation({
    mutationFn: () =>
      api<{ passage: Passage; replayed: boolean }>('/checkpoints/passages', {
        method: 'POST',
        body: {
          checkpointId: Number(cpId),
          passedAt: new Date().toISOString(),
          direction,
          personId: a?.person ? a.person.id : null,
          person: a?.person ? null : { fullName: fullName.trim(), cccd: cccd.replace(/\s+/g, '') || null, phone: phone.replace(/[\s.]/g, '') || null },
          vehiclePlate: plate.trim() || null,
          role,
          purpose,
          fromProvinceCode: fromProvince,
          decision,
          note: note.trim() || null,
          idempotencyKey: key,
        },
      }),
    onSuccess: (r) => {
      setSaved(r.passage);
      setKey(newKey());
      setCccd('');
      setPlate('');
      setFullName('');
      setPhone('');
      setNote('');
      setDecision(null);
      look.reset();
      void qc.invalidateQueries({ queryKey: ['checkpoints'] });
    },
  });
  const errs = fieldErrors(save.error, t);
  const search = (e: FormEvent) => {
    e.preventDefault();
    const c = cccd.replace(/\s+/g, '');
    const p = plate.trim();
    if (!c && !p) return setLocalErr(t('checkpoints.cp.needKey'));
    if (c && !/^\d{12}$/.test(c)) return setLocalErr(t('checkpoints.declare.errors.cccdInvalid'));
    setLocalErr(null);
    setSaved(null);
    save.reset();
    setFullName('');
    look.mutate({ cccd: c || null, plate: p || null });
  };
  if (!active.length) return <Text c="dimmed">{t('checkpoints.cp.noCheckpoint')}</Text>;
  return (
    <Stack gap="sm" maw={560}>
      <Select
        size="md"
        label={t('checkpoints.cp.checkpoint')}
        data={active.map((c) => ({ value: String(c.id), label: c.name }))}
        value={cpId}
        onChange={(v) => (setCpId(v), v && localStorage.setItem(CP_KEY, v))}
        allowDeselect={false}
        name="checkpoint"
      />
      <SegmentedControl fullWidth size="md" value={direction} onChange={(v) => setDirection(v as 'in' | 'out')} data={(['in', 'out'] as const).map((d) => ({ value: d, label: t(`checkpoints.cp.direction.${d}`) }))} />
      {saved && (
        <Alert color={decisionColor[saved.decision]} data-testid="cp-saved">
          {t('checkpoints.cp.saved', { name: saved.fullName, decision: t(`checkpoints.cp.decision.${saved.decision}`) })}
        </Alert>
      )}
      <Card withBorder>
        <form onSubmit={search} noValidate data-testid="cp-lookup-form">
          <Stack gap="sm">
            <SimpleGrid cols={2} spacing="xs">
              <TextInput size="md" label={t('checkpoints.cp.cccd')} inputMode="numeric" value={cccd} onChange={(e) => setCccd(e.currentTarget.value)} maxLength={15} autoComplete="off" name="cccd" />
              <TextInput size="md" label={t('checkpoints.cp.plate')} placeholder="29C-123.45" autoCapitalize="characters" value={plate} onChange={(e) => setPlate(e.currentTarget.value.toUpperCase())} maxLength={15} autoComplete="off" name="plate" />
            </SimpleGrid>
            {localErr && (
              <Text c="red" size="sm">
                {localErr}
              </Text>
            )}
            <Button type="submit" size="md" leftSection={<IconSearch size={18} />} loading={look.isPending}>
              {t('checkpoints.cp.lookup')}
            </Button>
          </Stack>
        </form>
      </Card>
      {look.error && <Alert color="red">{errorMessage(look.error, t)}</Alert>}
      {a && (
        <>
          <LookupCard a={a} direction={direction} />
          <Card withBorder>
            <Stack gap="sm">
              {!a.person && (
                <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
                  <TextInput size="md" label={t('checkpoints.cp.fullName')} value={fullName} onChange={(e) => setFullName(e.currentTarget.value)} error={errs['person.fullName'] ?? errs.person} required maxLength={200} name="fullName" />
                  <TextInput size="md" label={t('checkpoints.cp.phone')} inputMode="tel" value={phone} onChange={(e) => setPhone(e.currentTarget.value)} error={errs['person.phone']} maxLength={16} name="phone" />
                </SimpleGrid>
              )}
              <SegmentedControl fullWidth value={role} onChange={(v) => setRole(v as typeof role)} data={ROLES.map((r) => ({ value: r, label: t(`checkpoints.cp.role.${r}`) }))} />
              <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
                <Select size="md" label={t('checkpoints.cp.purpose')} data={PURPOSES.map((p) => ({ value: p, label: t(`checkpoints.cp.purposes.${p}`) }))} value={purpose} onChange={setPurpose} allowDeselect={false} />
                <Select size="md" label={t('checkpoints.cp.fromProvince')} data={provinceOptions(t)} value={fromProvince} onChange={setFromProvince} searchable clearable error={errs.fromProvinceCode} nothingFoundMessage="—" />
              </SimpleGrid>
              <div>
                <Text size="sm" fw={500} mb={4}>
                  {t('checkpoints.cp.decisionLabel')}
                </Text>
                <SimpleGrid cols={2} spacing="xs">
                  {DECISIONS.map((d) => (
                    <Button key={d} size="md" color={decisionColor[d]} variant={decision === d ? 'filled' : 'outline'} onClick={() => setDecision(d)} data-testid={`cp-decision-${d}`} aria-pressed={decision === d}>
                      {t(`checkpoints.cp.decision.${d}`)}
                    </Button>
                  ))}
                </SimpleGrid>
                {errs.decision && (
                  <Text c="red" size="sm" mt={4}>
                    {errs.decision}
                  </Text>
                )}
              </div>
              <TextInput label={t('checkpoints.cp.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={1000} />
              {save.error && !errs.decision && !errs['person.phone'] && <ErrorAlert error={save.error} />}
              <Button size="lg" onClick={() => save.mutate()} loading={save.isPending} disabled={!decision || (!a.person && fullName.trim().length < 2)} data-testid="cp-save">
                {t('checkpoints.cp.save')}
              </Button>
              {decision === 'tested' && canTest && (
                <Button component={Link} to="/testing/rapid" variant="subtle" size="sm">
                  {t('checkpoints.cp.testHere')}
                </Button>
              )}
            </Stack>
          </Card>
        </>
      )}
    </Stack>
  );
}

function StatsTab() {
  const { t } = useTranslation();
  const today = todayInVietnam();
  const [from, setFrom] = useState<string | null>(daysBefore(today, 13));
  const [to, setTo] = useState<string | null>(today);
  const q = { from, to };
  const d = useQuery({ queryKey: ['checkpoints', 'daily', q], queryFn: () => api<Daily>('/checkpoints/daily', { query: q }), enabled: !!from && !!to });
  const option = useMemo(() => {
    if (!d.data) return null;
    const days = d.data.total.map((x) => formatDate(x.day).slice(0, 5));
    const s = (k: 'in' | 'out' | 'tested' | 'held', color: string) => ({ name: t(`checkpoints.cp.stats.${k}`), type: k === 'tested' || k === 'held' ? 'line' : 'bar', stack: k === 'in' || k === 'out' ? 'p' : undefined, data: d.data!.total.map((x) => x[k]), itemStyle: { color } });
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 12, top: 36, bottom: 24 },
      xAxis: { type: 'category', data: days },
      yAxis: { type: 'value', minInterval: 1 },
      series: [s('in', '#1c7ed6'), s('out', '#74c0fc'), s('tested', '#f08c00'), s('held', '#e03131')],
    };
  }, [d.data, t]);
  const byCp = useMemo(() => {
    if (!d.data) return [];
    return d.data.checkpoints.map((c) => {
      const rows = d.data!.rows.filter((r) => r.checkpointId === c.id);
      const sum = (k: 'in' | 'out' | 'tested' | 'held' | 'turnedBack') => rows.reduce((a, r) => a + r[k], 0);
      return { ...c, in: sum('in'), out: sum('out'), tested: sum('tested'), held: sum('held'), turnedBack: sum('turnedBack') };
    });
  }, [d.data]);
  return (
    <Stack gap="sm">
      <Group align="flex-end" wrap="wrap">
        <DateField label={t('checkpoints.cp.stats.from')} value={from} onChange={setFrom} w={140} />
        <DateField label={t('checkpoints.cp.stats.to')} value={to} onChange={setTo} w={140} />
        <Button component="a" href={withQuery('/api/checkpoints/daily.xlsx', q)} download size="xs" variant="light" color="green" leftSection={<IconFileSpreadsheet size={16} />}>
          {t('app.downloadExcel')}
        </Button>
      </Group>
      {d.error && <ErrorAlert error={d.error} />}
      {option && (
        <Card withBorder>
          <Text fw={600} size="sm">
            {t('checkpoints.cp.stats.chartTitle')}
          </Text>
          <Suspense fallback={<div style={{ height: 260 }} />}>
            <Chart option={option} height={260} testId="cp-chart" />
          </Suspense>
        </Card>
      )}
      {byCp.length > 0 && (
        <Table.ScrollContainer minWidth={520}>
          <Table striped withTableBorder data-testid="cp-stats-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('checkpoints.cp.checkpoint')}</Table.Th>
                <Table.Th ta="right">{t('checkpoints.cp.stats.in')}</Table.Th>
                <Table.Th ta="right">{t('checkpoints.cp.stats.out')}</Table.Th>
                <Table.Th ta="right">{t('checkpoints.cp.stats.tested')}</Table.Th>
                <Table.Th ta="right">{t('checkpoints.cp.stats.held')}</Table.Th>
                <Table.Th ta="right">{t('checkpoints.cp.stats.turnedBack')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {byCp.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    {c.name}
                    <Text size="xs" c="dimmed">
                      {t(`checkpoints.cp.kind.${c.kind}`)}
                    </Text>
                  </Table.Td>
                  {(['in', 'out', 'tested', 'held', 'turnedBack'] as const).map((k) => (
                    <Table.Td key={k} ta="right" className="tabular">
                      {c[k].toLocaleString('vi-VN')}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function PassesTab() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const canIssue = useCan('checkpoints.record');
  const list = useQuery({ queryKey: ['checkpoints', 'passes'], queryFn: () => api<{ items: GreenPass[] }>('/checkpoints/green-passes') });
  const today = todayInVietnam();
  const [b, setB] = useState({ vehiclePlate: '', holder: '', cargo: '', route: '', validFrom: today as string | null, validTo: daysBefore(today, -13) as string | null });
  const issue = useMutation({
    mutationFn: () => api<GreenPass>('/checkpoints/green-passes', { method: 'POST', body: { ...b, cargo: b.cargo || null, route: b.route || null } }),
    onSuccess: () => (setB((x) => ({ ...x, vehiclePlate: '', holder: '', cargo: '', route: '' })), qc.invalidateQueries({ queryKey: ['checkpoints', 'passes'] })),
  });
  const revoke = useMutation({
    mutationFn: (p: { id: number; reason: string }) => api(`/checkpoints/green-passes/${p.id}/revoke`, { method: 'POST', body: { reason: p.reason } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['checkpoints', 'passes'] }),
  });
  const errs = fieldErrors(issue.error, t);
  return (
    <Stack gap="sm">
      {canIssue && (
        <Card withBorder>
          <Text fw={600} mb="xs">
            {t('checkpoints.cp.passes.issue')}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
            <TextInput label={t('checkpoints.cp.passes.plate')} value={b.vehiclePlate} onChange={(e) => setB({ ...b, vehiclePlate: e.currentTarget.value.toUpperCase() })} error={errs.vehiclePlate} required maxLength={15} />
            <TextInput label={t('checkpoints.cp.passes.holder')} value={b.holder} onChange={(e) => setB({ ...b, holder: e.currentTarget.value })} error={errs.holder} required maxLength={200} />
            <TextInput label={t('checkpoints.cp.passes.cargo')} value={b.cargo} onChange={(e) => setB({ ...b, cargo: e.currentTarget.value })} maxLength={200} />
            <TextInput label={t('checkpoints.cp.passes.route')} value={b.route} onChange={(e) => setB({ ...b, route: e.currentTarget.value })} maxLength={300} />
            <DateField label={t('checkpoints.cp.passes.validFrom')} value={b.validFrom} onChange={(v) => setB({ ...b, validFrom: v })} error={errs.validFrom} required />
            <DateField label={t('checkpoints.cp.passes.validTo')} value={b.validTo} onChange={(v) => setB({ ...b, validTo: v })} error={errs.validTo} required />
          </SimpleGrid>
          {issue.data && (
            <Alert color="green" mt="xs">
              {t('checkpoints.cp.passes.issued', { code: issue.data.code })}
            </Alert>
          )}
          {issue.error && !Object.keys(errs).length && <ErrorAlert error={issue.error} />}
          <Button mt="sm" onClick={() => issue.mutate()} loading={issue.isPending} disabled={!b.vehiclePlate || b.holder.trim().length < 2 || !b.validFrom || !b.validTo}>
            {t('checkpoints.cp.passes.issue')}
          </Button>
        </Card>
      )}
      <Text fw={600}>{t('checkpoints.cp.passes.title')}</Text>
      {list.data?.items.length === 0 && <Text c="dimmed">{t('checkpoints.cp.passes.empty')}</Text>}
      <Stack gap="xs">
        {list.data?.items.map((p) => (
          <Paper key={p.id} withBorder p="sm" data-testid="green-pass">
            <Group justify="space-between" wrap="nowrap">
              <div>
                <Text fw={700} className="tabular">
                  {p.vehiclePlate} · {p.code}
                </Text>
                <Text size="sm">
                  {p.holder}
                  {p.cargo ? ` · ${p.cargo}` : ''}
                  {p.route ? ` · ${p.route}` : ''}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatDate(p.validFrom)} – {formatDate(p.validTo)} · {t(`checkpoints.cp.passState.${p.state}`)}
                </Text>
              </div>
              {canIssue && (
                <Button
                  size="compact-sm"
                  variant="subtle"
                  color="red"
                  onClick={() => {
                    const reason = window.prompt(t('checkpoints.cp.passes.revokeReason'));
                    if (reason && reason.trim().length >= 3) revoke.mutate({ id: p.id, reason });
                  }}
                >
                  {t('checkpoints.cp.passes.revoke')}
                </Button>
              )}
            </Group>
          </Paper>
        ))}
      </Stack>
    </Stack>
  );
}

export default function CheckpointsPage() {
  const { t } = useTranslation();
  const canRecord = useCan('checkpoints.record');
  const cps = useQuery({ queryKey: ['checkpoints', 'list'], queryFn: () => api<{ items: Checkpoint[] }>('/checkpoints') });
  const [tab, setTab] = useState<string | null>(canRecord ? 'record' : 'stats');
  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          {t('checkpoints.cp.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('checkpoints.cp.intro')}
        </Text>
      </div>
      {cps.error && <ErrorAlert error={cps.error} onRetry={() => cps.refetch()} />}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List grow>
          {canRecord && <Tabs.Tab value="record">{t('checkpoints.cp.tabs.record')}</Tabs.Tab>}
          <Tabs.Tab value="stats">{t('checkpoints.cp.tabs.stats')}</Tabs.Tab>
          <Tabs.Tab value="passes">{t('checkpoints.cp.tabs.passes')}</Tabs.Tab>
          <Tabs.Tab value="list">{t('checkpoints.cp.tabs.list')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="record" pt="md">
          {cps.data && <RecordTab checkpoints={cps.data.items} />}
        </Tabs.Panel>
        <Tabs.Panel value="stats" pt="md">
          <StatsTab />
        </Tabs.Panel>
        <Tabs.Panel value="passes" pt="md">
          <PassesTab />
        </Tabs.Panel>
        <Tabs.Panel value="list" pt="md">
          <Stack gap="xs">
            {cps.data?.items.length === 0 && <Text c="dimmed">{t('checkpoints.cp.noCheckpoint')}</Text>}
            {cps.data?.items.map((c) => (
              <Paper key={c.id} withBorder p="sm" data-testid="checkpoint-row" opacity={c.active ? 1 : 0.6}>
                <Group justify="space-between" wrap="nowrap">
                  <div>
                    <Text fw={700}>{c.name}</Text>
                    <Text size="sm" c="dimmed">
                      {t(`checkpoints.cp.kind.${c.kind}`)} · {[c.road, c.communeName, c.districtName].filter(Boolean).join(', ')}
                    </Text>
                  </div>
                  <Text size="sm" className="tabular" ta="right">
                    {t('checkpoints.cp.stats.today', c.today)}
                  </Text>
                </Group>
              </Paper>
            ))}
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
