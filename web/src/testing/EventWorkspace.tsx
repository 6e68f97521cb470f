// One collection event on the sampling team's phone: register tubes (person + barcode), compose
// pools by scanning, print labels. Every scan answers at once, in words, with a colour and a buzz.
import { useRef, useState } from 'react';
import { ActionIcon, Alert, Badge, Button, Card, Group, NumberInput, Progress, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconCheck, IconPrinter, IconX } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { formatDate, formatDateTime } from '../lib/format.ts';
import { PersonPicker } from '../people/PersonPicker.tsx';
import type { Person } from '../lib/types.ts';
import { BarcodeInput, type BarcodeInputHandle } from './BarcodeInput.tsx';
import { useEvent, type EventDetail, type Pool, type Specimen } from './api.ts';
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
      <Text fw={700} size="md" className="tabular">
        {last.code}
      </Text>
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
            {event.site}
          </Title>
          <Text size="sm" c="dimmed">
            {[event.team, event.unitName, formatDate(event.eventDate)].filter(Boolean).join(' · ')}
          </Text>
        </div>
      </Group>
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
  const [person, setPerson] = useState<Person | null>(null);
  const [kind, setKind] = useState<'pooled' | 'single'>('pooled');
  const [last, setLast] = useState<ScanOutcome | null>(null);
  const scanner = useRef<BarcodeInputHandle>(null);
  const m = useMutation({
    mutationFn: (barcode: string) => api<Specimen>(`/testing/events/${detail.event.id}/specimens`, { method: 'POST', body: { barcode, personId: person?.id ?? null, kind } }),
    onSuccess: (s) => {
      setLast({ ok: true, code: s.barcode, text: t('testing.collect.registered', { name: s.fullName ?? '—' }) });
      buzz(true);
      setPerson(null);
      void qc.invalidateQueries({ queryKey: ['testing', 'event', detail.event.id] });
    },
    onError: (e, barcode) => {
      setLast({ ok: false, code: barcode, text: errorMessage(e, t) });
      buzz(false);
    },
  });
  return (
    <Stack gap="sm">
      <Card withBorder padding="sm">
        <Stack gap="sm">
          <SegmentedControl
            value={kind}
            onChange={(v) => setKind(v as 'pooled' | 'single')}
            data={[
              { value: 'pooled', label: t('testing.collect.kindPooled') },
              { value: 'single', label: t('testing.collect.kindSingle') },
            ]}
            aria-label={t('testing.collect.kind')}
          />
          <PersonPicker
            label={t('testing.collect.person')}
            value={person?.id ?? null}
            initial={person}
            onChange={(_, p) => {
              setPerson(p);
              if (p) setTimeout(() => scanner.current?.focus(), 0);
            }}
            size="md"
            key={person?.id ?? 'none'}
          />
          <BarcodeInput
            ref={scanner}
            label={t('testing.collect.tubeBarcode')}
            description={person ? t('testing.collect.scanFor', { name: person.fullName }) : t('testing.collect.scanHint')}
            placeholder={t('testing.collect.scanPlaceholder')}
            onScan={(c) => m.mutate(c)}
            busy={m.isPending}
            feedback={<ScanFeedback last={last} />}
            name="tubeBarcode"
          />
        </Stack>
      </Card>
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
      {specimens.slice(0, 200).map((s) => (
        <Group key={s.id} justify="space-between" wrap="nowrap" gap="xs" p={6} style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }} data-testid="specimen">
          <div style={{ minWidth: 0 }}>
            <Text fw={600} className="tabular" size="sm">
              {s.barcode}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {s.fullName ?? '—'} · {formatDateTime(s.collectedAt).slice(11, 16)}
            </Text>
          </div>
          <Group gap={4} wrap="nowrap">
            {s.poolBarcode && (
              <Badge variant="light" color="grape">
                {s.poolBarcode}
              </Badge>
            )}
            <Badge variant="light" color={s.result ? resultColor[s.result] : 'gray'}>
              {s.result ? t(`testing.result.${s.result}`) : t(`testing.collect.kindShort.${s.kind}`)}
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
  const [poolId, setPoolId] = useState<number | null>(detail.pools.find((p) => p.status === 'open')?.id ?? null);
  const [last, setLast] = useState<ScanOutcome | null>(null);
  const pool = detail.pools.find((p) => p.id === poolId) ?? null;
  const refresh = () => qc.invalidateQueries({ queryKey: ['testing', 'event', detail.event.id] });

  const open = useMutation({
    mutationFn: (barcode: string) => api<Pool>(`/testing/events/${detail.event.id}/pools`, { method: 'POST', body: { barcode } }),
    onSuccess: (p) => {
      setPoolId(p.id);
      setLast({ ok: true, code: p.barcode, text: t('testing.pool.opened', { max: p.maxSize }) });
      buzz(true);
      void refresh();
    },
    onError: (e, code) => {
      setLast({ ok: false, code, text: errorMessage(e, t) });
      buzz(false);
    },
  });
  const add = useMutation({
    mutationFn: (barcode: string) => api<Pool>(`/testing/pools/${poolId}/members`, { method: 'POST', body: { barcode } }),
    onSuccess: (p, code) => {
      const m = p.members.find((x) => x.barcode === code);
      setLast({ ok: true, code, text: t('testing.pool.added', { name: m?.fullName ?? '—', n: p.members.length, max: p.maxSize }) });
      buzz(true);
      void refresh();
    },
    onError: (e, code) => {
      setLast({ ok: false, code, text: errorMessage(e, t) });
      buzz(false);
    },
  });
  const close = useMutation({
    mutationFn: () => api<Pool>(`/testing/pools/${poolId}/close`, { method: 'POST' }),
    onSuccess: (p) => {
      setLast({ ok: true, code: p.barcode, text: t('testing.pool.closed', { n: p.members.length }) });
      setPoolId(null);
      void refresh();
    },
    onError: (e) => setLast({ ok: false, code: pool?.barcode ?? '', text: errorMessage(e, t) }),
  });
  const remove = useMutation({
    mutationFn: (barcode: string) => api<Pool>(`/testing/pools/${poolId}/members/${encodeURIComponent(barcode)}`, { method: 'DELETE' }),
    onSuccess: () => void refresh(),
    onError: (e, code) => setLast({ ok: false, code, text: errorMessage(e, t) }),
  });

  const full = pool ? pool.members.length >= pool.maxSize : false;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('testing.pool.maxHint', { max: detail.event.maxPoolSize })}
      </Text>
      {!pool ? (
        <Card withBorder padding="sm">
          <BarcodeInput
            label={t('testing.pool.poolBarcode')}
            description={t('testing.pool.poolBarcodeHint')}
            placeholder={t('testing.collect.scanPlaceholder')}
            onScan={(c) => open.mutate(c)}
            busy={open.isPending}
            feedback={<ScanFeedback last={last} />}
            name="poolBarcode"
            autoFocus
          />
        </Card>
      ) : (
        <Card withBorder padding="sm" data-testid="pool-composer">
          <Stack gap="sm">
            <Group justify="space-between" wrap="nowrap">
              <div>
                <Text size="xs" c="dimmed">
                  {t('testing.pool.current')}
                </Text>
                <Text fw={700} size="lg" className="tabular" data-testid="pool-barcode">
                  {pool.barcode}
                </Text>
              </div>
              <Text fw={700} size="xl" className="tabular" c={full ? 'orange.8' : undefined} data-testid="pool-count">
                {pool.members.length} / {pool.maxSize}
              </Text>
            </Group>
            <Progress value={(100 * pool.members.length) / pool.maxSize} color={full ? 'orange' : 'grape'} size="lg" aria-label={t('testing.pool.fill')} />
            <BarcodeInput
              label={t('testing.pool.memberBarcode')}
              placeholder={t('testing.collect.scanPlaceholder')}
              onScan={(c) => add.mutate(c)}
              busy={add.isPending}
              feedback={<ScanFeedback last={last} />}
              disabled={pool.status !== 'open'}
              name="memberBarcode"
              autoFocus
            />
            {pool.members.length > 0 && (
              <Stack gap={4} data-testid="pool-members">
                {pool.members.map((m, i) => (
                  <Group key={m.barcode} justify="space-between" wrap="nowrap" gap="xs">
                    <Text size="sm" className="tabular" truncate>
                      {i + 1}. <b>{m.barcode}</b> · {m.fullName ?? '—'}
                    </Text>
                    {pool.status === 'open' && (
                      <ActionIcon variant="subtle" color="red" onClick={() => remove.mutate(m.barcode)} aria-label={t('testing.pool.remove', { code: m.barcode })}>
                        <IconX size={16} />
                      </ActionIcon>
                    )}
                  </Group>
                ))}
              </Stack>
            )}
            <Group grow>
              <Button variant="default" size="md" onClick={() => (setPoolId(null), setLast(null))}>
                {t('testing.pool.another')}
              </Button>
              <Button color="grape" size="md" onClick={() => close.mutate()} loading={close.isPending} disabled={!pool.members.length || pool.status !== 'open'}>
                {t('testing.pool.close')}
              </Button>
            </Group>
          </Stack>
        </Card>
      )}
      {detail.pools.length > 0 && (
        <Stack gap={6} data-testid="pools">
          <Text size="sm" fw={600}>
            {t('testing.pool.list', { count: detail.pools.length })}
          </Text>
          {detail.pools.map((p) => (
            <Group key={p.id} justify="space-between" wrap="nowrap" p={6} style={{ borderBottom: '1px solid var(--mantine-color-gray-2)', cursor: 'pointer' }} onClick={() => setPoolId(p.id)} data-testid="pool-row">
              <Text size="sm" className="tabular">
                <b>{p.barcode}</b> · {p.members.length} / {p.maxSize}
              </Text>
              <Badge variant="light" color={p.result ? resultColor[p.result] : p.status === 'open' ? 'blue' : 'gray'}>
                {p.result ? t(`testing.result.${p.result}`) : t(`testing.pool.status.${p.status}`)}
              </Badge>
            </Group>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function LabelsTab({ detail }: { detail: EventDetail }) {
  const { t } = useTranslation();
  const [count, setCount] = useState<number | string>(50);
  const [what, setWhat] = useState<'new' | 'registered'>('new');
  const n = Number(count) || 0;
  const href = what === 'new' ? `/api/testing/events/${detail.event.id}/labels.pdf?count=${n}` : `/api/testing/events/${detail.event.id}/labels.pdf?registered=true`;
  return (
    <Card withBorder padding="sm">
      <Stack gap="sm">
        <Text size="sm">{t('testing.labels.intro')}</Text>
        <SegmentedControl
          value={what}
          onChange={(v) => setWhat(v as 'new' | 'registered')}
          data={[
            { value: 'new', label: t('testing.labels.new') },
            { value: 'registered', label: t('testing.labels.registered', { count: detail.specimens.length }) },
          ]}
        />
        {what === 'new' && <NumberInput label={t('testing.labels.count')} value={count} onChange={setCount} min={1} max={1000} allowDecimal={false} w={180} size="md" name="labelCount" />}
        <Button component="a" href={href} target="_blank" rel="noopener" leftSection={<IconPrinter size={18} />} size="md" disabled={what === 'new' ? n < 1 || n > 1000 : !detail.specimens.length} data-testid="labels-pdf">
          {t('testing.labels.open')}
        </Button>
      </Stack>
    </Card>
  );
}
