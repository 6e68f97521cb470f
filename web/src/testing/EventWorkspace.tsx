// One collection session on the sampling team's phone: register tubes (person + barcode), compose
// pools by scanning, print labels. Every scan answers at once, in words, with a colour and a buzz.
import { useRef, useState } from 'react';
import { ActionIcon, Alert, Badge, Button, Card, Group, NumberInput, Progress, SegmentedControl, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { IconArrowLeft, IconCheck, IconPrinter, IconX } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api, ApiError } from '../lib/api.ts';
import { formatDate, formatDateTime } from '../lib/format.ts';
import { PersonPicker } from '../people/PersonPicker.tsx';
import type { Person } from '../lib/types.ts';
import { BarcodeInput, type BarcodeInputHandle } from './BarcodeInput.tsx';
import { idempotencyKey, useEvent, useLabs, type EventDetail, type PoolWithMembers, type SitePerson, type Specimen, type SpecimenKind } from './api.ts';
import { errorMessage, resultColor } from './shared.ts';

type Tab = 'register' | 'pool' | 'labels';

export interface ScanOutcome {
  ok: boolean;
  code: string;
  text: string;
}

/** A short buzz for a good scan, a long one for a refused scan (phones that can). */
export function buzz(ok: boolean) {
  try {
    navigator.vibrate?.(ok ? 60 : [200, 80, 200]);
  } catch {
    // not supported
  }
}

/** A refused scan in words: the pool it already is in, the maximum of a full pool. */
export function scanError(err: unknown, t: TFunction): string {
  if (err instanceof ApiError) {
    const f = err.fields[0];
    if (f?.code === 'already_pooled' && f.message) return t('testing.errors.already_pooled_in', { pool: f.message });
    if (f?.code === 'pool_full' && f.message) return t('testing.errors.pool_full_max', { max: f.message });
  }
  return errorMessage(err, t);
}

export function ScanFeedback({ last }: { last: ScanOutcome | null }) {
  if (!last) return null;
  return (
    <Alert
      color={last.ok ? 'green' : 'red'}
      variant={last.ok ? 'light' : 'filled'}
      icon={last.ok ? <IconCheck size={20} /> : <IconX size={20} />}
      p="sm"
      role={last.ok ? 'status' : 'alert'}
      data-testid="scan-feedback"
      data-ok={last.ok}
    >
      {last.code && (
        <Text fw={700} size="md" className="tabular">
          {last.code}
        </Text>
      )}
      <Text size="sm">{last.text}</Text>
    </Alert>
  );
}

export function EventWorkspace({ id, onBack }: { id: number; onBack(): void }) {
  const { t } = useTranslation();
  const ev = useEvent(id);
  const [tab, setTab] = useState<Tab>('register');
  if (ev.isPending) return <PageLoader />;
  if (ev.error)
    return (
      <Stack>
        <Button variant="subtle" leftSection={<IconArrowLeft size={16} />} onClick={onBack} w="fit-content">
          {t('testing.collect.back')}
        </Button>
        <ErrorAlert error={ev.error} notFoundText={t('testing.collect.eventNotFound')} />
      </Stack>
    );
  const { event } = ev.data;
  return (
    <Stack gap="sm" maw={720} data-testid="event-workspace">
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <ActionIcon variant="subtle" size="lg" onClick={onBack} aria-label={t('testing.collect.back')}>
          <IconArrowLeft size={20} />
        </ActionIcon>
        <div style={{ minWidth: 0 }}>
          <Title order={1} size="h3">
            {event.siteName}
          </Title>
          <Text size="sm" c="dimmed">
            {[event.team, event.unitName, event.labName, formatDate(event.eventDate)].filter(Boolean).join(' · ')}
          </Text>
        </div>
      </Group>
      {event.status === 'closed' && (
        <Alert color="gray" variant="light">
          {t('testing.collect.eventClosed')}
        </Alert>
      )}
      <SegmentedControl
        fullWidth
        size="md"
        value={tab}
        onChange={(v) => setTab(v as Tab)}
        data={[
          { value: 'register', label: t('testing.collect.tabRegister', { count: ev.data.specimens.length }) },
          { value: 'pool', label: t('testing.collect.tabPool', { count: ev.data.pools.length }) },
          { value: 'labels', label: t('testing.collect.tabLabels') },
        ]}
        aria-label={t('testing.collect.title')}
      />
      {tab === 'register' && <RegisterTab detail={ev.data} />}
      {tab === 'pool' && <PoolTab detail={ev.data} />}
      {tab === 'labels' && <LabelsTab detail={ev.data} />}
    </Stack>
  );
}

