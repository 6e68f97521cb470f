// A contact another commune traced and handed over: who (from this commune's registry), how they
// were exposed, the sender's message, and the answer to give — accept (then follow them up here:
// call, quarantine order, onward tracing) or return with a reason. Made for a phone.
import { useState } from 'react';
import { Anchor, Badge, Button, Group, Modal, Paper, Radio, Stack, Text, Textarea } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconArrowBackUp, IconCheck, IconMapPin, IconPhone, IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ApiError } from '../lib/api.ts';
import { formatDate, formatDateTime, formatPhone } from '../lib/format.ts';
import { addressLine } from '../quarantine/format.ts';
import { ContactForm } from '../cases/ContactForm.tsx';
import { OrderForm } from '../cases/OrderForm.tsx';
import { RETURN_REASONS, type IncomingHandover, type ReturnReason } from './api.ts';
import { handoverErrorText } from './errors.ts';
import { AnswerLine } from './SentHandovers.tsx';
import { HandoverStatusBadge } from './StatusBadge.tsx';

const TOUCH = 48;
const at = (iso: string | null) => formatDateTime(iso).slice(0, 16);

export function IncomingCard({ h, focused, canOrder }: { h: IncomingHandover; focused: boolean; canOrder: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const phone = useMediaQuery('(max-width: 48em)');
  const [dialog, setDialog] = useState<'return' | 'order' | 'trace' | null>(null);
  const [reason, setReason] = useState<ReturnReason>('not_resident');
  const [note, setNote] = useState('');
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['handovers'] });
    void qc.invalidateQueries({ queryKey: ['tasks'] });
  };
  /** Someone else of the commune answered first: show the fresh list. */
  const onError = (e: unknown) => {
    notifications.show({ color: e instanceof ApiError && e.code === 'invalid_state' ? 'yellow' : 'red', message: handoverErrorText(e, t) ?? t('app.error') });
    refresh();
  };
  const accept = useMutation({
    mutationFn: () => api<IncomingHandover>(`/handovers/${h.id}/accept`, { method: 'POST', body: {} }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('handover.accepted', { name: h.fullName ?? h.contactName }) });
      refresh();
    },
    onError,
  });
  const giveBack = useMutation({
    mutationFn: () => api<IncomingHandover>(`/handovers/${h.id}/return`, { method: 'POST', body: { reason, note: note.trim() || null } }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('handover.returned') });
      setDialog(null);
      setNote('');
      refresh();
    },
  });
  const name = h.fullName ?? h.contactName;
  const where = addressLine(h.address, h.villageName, h.communeName);
  const pending = h.status === 'pending';
  const following = h.status === 'accepted' && h.personId != null && h.contactStatus !== 'rejected' && h.contactStatus !== 'became_case';

  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      data-testid="incoming-handover"
      data-handover-id={h.id}
      style={{ borderLeft: `5px solid var(--mantine-color-${pending ? 'orange-6' : h.status === 'accepted' ? 'teal-6' : 'gray-5'})`, outline: focused ? '2px solid var(--mantine-color-blue-5)' : undefined }}
    >
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
          <Text size="sm" c="dimmed">
            {t('handover.fromLine', { commune: h.fromUnitName ?? '—', who: h.createdByName ?? '—', at: at(h.createdAt) })}
          </Text>
          <HandoverStatusBadge status={h.status} />
        </Group>
        <Group gap={6} wrap="nowrap">
          <Badge color={h.degree === 1 ? 'orange' : 'yellow'} variant="filled" style={{ flexShrink: 0 }}>
            F{h.degree}
          </Badge>
          {h.personId != null ? (
            <Anchor component={Link} to={`/people/${h.personId}`} fw={700} size="lg" style={{ lineHeight: 1.3 }}>
              {name}
            </Anchor>
          ) : (
            <Text fw={700} size="lg">
              {name}
            </Text>
          )}
        </Group>
        {h.birthDate && (
          <Text size="sm">
            {t('person.birthDate')} {formatDate(h.birthDate)}
            {h.identifiedBy === 'new_person' ? ` · ${t('handover.enteredNew')}` : ''}
          </Text>
        )}
        {where && (
          <Group gap={4} wrap="nowrap" align="flex-start">
            <IconMapPin size={16} style={{ flexShrink: 0, marginTop: 3 }} aria-hidden />
            <Text size="sm">{where}</Text>
          </Group>
        )}
        <Text size="sm">
          {t('handover.exposure', { date: formatDate(h.exposureDate), setting: t(`cases.settings.${h.setting}`) })}
          {h.proximity ? ` · ${t(`cases.prox.${h.proximity}`)}` : ''}
          {h.durationMinutes != null ? ` · ${h.durationMinutes} ${t('cases.minutes')}` : ''}
          {h.degree === 1 && !h.meetsDefinition ? ` · ${t('cases.notF1')}` : ''}
        </Text>
        {h.message && (
          <Text size="sm" fs="italic" data-testid="handover-message">
            “{h.message}”
          </Text>
        )}
        <AnswerLine h={h} />
        {h.orderId && (
          <Text size="sm">
            {t('cases.orderStatus.active')} {t('cases.until', { date: formatDate(h.orderEndDate) })}
          </Text>
        )}
        <Group gap="xs" grow preventGrowOverflow={false} wrap="wrap" mt={4}>
          {h.phone && (
            <Button component="a" href={`tel:${h.phone}`} h={TOUCH} variant="light" color="teal" leftSection={<IconPhone size={18} />} aria-label={t('tasks.callNumber', { phone: formatPhone(h.phone) })}>
              {t('tasks.call')}
            </Button>
          )}
          {pending && (
            <>
              <Button h={TOUCH} color="green" leftSection={<IconCheck size={18} />} onClick={() => accept.mutate()} loading={accept.isPending}>
                {t('handover.accept')}
              </Button>
              <Button h={TOUCH} variant="default" leftSection={<IconArrowBackUp size={18} />} onClick={() => setDialog('return')}>
                {t('handover.return')}
              </Button>
            </>
          )}
          {following && canOrder && !h.orderId && (
            <Button h={TOUCH} variant="light" onClick={() => setDialog('order')}>
              {t('cases.orderQuarantine')}
            </Button>
          )}
          {following && h.contactId != null && (
            <Button h={TOUCH} variant="subtle" leftSection={<IconUserPlus size={18} />} onClick={() => setDialog('trace')}>
              {t('cases.traceNext', { degree: h.degree + 1 })}
            </Button>
          )}
        </Group>
      </Stack>

      <Modal opened={dialog === 'return'} onClose={() => setDialog(null)} title={t('handover.returnTitle', { name })} fullScreen={phone} centered>
        <Stack gap="sm">
          <Radio.Group value={reason} onChange={(v) => setReason(v as ReturnReason)} label={t('handover.reason')}>
            <Stack gap={8} mt={4}>
              {RETURN_REASONS.map((r) => (
                <Radio key={r} value={r} label={t(`handover.reasons.${r}`)} />
              ))}
            </Stack>
          </Radio.Group>
          <Textarea
            label={t('handover.returnNote')}
            description={reason === 'other' ? t('handover.returnNoteRequired') : t('handover.returnNoteHint')}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={1000}
            required={reason === 'other'}
          />
          {giveBack.error && <Text c="red" size="sm">{handoverErrorText(giveBack.error, t)}</Text>}
          <Group grow>
            <Button variant="default" h={TOUCH} onClick={() => setDialog(null)}>
              {t('app.cancel')}
            </Button>
            <Button h={TOUCH} color="red" onClick={() => giveBack.mutate()} loading={giveBack.isPending} disabled={reason === 'other' && note.trim().length < 3}>
              {t('handover.return')}
            </Button>
          </Group>
        </Stack>
      </Modal>
      <Modal opened={dialog === 'order'} onClose={() => setDialog(null)} title={t('cases.orderQuarantine')} size="lg" fullScreen={phone}>
        {dialog === 'order' && h.personId != null && (
          <OrderForm
            personId={h.personId}
            personName={name}
            kind="quarantine"
            caseId={h.caseId}
            onDone={(o) => {
              notifications.show({ color: 'green', message: t('cases.orderIssued', { until: formatDate(o.endDate) }) });
              setDialog(null);
              refresh();
            }}
          />
        )}
      </Modal>
      <Modal opened={dialog === 'trace'} onClose={() => setDialog(null)} title={t('cases.traceFrom', { name, degree: h.degree + 1 })} size="lg" fullScreen={phone}>
        {dialog === 'trace' && h.contactId != null && (
          <ContactForm
            path={`/contacts/${h.contactId}/contacts`}
            caseId={h.caseId}
            exclude={h.personId != null ? [h.personId] : []}
            defaultDate={h.exposureDate}
            onDone={(added) => {
              notifications.show({ color: 'green', message: added?.handover ? t('handover.recorded', { commune: added.handover.toUnitName }) : t('cases.contactAdded') });
              setDialog(null);
              refresh();
            }}
          />
        )}
      </Modal>
    </Paper>
  );
}
