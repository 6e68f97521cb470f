// "Tiêm tại nhà": requests for people who cannot travel — made by the commune or its community
// team, scheduled to a mobile team on a date (the team gets a task), done when the team records
// the dose at the door, or cancelled with a reason.
import { useState } from 'react';
import { Alert, Badge, Button, Card, Group, Modal, SegmentedControl, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCan } from '../auth/auth.tsx';
import { DateField } from '../common/DateField.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api, ApiError } from '../lib/api.ts';
import { formatDate, todayInVietnam } from '../lib/format.ts';
import { PersonPicker } from '../people/PersonPicker.tsx';
import { useHomeRequests, useLots, type HomeRequest } from './coverageApi.ts';

const STATUS_COLOR: Record<string, string> = { requested: 'yellow', scheduled: 'blue', done: 'green', cancelled: 'gray' };

type Action = { kind: 'schedule' | 'dose' | 'cancel'; request: HomeRequest } | { kind: 'new' };

function errorText(e: unknown, t: (k: string, o?: Record<string, unknown>) => string) {
  const f = e instanceof ApiError ? e.fields?.[0] : undefined;
  return f ? t(`vaccCoverage.errors.${f.code}`, { defaultValue: t(`fieldErrors.${f.code}`, { defaultValue: f.message ?? (e as Error).message }) }) : e instanceof Error ? e.message : String(e);
}