function RegisterTab({ detail }: { detail: EventDetail }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const e = detail.event;
  const [person, setPerson] = useState<Person | null>(null);
  const [outsider, setOutsider] = useState(false);
  const [other, setOther] = useState({ fullName: '', cccd: '', phone: '', plate: '' });
  const [kind, setKind] = useState<SpecimenKind>(e.defaultKind);
  const [last, setLast] = useState<ScanOutcome | null>(null);
  const scanner = useRef<BarcodeInputHandle>(null);
  // The people drawn for this site of the plan, to pick from instead of searching.
  const drawn = useQuery({
    queryKey: ['testing', 'plan', e.planId, 'people', e.siteId],
    queryFn: ({ signal }) => api<{ total: number; items: SitePerson[] }>(`/testing/plans/${e.planId}/people`, { query: { site: e.siteId, limit: 5000 }, signal }),
    enabled: e.planId != null && e.siteId != null,
  });
  const m = useMutation({
    mutationFn: (barcode: string | null) =>
      api<{ specimen: Specimen; replayed: boolean; drawn: boolean }>('/testing/specimens', {
        method: 'POST',
        body: {
          eventId: e.id,
          barcode,
          personId: outsider ? null : (person?.id ?? null),
          person: outsider ? { fullName: other.fullName.trim(), cccd: other.cccd.trim() || null, phone: other.phone.trim() || null } : null,
          vehiclePlate: outsider && other.plate.trim() ? other.plate.trim() : null,
          kind,
          idempotencyKey: idempotencyKey(),
        },
      }),
    onSuccess: (r) => {
      const s = r.specimen;
      setLast({
        ok: true,
        code: s.barcode,
        text: r.replayed ? t('testing.collect.alreadyRegistered', { name: s.subjectName }) : s.followUpId ? t('testing.collect.registeredFollowUp', { name: s.subjectName }) : t('testing.collect.registered', { name: s.subjectName }),
      });
      buzz(true);
      setPerson(null);
      setOther({ fullName: '', cccd: '', phone: '', plate: '' });
      void qc.invalidateQueries({ queryKey: ['testing', 'event', e.id] });
      if (e.planId) void qc.invalidateQueries({ queryKey: ['testing', 'plan', e.planId, 'people'] });
    },
    onError: (err, barcode) => {
      setLast({ ok: false, code: barcode ?? '', text: scanError(err, t) });
      buzz(false);
    },
  });
  const who = outsider ? (other.fullName.trim() ? other.fullName.trim() : null) : (person?.fullName ?? null);
  const ready = !!who && (!outsider || !!other.cccd.trim() || !!other.plate.trim());
  const pick = (p: Person) => {
    setOutsider(false);
    setPerson(p);
    setTimeout(() => scanner.current?.focus(), 0);
  };
  const waiting = (drawn.data?.items ?? []).filter((p) => p.specimenId == null);
  return (
    <Stack gap="sm">
      <Card withBorder padding="sm">
        <Stack gap="sm">
          <SegmentedControl
            value={kind}
            onChange={(v) => setKind(v as SpecimenKind)}
            data={[
              { value: 'pool_member', label: t('testing.collect.kindPooled') },
              { value: 'single', label: t('testing.collect.kindSingle') },
            ]}
            aria-label={t('testing.collect.kind')}
          />
          {!outsider ? (
            <PersonPicker label={t('testing.collect.person')} value={person?.id ?? null} initial={person} onChange={(_, p) => (p ? pick(p) : setPerson(null))} size="md" key={person?.id ?? 'none'} />
          ) : (
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
              <TextInput label={t('person.fullName')} value={other.fullName} onChange={(ev) => setOther({ ...other, fullName: ev.currentTarget.value })} required size="md" name="outsiderName" />
              <TextInput label={t('person.cccd')} inputMode="numeric" value={other.cccd} onChange={(ev) => setOther({ ...other, cccd: ev.currentTarget.value })} size="md" name="outsiderCccd" />
              <TextInput label={t('person.phone')} inputMode="tel" value={other.phone} onChange={(ev) => setOther({ ...other, phone: ev.currentTarget.value })} size="md" name="outsiderPhone" />
              <TextInput label={t('testing.lookup.plate')} placeholder="29C-123.45" value={other.plate} onChange={(ev) => setOther({ ...other, plate: ev.currentTarget.value })} size="md" name="outsiderPlate" />
            </SimpleGrid>
          )}
          <Switch label={t('testing.collect.outsider')} checked={outsider} onChange={(ev) => setOutsider(ev.currentTarget.checked)} />
          <BarcodeInput
            ref={scanner}
            label={t('testing.collect.tubeBarcode')}
            description={who ? t('testing.collect.scanFor', { name: who }) : t('testing.collect.scanHint')}
            placeholder={t('testing.collect.scanPlaceholder')}
            onScan={(c) => {
              if (!ready) {
                setLast({ ok: false, code: c, text: t('testing.collect.pickPersonFirst') });
                buzz(false);
                return;
              }
              m.mutate(c);
            }}
            busy={m.isPending}
            feedback={<ScanFeedback last={last} />}
            disabled={e.status !== 'open'}
            name="tubeBarcode"
          />
          <Button variant="subtle" size="sm" onClick={() => m.mutate(null)} disabled={!ready || e.status !== 'open'} loading={m.isPending} w="fit-content">
            {t('testing.collect.newBarcode')}
          </Button>
        </Stack>
      </Card>
      {e.planId != null && e.siteId != null && (
        <Card withBorder padding="sm" data-testid="drawn-list">
          <Text size="sm" fw={600} mb={6}>
            {t('testing.collect.drawnList', { waiting: waiting.length, total: drawn.data?.total ?? 0 })}
          </Text>
          {drawn.isPending ? (
            <PageLoader />
          ) : (
            <Stack gap={4} mah={320} style={{ overflowY: 'auto' }}>
              {(drawn.data?.items ?? []).map((p) => (
                <UnstyledButton
                  key={p.personId}
                  onClick={() => pick({ id: p.personId, cccd: p.cccd, fullName: p.fullName, birthDate: p.birthDate, sex: p.sex, phone: p.phone, communeCode: '', communeName: p.communeName, villageCode: null, villageName: p.villageName, householdId: null, address: p.address })}
                  disabled={p.specimenId != null}
                  p={6}
                  style={{ borderRadius: 6, background: person?.id === p.personId ? 'var(--mantine-color-blue-0)' : undefined, opacity: p.specimenId != null ? 0.55 : 1 }}
                  data-testid="drawn-person"
                >
                  <Group justify="space-between" wrap="nowrap" gap="xs">
                    <div style={{ minWidth: 0 }}>
                      <Text size="sm" fw={600} truncate>
                        {p.fullName}
                      </Text>
                      <Text size="xs" c="dimmed" truncate>
                        {[formatDate(p.birthDate), p.villageName ?? p.communeName, p.stratum].filter(Boolean).join(' · ')}
                      </Text>
                    </div>
                    {p.barcode ? (
                      <Text size="xs" fw={700} c="green.8" className="tabular" style={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
                        ✓ {p.barcode}
                      </Text>
                    ) : (
                      <Badge variant="outline" color="gray">
                        {t('testing.collect.notYet')}
                      </Badge>
                    )}
                  </Group>
                </UnstyledButton>
              ))}
            </Stack>
          )}
        </Card>
      )}
      <SpecimenList specimens={detail.specimens} />
    </Stack>
  );
}

function SpecimenList({ specimens }: { specimens: Specimen[] }) {
  const { t } = useTranslation();
  if (!specimens.length)
    return (
      <Text c="dimmed" size="sm">
        {t('testing.collect.noSpecimens')}
      </Text>
    );
  return (
    <Stack gap={6} data-testid="specimens">
      <Text size="sm" fw={600}>
        {t('testing.collect.specimens', { count: specimens.length })}
      </Text>
      {specimens.slice(0, 300).map((s) => (
        <Group key={s.id} justify="space-between" wrap="nowrap" gap="xs" p={6} style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }} data-testid="specimen">
          <div style={{ minWidth: 0 }}>
            <Text fw={600} className="tabular" size="sm">
              {s.barcode}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {s.subjectName} · {formatDateTime(s.collectedAt).slice(11, 16)}
            </Text>
          </div>
          <Group gap={4} wrap="nowrap">
            {s.poolBarcode && (
              <Badge variant="light" color="grape" className="tabular">
                {s.poolBarcode}
              </Badge>
            )}
            <Badge variant="light" color={s.outcome ? resultColor[s.outcome] : s.status === 'rejected' ? 'orange' : 'gray'}>
              {s.outcome ? t(`testing.result.${s.outcome}`) : s.status === 'rejected' ? t('testing.collect.rejected') : t(`testing.collect.kindShort.${s.kind}`)}
            </Badge>
          </Group>
        </Group>
      ))}
    </Stack>
  );
}

