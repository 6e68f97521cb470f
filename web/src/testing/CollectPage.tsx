// "Lấy mẫu, gộp mẫu": the sampling team's page on a phone. Pick (or open) the day's collection
// session, then register tubes by scanning their barcodes, compose pools by scanning member
// tubes, print labels. The pool-size advisor sits below the list of sessions.
import { useState, type FormEvent } from 'react';
import { Badge, Button, Card, Collapse, Group, Select, SimpleGrid, Stack, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCan, useMe } from '../auth/auth.tsx';
import { DateField } from '../common/DateField.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { formatDate, formatNumber, todayInVietnam } from '../lib/format.ts';
import { useUrlParams } from '../lib/urlParams.ts';
import { UnitSelect } from '../units/UnitSelect.tsx';
import { useLabs, usePlan, usePlans, type CollectionEvent, type SpecimenKind } from './api.ts';
import { EventWorkspace } from './EventWorkspace.tsx';
import { PoolAdvisor } from './PoolAdvisor.tsx';
import { TESTING_PERMISSIONS } from './nav.ts';
import { noFieldFor, testingFieldErrors } from './shared.ts';

export default function CollectPage() {
  const { t } = useTranslation();
  const [params, update] = useUrlParams();
  const eventId = params.get('event') ? Number(params.get('event')) : null;
  const date = params.get('date') ?? todayInVietnam();
  const canCollect = useCan(TESTING_PERMISSIONS.collect);
  const [creating, setCreating] = useState(params.get('new') === '1');
  const events = useQuery({
    queryKey: ['testing', 'events', date],
    queryFn: ({ signal }) => api<CollectionEvent[]>('/testing/events', { query: { from: date, to: date }, signal }),
  });
  const set = (k: string, v: string | null) =>
    update((next) => {
      if (v) next.set(k, v);
      else next.delete(k);
      next.delete('new');
      next.delete('plan');
      next.delete('site');
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
            {creating && <EventForm date={date} planId={params.get('plan')} siteId={params.get('site')} onDone={(id) => (setCreating(false), id != null && set('event', String(id)))} />}
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
          <Text fw={600}>{e.siteName}</Text>
          <Text size="sm" c="dimmed">
            {[e.team, e.unitName, e.labName, formatDate(e.eventDate)].filter(Boolean).join(' · ')}
          </Text>
        </div>
        <Stack gap={4} align="flex-end">
          <Badge variant="light">{t('testing.collect.specimenCount', { count: e.specimens })}</Badge>
          <Badge variant="light" color="grape">
            {t('testing.collect.poolCount', { count: e.pools })}
          </Badge>
          {e.status === 'closed' && (
            <Badge variant="light" color="gray">
              {t('testing.collect.closed')}
            </Badge>
          )}
        </Stack>
      </Group>
    </UnstyledButton>
  );
}

const FIELDS = ['eventDate', 'siteName', 'team', 'unitCode', 'planId', 'siteId', 'labId', 'defaultKind'];

function EventForm({ date, planId: initialPlan, siteId: initialSite, onDone }: { date: string; planId: string | null; siteId: string | null; onDone(id: number | null): void }) {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const plans = usePlans();
  const labs = useLabs();
  const [f, setF] = useState({
    eventDate: date as string | null,
    siteName: '',
    team: '',
    unitCode: me.unitCode as string | null,
    planId: initialPlan,
    siteId: initialSite,
    labId: null as string | null,
    defaultKind: 'pool_member' as SpecimenKind,
  });
  const plan = usePlan(f.planId ? Number(f.planId) : null);
  // A site chosen from the plan page: its name and unit fill the form once the plan is loaded.
  const initial = plan.data?.sites.find((s) => String(s.id) === initialSite);
  const [filled, setFilled] = useState(false);
  if (initial && !filled) {
    setFilled(true);
    setF((x) => ({ ...x, siteName: x.siteName || initial.name, unitCode: initial.unitCode }));
  }
  const [local, setLocal] = useState<Record<string, string>>({});
  const m = useMutation({
    mutationFn: () =>
      api<CollectionEvent>('/testing/events', {
        method: 'POST',
        body: {
          eventDate: f.eventDate,
          siteName: f.siteName.trim(),
          team: f.team.trim() || null,
          unitCode: f.unitCode,
          planId: f.planId ? Number(f.planId) : null,
          siteId: f.siteId ? Number(f.siteId) : null,
          labId: f.labId ? Number(f.labId) : null,
          defaultKind: f.defaultKind,
        },
      }),
    onSuccess: (e) => {
      notifications.show({ color: 'green', message: t('testing.collect.eventCreated', { site: e.siteName }) });
      void qc.invalidateQueries({ queryKey: ['testing', 'events'] });
      onDone(e.id);
    },
  });
  const errs = { ...testingFieldErrors(m.error, t), ...local };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const l: Record<string, string> = {};
    if (!f.eventDate) l.eventDate = t('fieldErrors.invalid_date');
    if (f.siteName.trim().length < 2) l.siteName = t('fieldErrors.required');
    if (!f.unitCode) l.unitCode = t('fieldErrors.required');
    setLocal(l);
    if (!Object.keys(l).length) m.mutate();
  };
  const drawnPlans = (plans.data ?? []).filter((p) => p.status === 'drawn');
  const sites = plan.data?.sites ?? [];
  return (
    <form onSubmit={submit} noValidate data-testid="event-form">
      <Stack gap="sm">
        <Select
          label={t('testing.collect.plan')}
          description={t('testing.collect.planHint')}
          data={drawnPlans.map((p) => ({ value: String(p.id), label: `${formatDate(p.planDate)} · ${p.name} · ${formatNumber(p.people)}` }))}
          value={f.planId}
          onChange={(v) => setF({ ...f, planId: v, siteId: null })}
          clearable
          error={errs.planId}
          name="planId"
        />
        {f.planId && sites.length > 0 && (
          <Select
            label={t('testing.collect.planSite')}
            data={sites.map((s) => ({ value: String(s.id), label: `${s.name} · ${t('testing.plans.people', { count: s.people })}` }))}
            value={f.siteId}
            onChange={(v) => {
              const s = sites.find((x) => String(x.id) === v);
              setF({ ...f, siteId: v, siteName: s && !f.siteName ? s.name : f.siteName, unitCode: s ? s.unitCode : f.unitCode });
            }}
            clearable
            error={errs.siteId}
            name="siteId"
          />
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput label={t('testing.collect.site')} placeholder={t('testing.plans.sitePlaceholder')} value={f.siteName} onChange={(e) => setF({ ...f, siteName: e.currentTarget.value })} error={errs.siteName} required name="siteName" maxLength={200} />
          <UnitSelect label={t('testing.collect.unit')} levels={['district', 'commune', 'village']} value={f.unitCode} valueLabel={f.unitCode === me.unitCode ? me.unitName : undefined} onChange={(c) => setF({ ...f, unitCode: c })} error={errs.unitCode} required />
          <DateField label={t('testing.collect.date')} value={f.eventDate} onChange={(v) => setF({ ...f, eventDate: v })} error={errs.eventDate} required name="eventDate" />
          <TextInput label={t('testing.collect.team')} placeholder={t('testing.collect.teamPlaceholder')} value={f.team} onChange={(e) => setF({ ...f, team: e.currentTarget.value })} error={errs.team} name="team" maxLength={200} />
          <Select
            label={t('testing.collect.lab')}
            description={t('testing.collect.labHint')}
            data={(labs.data ?? []).filter((l) => l.active).map((l) => ({ value: String(l.id), label: l.name }))}
            value={f.labId}
            onChange={(v) => setF({ ...f, labId: v })}
            clearable
            error={errs.labId}
            name="labId"
          />
          <Select
            label={t('testing.collect.defaultKind')}
            data={(['pool_member', 'single'] as const).map((k) => ({ value: k, label: t(`testing.collect.kindShort.${k}`) }))}
            value={f.defaultKind}
            onChange={(v) => v && setF({ ...f, defaultKind: v as SpecimenKind })}
            allowDeselect={false}
            error={errs.defaultKind}
          />
        </SimpleGrid>
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