export default function HomeVaccinationPage() {
  const { t } = useTranslation();
  const canVisit = useCan('vaccination.visit');
  const canRecord = useCan('vaccination.record');
  const qc = useQueryClient();
  const [status, setStatus] = useState('open');
  const list = useHomeRequests(status);
  const lots = useLots(canRecord);
  const [action, setAction] = useState<Action | null>(null);
  const [personId, setPersonId] = useState<number | null>(null);
  const [text, setText] = useState('');
  const [day, setDay] = useState<string | null>(todayInVietnam());
  const [lotId, setLotId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const openAction = (a: Action) => {
    setAction(a);
    setError(null);
    setText(a.kind === 'schedule' ? (a.request.team ?? '') : '');
    setDay(a.kind === 'schedule' ? (a.request.scheduledOn ?? todayInVietnam()) : todayInVietnam());
    setPersonId(null);
    setLotId(null);
  };

  const save = useMutation({
    mutationFn: async () => {
      if (!action) return;
      if (action.kind === 'new') return api('/vaccination/home', { method: 'POST', body: { personId, reason: text } });
      const id = action.request.id;
      if (action.kind === 'schedule') return api(`/vaccination/home/${id}/schedule`, { method: 'POST', body: { team: text, scheduledOn: day } });
      if (action.kind === 'cancel') return api(`/vaccination/home/${id}/cancel`, { method: 'POST', body: { reason: text } });
      return api(`/vaccination/home/${id}/dose`, { method: 'POST', body: { lotId: Number(lotId), givenOn: day, vaccinator: text || null } });
    },
    onSuccess: () => {
      notifications.show({ color: 'green', message: t(`vaccCoverage.home.saved.${action?.kind}`) });
      setAction(null);
      void qc.invalidateQueries({ queryKey: ['vaccination'] });
      void qc.invalidateQueries({ queryKey: ['tasks'] });
    },
    onError: (e) => setError(errorText(e, t)),
  });

  const ready =
    action?.kind === 'new' ? !!personId && !!text.trim() : action?.kind === 'schedule' ? !!text.trim() && !!day : action?.kind === 'cancel' ? !!text.trim() : action?.kind === 'dose' ? !!lotId && !!day : false;

  return (
    <Stack gap="sm" maw={820}>
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">{t('vaccCoverage.home.title')}</Title>
        {canVisit && <Button onClick={() => openAction({ kind: 'new' })}>{t('vaccCoverage.home.new')}</Button>}
      </Group>
      <Text size="sm" c="dimmed">
        {t('vaccCoverage.home.intro')}
      </Text>
      <SegmentedControl value={status} onChange={setStatus} data={['open', 'done', 'cancelled', 'all'].map((s) => ({ value: s, label: t(`vaccCoverage.home.filter.${s}`) }))} />
      {list.isPending && <PageLoader />}
      {list.error && <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
      {list.data?.length === 0 && <Alert color="gray">{t('vaccCoverage.home.none')}</Alert>}
      {list.data?.map((r) => (
        <Card withBorder padding="sm" key={r.id} data-testid="home-request">
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <div>
              <Text fw={600}>
                {r.fullName}
                {r.birthDate ? ` · ${r.birthDate.slice(0, 4)}` : ''}
              </Text>
              <Text size="sm" c="dimmed">
                {/* The registry's address often names the village and commune already. */}
                {[r.address, r.villageName, r.communeName].filter((x, i) => x && (i === 0 || !(r.address ?? '').includes(x))).join(', ')}
              </Text>
            </div>
            <Badge color={STATUS_COLOR[r.status]} style={{ flexShrink: 0 }}>
              {t(`vaccCoverage.home.status.${r.status}`)}
            </Badge>
          </Group>
          <Text size="sm" mt={4}>
            {t('vaccCoverage.home.reasonLine', { reason: r.reason, date: formatDate(r.requestedOn) })}
          </Text>
          {r.status === 'scheduled' && <Text size="sm">{t('vaccCoverage.home.scheduledLine', { team: r.team, date: formatDate(r.scheduledOn) })}</Text>}
          {r.status === 'done' && <Text size="sm">{t('vaccCoverage.home.doneLine', { date: formatDate(r.doseGivenOn), team: r.team ?? '' })}</Text>}
          {r.status === 'cancelled' && <Text size="sm">{t('vaccCoverage.home.cancelledLine', { reason: r.cancelReason })}</Text>}
          {r.phone && (
            <Text size="sm">
              <a href={`tel:${r.phone}`}>{r.phone}</a>
            </Text>
          )}
          {(r.status === 'requested' || r.status === 'scheduled') && (
            <Group gap="xs" mt="xs">
              {canRecord && (
                <Button size="xs" variant="light" onClick={() => openAction({ kind: 'schedule', request: r })}>
                  {r.status === 'scheduled' ? t('vaccCoverage.home.reschedule') : t('vaccCoverage.home.schedule')}
                </Button>
              )}
              {canRecord && (
                <Button size="xs" color="green" onClick={() => openAction({ kind: 'dose', request: r })}>
                  {t('vaccCoverage.home.recordDose')}
                </Button>
              )}
              {canVisit && (
                <Button size="xs" variant="subtle" color="gray" onClick={() => openAction({ kind: 'cancel', request: r })}>
                  {t('vaccCoverage.home.cancel')}
                </Button>
              )}
            </Group>
          )}
        </Card>
      ))}

      <Modal opened={!!action} onClose={() => setAction(null)} title={action ? t(`vaccCoverage.home.modal.${action.kind}`) : ''} centered>
        {action && (
          <Stack gap="sm">
            {action.kind !== 'new' && <Text fw={600}>{action.request.fullName}</Text>}
            {action.kind === 'new' && <PersonPicker label={t('vaccCoverage.home.person')} value={personId} onChange={(id) => setPersonId(id)} required />}
            {(action.kind === 'new' || action.kind === 'cancel') && (
              <Textarea label={action.kind === 'new' ? t('vaccCoverage.home.reason') : t('vaccCoverage.home.cancelReason')} value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={2} required />
            )}
            {action.kind === 'schedule' && <TextInput label={t('vaccCoverage.home.team')} value={text} onChange={(e) => setText(e.currentTarget.value)} required />}
            {(action.kind === 'schedule' || action.kind === 'dose') && (
              <DateField label={action.kind === 'schedule' ? t('vaccCoverage.home.date') : t('vaccCoverage.home.givenOn')} value={day} onChange={setDay} required />
            )}
            {action.kind === 'dose' && (
              <>
                <Select
                  label={t('vaccCoverage.sweep.lot')}
                  data={(lots.data ?? []).map((x) => ({ value: String(x.id), label: `${x.lotNumber} · ${t(`vaccCoverage.product.${x.productCode}`, { defaultValue: x.productCode })}` }))}
                  value={lotId}
                  onChange={setLotId}
                  searchable
                  required
                />
                <TextInput label={t('vaccCoverage.home.vaccinator')} value={text} onChange={(e) => setText(e.currentTarget.value)} />
              </>
            )}
            {error && <Alert color="red">{error}</Alert>}
            <Button loading={save.isPending} disabled={!ready} onClick={() => save.mutate()}>
              {t('vaccCoverage.sweep.save')}
            </Button>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