function PoolTab({ detail }: { detail: EventDetail }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const e = detail.event;
  const labs = useLabs();
  const [poolId, setPoolId] = useState<number | null>(detail.pools.find((p) => p.status === 'open')?.id ?? null);
  const [labId, setLabId] = useState<string | null>(e.labId != null ? String(e.labId) : null);
  const [method, setMethod] = useState<'collection' | 'lab'>('collection');
  const [last, setLast] = useState<ScanOutcome | null>(null);
  const pool = useQuery({ queryKey: ['testing', 'pool', poolId], queryFn: ({ signal }) => api<PoolWithMembers>(`/testing/pools/${poolId}`, { signal }), enabled: poolId != null });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['testing', 'event', e.id] });
  };
  const fail = (err: unknown, code: string) => {
    setLast({ ok: false, code, text: scanError(err, t) });
    buzz(false);
  };
  const open = useMutation({
    mutationFn: (barcode: string | null) => api<PoolWithMembers>('/testing/pools', { method: 'POST', body: { labId: labId ? Number(labId) : null, method, eventId: e.id, barcode } }),
    onSuccess: (p) => {
      qc.setQueryData(['testing', 'pool', p.id], p);
      setPoolId(p.id);
      setLast({ ok: true, code: p.barcode, text: p.areaRisk === 'high' ? t('testing.pool.openedHigh', { max: p.maxSize }) : t('testing.pool.opened', { max: p.maxSize }) });
      buzz(true);
      refresh();
    },
    onError: (err, code) => fail(err, code ?? ''),
  });
  const add = useMutation({
    mutationFn: (barcode: string) => api<PoolWithMembers>(`/testing/pools/${poolId}/members`, { method: 'POST', body: { barcode } }),
    onSuccess: (p, code) => {
      qc.setQueryData(['testing', 'pool', p.id], p);
      const m = p.members.find((x) => x.barcode === code);
      setLast({ ok: true, code, text: t('testing.pool.added', { name: m?.subjectName ?? '—', n: p.members.length, max: p.maxSize }) });
      buzz(true);
      refresh();
    },
    onError: fail,
  });
  const seal = useMutation({
    mutationFn: () => api<PoolWithMembers>(`/testing/pools/${poolId}/seal`, { method: 'POST' }),
    onSuccess: (p) => {
      qc.setQueryData(['testing', 'pool', p.id], p);
      setLast({ ok: true, code: p.barcode, text: t('testing.pool.sealed', { n: p.members.length }) });
      setPoolId(null);
      refresh();
    },
    onError: (err) => fail(err, pool.data?.barcode ?? ''),
  });
  const remove = useMutation({
    mutationFn: (s: { id: number; barcode: string }) => api<PoolWithMembers>(`/testing/pools/${poolId}/members/${s.id}`, { method: 'DELETE' }),
    onSuccess: (p, s) => {
      qc.setQueryData(['testing', 'pool', p.id], p);
      setLast({ ok: true, code: s.barcode, text: t('testing.pool.removed') });
      refresh();
    },
    onError: (err, s) => fail(err, s.barcode),
  });

  const p = poolId != null ? pool.data : null;
  const full = p ? p.members.length >= p.maxSize : false;
  return (
    <Stack gap="sm">
      {poolId == null ? (
        <Card withBorder padding="sm">
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
              <Select
                label={t('testing.collect.lab')}
                data={(labs.data ?? []).filter((l) => l.active).map((l) => ({ value: String(l.id), label: l.name }))}
                value={labId}
                onChange={setLabId}
                allowDeselect={false}
                required
                size="md"
                name="poolLab"
              />
              <Select
                label={t('testing.pool.method')}
                data={(['collection', 'lab'] as const).map((m) => ({ value: m, label: t(`testing.pool.methods.${m}`) }))}
                value={method}
                onChange={(v) => v && setMethod(v as 'collection' | 'lab')}
                allowDeselect={false}
                size="md"
              />
            </SimpleGrid>
            <BarcodeInput
              label={t('testing.pool.poolBarcode')}
              description={t('testing.pool.poolBarcodeHint')}
              placeholder={t('testing.collect.scanPlaceholder')}
              onScan={(c) => {
                if (!labId) return fail(new ApiError(400, 'validation', '', [{ field: 'labId', code: 'required' }]), c);
                open.mutate(c);
              }}
              busy={open.isPending}
              feedback={<ScanFeedback last={last} />}
              disabled={e.status !== 'open'}
              name="poolBarcode"
            />
            <Button variant="subtle" size="sm" w="fit-content" onClick={() => open.mutate(null)} disabled={!labId || e.status !== 'open'} loading={open.isPending}>
              {t('testing.pool.newBarcode')}
            </Button>
          </Stack>
        </Card>
      ) : !p ? (
        <PageLoader />
      ) : (
        <Card withBorder padding="sm" data-testid="pool-composer">
          <Stack gap="sm">
            <Group justify="space-between" wrap="nowrap">
              <div>
                <Text size="xs" c="dimmed">
                  {t('testing.pool.current')} · {t(`testing.pool.methods.${p.method}`)}
                </Text>
                <Text fw={700} size="lg" className="tabular" data-testid="pool-barcode">
                  {p.barcode}
                </Text>
                {p.areaRisk === 'high' && (
                  <Badge color="orange" variant="light">
                    {t('testing.pool.highRisk')}
                  </Badge>
                )}
              </div>
              <Text fw={700} size="xl" className="tabular" c={full ? 'orange.8' : undefined} data-testid="pool-count" style={{ whiteSpace: 'nowrap' }}>
                {p.members.length} / {p.maxSize}
              </Text>
            </Group>
            <Progress value={(100 * p.members.length) / p.maxSize} color={full ? 'orange' : 'grape'} size="lg" aria-label={t('testing.pool.fill')} />
            <BarcodeInput
              label={t('testing.pool.memberBarcode')}
              placeholder={t('testing.collect.scanPlaceholder')}
              onScan={(c) => add.mutate(c)}
              busy={add.isPending}
              feedback={<ScanFeedback last={last} />}
              disabled={p.status !== 'open'}
              name="memberBarcode"
              autoFocus
            />
            {p.members.length > 0 && (
              <Stack gap={4} data-testid="pool-members">
                {p.members.map((m, i) => (
                  <Group key={m.id} justify="space-between" wrap="nowrap" gap="xs">
                    <Text size="sm" className="tabular" truncate>
                      {i + 1}. <b>{m.barcode}</b> · {m.subjectName}
                    </Text>
                    {p.status === 'open' && (
                      <ActionIcon variant="subtle" color="red" onClick={() => remove.mutate({ id: m.id, barcode: m.barcode })} aria-label={t('testing.pool.remove', { code: m.barcode })}>
                        <IconX size={16} />
                      </ActionIcon>
                    )}
                  </Group>
                ))}
              </Stack>
            )}
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
              <Button color="grape" size="md" onClick={() => seal.mutate()} loading={seal.isPending} disabled={!p.members.length || p.status !== 'open'}>
                {t('testing.pool.seal')}
              </Button>
              <Button variant="default" size="md" onClick={() => (setPoolId(null), setLast(null))}>
                {t('testing.pool.another')}
              </Button>
            </SimpleGrid>
            <Button component="a" href={`/api/testing/pools/${p.id}/label.pdf`} target="_blank" rel="noopener" variant="subtle" size="xs" leftSection={<IconPrinter size={14} />} w="fit-content">
              {t('testing.pool.label')}
            </Button>
          </Stack>
        </Card>
      )}
      {detail.pools.length > 0 && (
        <Stack gap={6} data-testid="pools">
          <Text size="sm" fw={600}>
            {t('testing.pool.list', { count: detail.pools.length })}
          </Text>
          {detail.pools.map((x) => (
            <UnstyledButton key={x.id} p={6} style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }} onClick={() => (setPoolId(x.id), setLast(null))} data-testid="pool-row">
              <Group justify="space-between" wrap="nowrap">
                <Text size="sm" className="tabular">
                  <b>{x.barcode}</b> · {x.members} / {x.maxSize}
                </Text>
                <Badge variant="light" color={x.outcome ? resultColor[x.outcome] : x.status === 'open' ? 'blue' : 'gray'}>
                  {x.outcome ? t(`testing.result.${x.outcome}`) : t(`testing.pool.status.${x.status}`)}
                </Badge>
              </Group>
            </UnstyledButton>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function LabelsTab({ detail }: { detail: EventDetail }) {
  const { t } = useTranslation();
  const [count, setCount] = useState<number | string>(50);
  const [kind, setKind] = useState<'specimen' | 'pool'>('specimen');
  const reserve = useMutation({ mutationFn: () => api<{ kind: string; barcodes: string[] }>('/testing/barcodes', { method: 'POST', body: { kind, count: Number(count) } }) });
  const n = Number(count) || 0;
  const codes = reserve.data?.barcodes ?? [];
  const registered = detail.specimens.length + detail.pools.length;
  return (
    <Stack gap="sm">
      <Card withBorder padding="sm">
        <Stack gap="xs">
          <Text fw={600}>{t('testing.labels.registeredTitle')}</Text>
          <Text size="sm" c="dimmed">
            {t('testing.labels.registeredHint')}
          </Text>
          <Button component="a" href={`/api/testing/events/${detail.event.id}/labels.pdf`} target="_blank" rel="noopener" leftSection={<IconPrinter size={18} />} size="md" disabled={!registered} data-testid="labels-pdf" w="fit-content">
            {t('testing.labels.registered', { count: registered })}
          </Button>
        </Stack>
      </Card>
      <Card withBorder padding="sm">
        <Stack gap="xs">
          <Text fw={600}>{t('testing.labels.newTitle')}</Text>
          <Text size="sm" c="dimmed">
            {t('testing.labels.intro')}
          </Text>
          <Group align="flex-end" gap="sm">
            <SegmentedControl
              value={kind}
              onChange={(v) => (setKind(v as 'specimen' | 'pool'), reserve.reset())}
              data={[
                { value: 'specimen', label: t('testing.labels.tubes') },
                { value: 'pool', label: t('testing.labels.pools') },
              ]}
            />
            <NumberInput label={t('testing.labels.count')} value={count} onChange={(v) => (setCount(v), reserve.reset())} min={1} max={500} allowDecimal={false} w={140} name="labelCount" />
            <Button onClick={() => reserve.mutate()} loading={reserve.isPending} disabled={n < 1 || n > 500}>
              {t('testing.labels.reserve')}
            </Button>
          </Group>
          {reserve.error && <ErrorAlert error={reserve.error} />}
          {codes.length > 0 && (
            <Alert color="green" variant="light">
              <Text size="sm" mb={6}>
                {t('testing.labels.reserved', { count: codes.length, first: codes[0], last: codes[codes.length - 1] })}
              </Text>
              <Button component="a" href={`/api/testing/labels.pdf?barcodes=${encodeURIComponent(codes.join(','))}`} target="_blank" rel="noopener" leftSection={<IconPrinter size={18} />} data-testid="new-labels-pdf">
                {t('testing.labels.open')}
              </Button>
            </Alert>
          )}
        </Stack>
      </Card>
    </Stack>
  );
}
