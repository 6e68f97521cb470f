// One task as a card for a phone in the field: what to do in plain words, who and where, when it
// is due, and big buttons to call, take it and mark it done. Receiving a contact handed over by
// another commune is done by answering the hand-over: its card opens it instead.
import { Anchor, Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { IconArrowsExchange, IconCheck, IconClock, IconFileTypePdf, IconHandGrab, IconMapPin, IconPhone } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatDate, formatDateTime, formatPhone } from '../lib/format.ts';
import { addressLine } from '../quarantine/format.ts';
import { decisionPdfUrl } from '../quarantine/types.ts';
import { dueIn } from './due.ts';
import { hintKey } from './labels.ts';
import type { Task } from './types.ts';

const TOUCH = 48;

/** "dd/mm/yyyy HH:mm" in Vietnam time (seconds mean nothing for a due time). */
const dayAndTime = (iso: string | null) => formatDateTime(iso).slice(0, 16);

export function TaskCard({
  task,
  meId,
  canReadOrders,
  busy,
  onTake,
  onComplete,
}: {
  task: Task;
  meId: number;
  canReadOrders: boolean;
  busy: boolean;
  onTake(): void;
  onComplete(): void;
}) {
  const { t } = useTranslation();
  const open = task.status === 'open';
  const due = dueIn(task.dueAt);
  const late = open && task.overdue;
  const where = addressLine(task.address, task.villageName, task.communeName);
  const handover = task.kind === 'receive_handover';
  const what =
    task.kind === 'test_contact' && task.detail?.day != null
      ? t('tasks.kind.test_contact_day', { day: task.detail.day })
      : handover
        ? t('handover.task.kind')
        : t(`tasks.kind.${task.kind}`, { defaultValue: task.kind });

  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      data-testid="task-card"
      data-task-id={task.id}
      style={late ? { borderLeft: '5px solid var(--mantine-color-red-6)' } : open ? { borderLeft: '5px solid var(--mantine-color-blue-5)' } : undefined}
    >
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
          <Text fw={700} size="md" style={{ lineHeight: 1.3 }} data-testid="task-what">
            {what}
          </Text>
          {late ? (
            <Badge color="red" variant="filled" style={{ flexShrink: 0 }}>
              {t('tasks.badge.overdue')}
            </Badge>
          ) : task.status === 'done' ? (
            <Badge color="green" variant="light" style={{ flexShrink: 0 }}>
              {t('tasks.badge.done')}
            </Badge>
          ) : task.status === 'cancelled' ? (
            <Badge color="gray" variant="light" style={{ flexShrink: 0 }}>
              {t('tasks.badge.cancelled')}
            </Badge>
          ) : null}
        </Group>
        {open && (
          <Text size="sm" c="dimmed">
            {handover ? t('handover.task.hint') : t(hintKey(task), { defaultValue: '' })}
            {task.kind === 'confirm_rapid_test' && task.detail?.source === 'self_report' ? ` ${t('tasks.hint.confirm_rapid_test_self')}` : ''}
            {task.kind === 'test_contact' && task.detail?.date ? ` ${t('tasks.onDate', { date: formatDate(task.detail.date) })}` : ''}
          </Text>
        )}

        <div>
          <Text fw={600} size="lg" style={{ lineHeight: 1.3 }}>
            {task.fullName ?? t('tasks.unknownPerson')}
          </Text>
          {where && (
            <Group gap={4} wrap="nowrap" align="flex-start">
              <IconMapPin size={16} style={{ flexShrink: 0, marginTop: 3 }} aria-hidden />
              <Text size="sm">
                {where}
              </Text>
            </Group>
          )}
          {task.phone && (
            <Group gap={4} wrap="nowrap">
              <IconPhone size={16} style={{ flexShrink: 0 }} aria-hidden />
              <Text size="sm" className="tabular">
                {formatPhone(task.phone)}
              </Text>
            </Group>
          )}
        </div>

        {open ? (
          <Group gap={4} wrap="nowrap" align="flex-start">
            <IconClock size={16} style={{ flexShrink: 0, marginTop: 3 }} color={late ? 'var(--mantine-color-red-7)' : undefined} aria-hidden />
            <Text size="sm" c={late ? 'red.7' : undefined} fw={late ? 600 : undefined} data-testid="task-due">
              {t(`tasks.due.${due.overdue ? 'late' : 'left'}_${due.unit}`, { count: due.count })} · {t('tasks.dueAt', { at: dayAndTime(task.dueAt) })}
            </Text>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            {task.status === 'done' ? t('tasks.doneAt', { at: dayAndTime(task.doneAt), who: task.assigneeName ?? '—' }) : t('tasks.cancelledAt', { at: dayAndTime(task.doneAt) })}
          </Text>
        )}
        {task.note && (
          <Text size="sm" fs="italic" data-testid="task-note">
            {t(`tasks.systemNote.${task.note}`, { defaultValue: t(`handover.task.note.${task.note}`, { defaultValue: task.note }) })}
          </Text>
        )}
        {open && (
          <Text size="sm" c="dimmed">
            {task.assigneeId == null ? t('tasks.unassigned') : task.assigneeId === meId ? t('tasks.takenByMe') : t('tasks.takenBy', { name: task.assigneeName ?? '—' })}
          </Text>
        )}

        {(open || task.phone) && (
          <Group gap="xs" grow preventGrowOverflow={false} wrap="wrap" mt={4}>
            {task.phone && (
              <Button component="a" href={`tel:${task.phone}`} h={TOUCH} variant="light" color="teal" leftSection={<IconPhone size={18} />} aria-label={t('tasks.callNumber', { phone: formatPhone(task.phone) })} data-testid="task-call">
                {t('tasks.call')}
              </Button>
            )}
            {open && task.assigneeId !== meId && (
              <Button h={TOUCH} variant="default" leftSection={<IconHandGrab size={18} />} onClick={onTake} disabled={busy}>
                {t('tasks.take')}
              </Button>
            )}
            {open && handover && (
              <Button component={Link} to={`/handovers?focus=${task.detail?.handoverId ?? ''}`} h={TOUCH} color="orange" leftSection={<IconArrowsExchange size={18} />} data-testid="task-open-handover">
                {t('handover.task.open')}
              </Button>
            )}
            {open && !handover && (
              <Button h={TOUCH} color="green" leftSection={<IconCheck size={18} />} onClick={onComplete} disabled={busy}>
                {t('tasks.complete')}
              </Button>
            )}
          </Group>
        )}
        {task.orderId != null && canReadOrders && (
          <Anchor href={decisionPdfUrl(task.orderId)} target="_blank" rel="noopener" size="sm" style={{ display: 'inline-flex', alignItems: 'center', gap: 4, minHeight: 32 }}>
            <IconFileTypePdf size={16} aria-hidden />
            {t('tasks.decisionPdf')}
          </Anchor>
        )}
      </Stack>
    </Paper>
  );
}
