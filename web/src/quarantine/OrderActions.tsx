// What an officer does to an order in force: record today's check, and end the quarantine
// (before the planned end only with a reason, which the server enforces).
import { useState, type FormEvent } from 'react';
import { Button, Group, Modal, Radio, Stack, Text, Textarea } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { api } from '../lib/api.ts';
import { formatDate, parseDayFirstDate, todayInVietnam } from '../lib/format.ts';
import { DateField } from './DateField.tsx';
import { areaFieldErrors, hasNoFieldFor } from './shared.ts';
import type { CheckStatus, Order } from './types.ts';

export const ORDERS = ['quarantine-orders'] as const;
const CHECK_STATUSES: CheckStatus[] = ['ok', 'symptoms', 'absent'];

export function CheckModal({ order, onClose }: { order: Order | null; onClose(): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const phone = useMediaQuery('(max-width: 48em)');
  const today = todayInVietnam();
  const [status, setStatus] = useState<CheckStatus>('ok');
  const [note, setNote] = useState('');
  const m = useMutation({
    mutationFn: (id: number) => api<Order>(`/quarantine-orders/${id}/checks`, { method: 'POST', body: { day: today, status, note: note.trim() || null } }),
    onSuccess: (o) => {
      notifications.show({ color: 'green', message: t('quarantine.check.saved', { name: o.fullName, status: t(`quarantine.checkStatus.${status}`) }) });
      setNote('');
      setStatus('ok');
      m.reset();
      onClose();
      void qc.invalidateQueries({ queryKey: ORDERS });
    },
  });
  const errs = areaFieldErrors(m.error, t, 'quarantine');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (order) m.mutate(order.id);
  };
  const close = () => {
    m.reset();
    onClose();
  };
  return (
    <Modal opened={!!order} onClose={close} title={t('quarantine.check.title')} fullScreen={phone} centered>
      {order && (
        <form onSubmit={submit} noValidate data-testid="check-form">
          <Stack gap="sm">
            <Text fw={600}>
              {order.fullName} · {formatDate(today)}
            </Text>
            <Radio.Group label={t('quarantine.check.status')} value={status} onChange={(v) => setStatus(v as CheckStatus)} error={errs.status} required>
              <Stack gap="xs" mt={6}>
                {CHECK_STATUSES.map((s) => (
                  <Radio key={s} value={s} label={t(`quarantine.checkStatus.${s}`)} />
                ))}
              </Stack>
            </Radio.Group>
            <Textarea label={t('quarantine.check.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} error={errs.note} autosize minRows={2} maxLength={2000} name="note" />
            {errs.day && (
              <Text c="red" size="sm">
                {errs.day}
              </Text>
            )}
            {hasNoFieldFor(m.error, ['status', 'note', 'day']) && <ErrorAlert error={m.error} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('app.cancel')}
              </Button>
              <Button type="submit" loading={m.isPending}>
                {t('app.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

export function ReleaseModal({ order, onClose }: { order: Order | null; onClose(): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const phone = useMediaQuery('(max-width: 48em)');
  const [dateText, setDateText] = useState(formatDate(todayInVietnam()));
  const [note, setNote] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const m = useMutation({
    mutationFn: (x: { id: number; date: string }) => api<Order>(`/quarantine-orders/${x.id}/release`, { method: 'POST', body: { date: x.date, note: note.trim() || null } }),
    onSuccess: (o) => {
      notifications.show({ color: 'green', message: t('quarantine.release.done', { name: o.fullName, date: formatDate(o.releasedDate) }) });
      setNote('');
      m.reset();
      onClose();
      void qc.invalidateQueries({ queryKey: ORDERS });
      void qc.invalidateQueries({ queryKey: ['facilities'] });
    },
  });
  const errs = { ...areaFieldErrors(m.error, t, 'quarantine'), ...local };
  const date = parseDayFirstDate(dateText);
  const early = !!order && !!date && date < order.endDate;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!order) return;
    const l: Record<string, string> = {};
    if (!date) l.date = t('quarantine.invalidDate');
    setLocal(l);
    if (date) m.mutate({ id: order.id, date });
  };
  const close = () => {
    m.reset();
    setLocal({});
    onClose();
  };
  return (
    <Modal opened={!!order} onClose={close} title={t('quarantine.release.title')} fullScreen={phone} centered>
      {order && (
        <form onSubmit={submit} noValidate data-testid="release-form">
          <Stack gap="sm">
            <Text fw={600}>{order.fullName}</Text>
            <Text size="sm">{t('quarantine.release.planned', { from: formatDate(order.startDate), to: formatDate(order.endDate) })}</Text>
            <DateField label={t('quarantine.release.date')} value={dateText} onChange={setDateText} error={errs.date} required w={200} name="date" />
            <Textarea
              label={t('quarantine.release.note')}
              description={early ? t('quarantine.release.earlyHint', { date: formatDate(order.endDate) }) : undefined}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              error={errs.note}
              autosize
              minRows={2}
              maxLength={2000}
              name="note"
            />
            {hasNoFieldFor(m.error, ['date', 'note']) && <ErrorAlert error={m.error} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('app.cancel')}
              </Button>
              <Button type="submit" color="orange" loading={m.isPending}>
                {t('quarantine.release.confirm')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
