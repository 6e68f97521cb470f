// "Lấy mẫu": the sampling team's page on a phone. Pick (or open) today's collection event, then
// register tubes by scanning their barcodes, compose pools by scanning member tubes, print labels.
import { useState, type FormEvent } from 'react';
import { Badge, Button, Card, Collapse, Group, Select, SimpleGrid, Stack, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCan, useMe } from '../auth/auth.tsx';
import { DateField } from '../common/DateField.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { formatDate, formatNumber, todayInVietnam } from '../lib/format.ts';
import { useUrlParams } from '../lib/urlParams.ts';
import { UnitSelect } from '../units/UnitSelect.tsx';
import { useEvents, usePlans, type CollectionEvent } from './api.ts';
import { EventWorkspace } from './EventWorkspace.tsx';
import { PoolAdvisor } from './PoolAdvisor.tsx';
import { noFieldFor, testingFieldErrors } from './shared.ts';

export default function CollectPage() {
  const { t } = useTranslation();
  const [params, update] = useUrlParams();
  const eventId = params.get('event') ? Number(params.get('event')) : null;
  const date = params.get('date') ?? todayInVietnam();
  const canCollect = useCan('testing.collect');
  const [creating, setCreating] = useState(false);
  const events = useEvents(date);
  const set = (k: string, v: string | null) =>
    update((next) => {
      if (v) next.set(k, v);
      else next.delete(k);
    });

  if (eventId != null) return <EventWorkspace id={eventId} onBack={() => set('event', null)} />;

  return (
    <Stack gap="md" maw={900}>
      <div>
        <Title order={1} size="h2">
          {t('testing.collect.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('testing.collect.intro')}
        </Text>
      </div>
      <Group align="flex-end" gap="sm">
        <DateField label={t('testing.collect.date')} value={date} onChange={(d) => d && set('date', d)} w={170} name="eventsDate" />
        {canCollect && !creating && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} size="md">
            {t('testing.collect.newEvent')}
          </Button>
        )}
      </Group>
      {canCollect && (
        <Collapse expanded={creating}>
          <Card withBorder>
            <Title order={2} size="h5" mb="xs">
              {t('testing.collect.newEvent')}
            </Title>
            <EventForm date={date} onDone={(id) => (setCreating(false), id != null && set('event', String(id)))} />
          </Card>
        </Collapse>
      )}
      {events.isPending ? (
        <PageLoader />
      ) : events.error ? (
        <ErrorAlert error={events.error} onRetry={() => void events.refetch()} />
      ) : events.data.length === 0 ? (
        <Text c="dimmed" data-testid="events-empty">
          {t('testing.collect.noEvents', { date: formatDate(date) })}
        </Text>
      ) : (
        <Stack gap="xs" data-testid="events">
          {events.data.map((e) => (
            <EventCard key={e.id} e={e} onOpen={() => set('event', String(e.id))} />
          ))}
        </Stack>
      )}
      <PoolAdvisor />
    </Stack>
  );
}

function EventCard({ e, onOpen }: { e: CollectionEvent; onOpen(): void }) {
  const { t } = useTranslation();
  return (
    <UnstyledButton onClick={onOpen} data-testid="event" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }} p="sm">
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <div style={{ minWidth: 0 }}>
          <Text fw={600}>{e.site}</Text>
          <Text size="sm" c="dimmed">
            {[e.team, e.unitName, formatDate(e.eventDate)].filter(Boolean).join(' · ')}
          </Text>
        </div>
        <Stack gap={4} align="flex-end">
          <Badge variant="light">{t('testing.collect.specimenCount', { count: e.specimenCount })}</Badge>
          <Badge variant="light" color="grape">
            {t('testing.collect.poolCount', { count: e.poolCount })}
          </Badge>
        </Stack>
      </Group>
    </UnstyledButton>
  );
}

const FIELDS = ['eventDate', 'site', 'team', 'unitCode', 'planId'];

function EventForm({ date, onDone }: { date: string; onDone(id: number | null): void }) {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const plans = usePlans();
  const [f, setF] = useState({ eventDate: date as string | null, site: '', team: '', unitCode: me.unitCode as string | null, planId: null as string | null });
  const [local, setLocal] = useState<Record<string, string>>({});
  const m = useMutation({
    mutationFn: () => api<CollectionEvent>('/testing/events', { method: 'POST', body: { eventDate: f.eventDate, site: f.site.trim(), team: f.team.trim(), unitCode: f.unitCode, planId: f.planId ? Number(f.planId) : null } }),
    onSuccess: (e) => {
      notifications.show({ color: 'green', message: t('testing.collect.eventCreated', { site: e.site }) });
      void qc.invalidateQueries({ queryKey: ['testing', 'events'] });
      onDone(e.id);
    },
  });
  const errs = { ...testingFieldErrors(m.error, t), ...local };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const l: Record<string, string> = {};
    if (!f.eventDate) l.eventDate = t('fieldErrors.invalid_date');
    if (!f.site.trim()) l.site = t('fieldErrors.required');
    if (!f.team.trim()) l.team = t('fieldErrors.required');
    if (!f.unitCode) l.unitCode = t('fieldErrors.required');
    setLocal(l);
    if (!Object.keys(l).length) m.mutate();
  };
  const planOptions = (plans.data ?? []).map((p) => ({ value: String(p.id), label: `${formatDate(p.planDate)} · ${p.unitName} · ${formatNumber(p.totalSample)}` }));
  return (
    <form onSubmit={submit} noValidate data-testid="event-form">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <DateField label={t('testing.collect.date')} value={f.eventDate} onChange={(v) => setF({ ...f, eventDate: v })} error={errs.eventDate} required name="eventDate" />
          <UnitSelect label={t('testing.collect.unit')} levels={['district', 'commune', 'village']} value={f.unitCode} valueLabel={f.unitCode === me.unitCode ? me.unitName : undefined} onChange={(c) => setF({ ...f, unitCode: c })} error={errs.unitCode} required />
          <TextInput label={t('testing.collect.site')} placeholder={t('testing.plans.sitePlaceholder')} value={f.site} onChange={(e) => setF({ ...f, site: e.currentTarget.value })} error={errs.site} required name="site" />
          <TextInput label={t('testing.collect.team')} placeholder={t('testing.collect.teamPlaceholder')} value={f.team} onChange={(e) => setF({ ...f, team: e.currentTarget.value })} error={errs.team} required name="team" />
        </SimpleGrid>
        <Select label={t('testing.collect.plan')} description={t('testing.collect.planHint')} data={planOptions} value={f.planId} onChange={(v) => setF({ ...f, planId: v })} clearable error={errs.planId} />
        {noFieldFor(m.error, FIELDS) && <ErrorAlert error={m.error} />}
        <Group>
          <Button type="submit" loading={m.isPending} size="md">
            {t('testing.collect.createEvent')}
          </Button>
          <Button variant="subtle" onClick={() => onDone(null)}>
            {t('app.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
