// Extending a zone past its planned lift date, and lifting it (before that date only with a reason).
// Both send the version read: when someone else changed the zone meanwhile, the list is reloaded.
import { useEffect, useState, type FormEvent } from 'react';
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { api, ApiError } from '../lib/api.ts';
import { formatDate, parseDayFirstDate, todayInVietnam } from '../lib/format.ts';
import { DateField } from '../quarantine/DateField.tsx';
import { addDays } from '../quarantine/format.ts';
import { areaFieldErrors, hasNoFieldFor } from '../quarantine/shared.ts';
import type { Zone } from './types.ts';

/** 409 stale: tell the user and show what the other person saved. True when handled. */
function handledStale(e: unknown, t: TFunction, qc: QueryClient, close: () => void): boolean {
  if (!(e instanceof ApiError) || e.code !== 'stale') return false;
  notifications.show({ color: 'yellow', title: t('zones.stale.title'), message: t('zones.stale.message'), autoClose: 10_000 });
  close();
  void qc.invalidateQueries({ queryKey: ['zones'] });
  return true;
}

export function ExtendModal({ zone, onClose }: { zone: Zone | null; onClose(): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const phone = useMediaQuery('(max-width: 48em)');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const m = useMutation({
    mutationFn: (x: { zone: Zone; to: string }) => api<Zone>(`/zones/${x.zone.id}/extend`, { method: 'POST', body: { to: x.to, reason: reason.trim(), version: x.zone.version } }),
    onSuccess: (z) => {
      notifications.show({ color: 'green', message: t('zones.extend.done', { name: z.name, date: formatDate(z.plannedLiftDate) }) });
      close();
      void qc.invalidateQueries({ queryKey: ['zones'] });
    },
    onError: (e) => {
      if (handledStale(e, t, qc, close)) return;
      // The planned date moved under us (a new case, or another officer): show the current one.
      if (e instanceof ApiError && e.fields.some((f) => f.code === 'not_after_planned')) void qc.invalidateQueries({ queryKey: ['zones'] });
    },
  });
  useEffect(() => {
    if (zone) setTo(formatDate(addDays(zone.plannedLiftDate, 7)));
  }, [zone]);
  const close = () => {
    m.reset();
    setLocal({});
    setReason('');
    onClose();
  };
  const errs = { ...areaFieldErrors(m.error, t, 'zones'), ...local };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!zone) return;
    const date = parseDayFirstDate(to);
    const l: Record<string, string> = {};
    if (!date) l.to = t('zones.invalidDate');
    else if (date <= zone.plannedLiftDate) l.to = t('zones.errors.not_after_planned');
    if (reason.trim().length < 3) l.reason = t('zones.extend.reasonRequired');
    setLocal(l);
    if (!Object.keys(l).length) m.mutate({ zone, to: date! });
  };
  return (
    <Modal opened={!!zone} onClose={close} title={t('zones.extend.title')} fullScreen={phone} centered>
      {zone && (
        <form onSubmit={submit} noValidate data-testid="extend-form">
          <Stack gap="sm">
            <Text fw={600}>{zone.name}</Text>
            <Text size="sm">{t('zones.extend.current', { date: formatDate(zone.plannedLiftDate) })}</Text>
            <DateField label={t('zones.extend.to')} value={to} onChange={setTo} error={errs.to} required w={200} name="to" />
            <Textarea label={t('zones.extend.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errs.reason} required autosize minRows={2} maxLength={1000} name="reason" />
            {hasNoFieldFor(m.error, ['to', 'reason']) && !(m.error instanceof ApiError && m.error.code === 'stale') && <ErrorAlert error={m.error} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('app.cancel')}
              </Button>
              <Button type="submit" loading={m.isPending}>
                {t('zones.extend.confirm')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

export function LiftModal({ zone, onClose }: { zone: Zone | null; onClose(): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const phone = useMediaQuery('(max-width: 48em)');
  const [dateText, setDateText] = useState(formatDate(todayInVietnam()));
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const m = useMutation({
    mutationFn: (x: { zone: Zone; date: string }) => api<Zone>(`/zones/${x.zone.id}/lift`, { method: 'POST', body: { date: x.date, version: x.zone.version, reason: reason.trim() || null } }),
    onSuccess: (z) => {
      notifications.show({ color: 'green', message: t('zones.lift.done', { name: z.name, date: formatDate(z.liftedDate) }) });
      close();
      void qc.invalidateQueries({ queryKey: ['zones'] });
    },
    onError: (e) => handledStale(e, t, qc, close),
  });
  const close = () => {
    m.reset();
    setLocal({});
    setReason('');
    onClose();
  };
  const date = parseDayFirstDate(dateText);
  const early = !!zone && !!date && date < zone.plannedLiftDate;
  const errs = { ...areaFieldErrors(m.error, t, 'zones'), ...local };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!zone) return;
    const l: Record<string, string> = {};
    if (!date) l.date = t('zones.invalidDate');
    setLocal(l);
    if (date) m.mutate({ zone, date });
  };
  return (
    <Modal opened={!!zone} onClose={close} title={zone ? t(`zones.lift.title_${zone.kind}`) : ''} fullScreen={phone} centered>
      {zone && (
        <form onSubmit={submit} noValidate data-testid="lift-form">
          <Stack gap="sm">
            <Text fw={600}>{zone.name}</Text>
            <Text size="sm">{t('zones.lift.planned', { date: formatDate(zone.plannedLiftDate) })}</Text>
            <DateField label={t('zones.lift.date')} value={dateText} onChange={setDateText} error={errs.date} required w={200} name="date" />
            <Textarea
              label={t('zones.lift.reason')}
              description={early ? t('zones.lift.earlyHint', { date: formatDate(zone.plannedLiftDate) }) : undefined}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={errs.reason}
              required={early}
              autosize
              minRows={2}
              maxLength={2000}
              name="reason"
            />
            {hasNoFieldFor(m.error, ['date', 'reason']) && !(m.error instanceof ApiError && m.error.code === 'stale') && <ErrorAlert error={m.error} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('app.cancel')}
              </Button>
              <Button type="submit" color="orange" loading={m.isPending}>
                {t('zones.lift.confirm')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
