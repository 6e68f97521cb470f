// "Nhiệm vụ": the tracing and follow-up work of a community COVID team or a health worker, as
// cards to use on a phone: to do, overdue, done; take a task, call the person, mark it done.
import { useState } from 'react';
import { Badge, Button, Group, Modal, SegmentedControl, Stack, Switch, Text, Textarea, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCan, useMe } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api, ApiError } from '../lib/api.ts';
import { areaFieldErrors } from '../quarantine/shared.ts';
import { TaskCard } from './TaskCard.tsx';
import type { Task, TaskList, TaskState } from './types.ts';

const STATES: TaskState[] = ['open', 'overdue', 'done'];

export default function TasksPage() {
  const { t } = useTranslation();
  const me = useMe();
  const canReadOrders = useCan('cases.read');
  const qc = useQueryClient();
  const [state, setState] = useState<TaskState>('open');
  const [mine, setMine] = useState(false);
  const [completing, setCompleting] = useState<Task | null>(null);
  const q = useQuery({
    queryKey: ['tasks', state, mine],
    queryFn: ({ signal }) => api<TaskList>('/tasks', { query: { state, mine: mine ? 'true' : undefined }, signal }),
    staleTime: 15_000,
    refetchInterval: 60_000,
  });
  const counts = q.data?.counts;

  /** A task someone else finished or that was cancelled meanwhile: say so and show the fresh list. */
  const onActionError = (e: unknown) => {
    const gone = e instanceof ApiError && (e.code === 'invalid_state' || e.status === 404);
    notifications.show({ color: gone ? 'yellow' : 'red', message: gone ? t('tasks.gone') : e instanceof Error ? e.message : t('app.error') });
    if (gone) void qc.invalidateQueries({ queryKey: ['tasks'] });
  };

  const take = useMutation({
    mutationFn: (task: Task) => api<Task>(`/tasks/${task.id}/take`, { method: 'POST' }),
    onSuccess: (task) => {
      notifications.show({ color: 'green', message: t('tasks.taken', { name: task.fullName ?? '' }) });
      void qc.invalidateQueries({ queryKey: ['tasks'] });
    },
    onError: onActionError,
  });

  return (
    <Stack gap="md" maw={760}>
      <Title order={1} size="h2">
        {t('tasks.title')}
      </Title>
      {counts && (
        <Text size="sm" data-testid="task-counts">
          {t('tasks.counts', { open: counts.open, overdue: counts.overdue, done: counts.doneToday })}
        </Text>
      )}
      <SegmentedControl
        fullWidth
        size="md"
        value={state}
        onChange={(v) => setState(v as TaskState)}
        aria-label={t('tasks.title')}
        data={STATES.map((s) => ({
          value: s,
          label:
            s === 'overdue' && counts && counts.overdue > 0 ? (
              <Group gap={4} justify="center" wrap="nowrap">
                <span>{t(`tasks.state.${s}`)}</span>
                <Badge color="red" variant="filled" size="sm" circle={counts.overdue < 10} data-testid="overdue-count">
                  {counts.overdue}
                </Badge>
              </Group>
            ) : (
              t(`tasks.state.${s}`)
            ),
        }))}
      />
      <Switch label={t('tasks.onlyMine')} checked={mine} onChange={(e) => setMine(e.currentTarget.checked)} size="md" />

      {q.isPending ? (
        <PageLoader />
      ) : q.error ? (
        <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <Text c="dimmed" py="lg" ta="center" data-testid="tasks-empty">
          {t(`tasks.empty.${state}`)}
        </Text>
      ) : (
        <Stack gap="sm" data-testid="task-list">
          {q.data.items.map((task) => (
            <TaskCard
              key={task.id}
              task={task}
              meId={me.id}
              canReadOrders={canReadOrders}
              busy={take.isPending && take.variables?.id === task.id}
              onTake={() => take.mutate(task)}
              onComplete={() => setCompleting(task)}
            />
          ))}
          {q.data.items.length >= 100 && (
            <Text size="sm" c="dimmed" ta="center">
              {t('tasks.more')}
            </Text>
          )}
        </Stack>
      )}
      <CompleteModal task={completing} onClose={() => setCompleting(null)} onGone={onActionError} />
    </Stack>
  );
}

/** "Xong": an optional note of what was done or found, then the task moves to "Đã xong". */
function CompleteModal({ task, onClose, onGone }: { task: Task | null; onClose(): void; onGone(e: unknown): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const phone = useMediaQuery('(max-width: 48em)');
  const [note, setNote] = useState('');
  const m = useMutation({
    mutationFn: (x: { id: number; note: string }) => api<Task>(`/tasks/${x.id}/complete`, { method: 'POST', body: { note: x.note.trim() || null } }),
    onSuccess: (done) => {
      notifications.show({ color: 'green', message: t('tasks.completed', { name: done.fullName ?? '' }) });
      setNote('');
      onClose();
      void qc.invalidateQueries({ queryKey: ['tasks'] });
    },
    onError: (e) => {
      if (e instanceof ApiError && (e.code === 'invalid_state' || e.status === 404)) {
        onClose();
        onGone(e);
      }
    },
  });
  const errs = areaFieldErrors(m.error, t, 'tasks');
  return (
    <Modal opened={!!task} onClose={onClose} title={t('tasks.completeTitle')} fullScreen={phone} centered>
      {task && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            m.mutate({ id: task.id, note });
          }}
        >
          <Stack gap="sm">
            <Text fw={600}>
              {task.kind === 'test_contact' && task.detail?.day != null ? t('tasks.kind.test_contact_day', { day: task.detail.day }) : t(`tasks.kind.${task.kind}`)} — {task.fullName}
            </Text>
            <Textarea
              label={t('tasks.note')}
              description={t('tasks.noteHint')}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              error={errs.note}
              autosize
              minRows={3}
              maxLength={2000}
              name="note"
              data-autofocus
            />
            {m.error && !errs.note && !(m.error instanceof ApiError && m.error.code === 'invalid_state') && <ErrorAlert error={m.error} />}
            <Group grow>
              <Button variant="default" h={48} onClick={onClose}>
                {t('app.cancel')}
              </Button>
              <Button type="submit" color="green" h={48} loading={m.isPending}>
                {t('tasks.confirmDone')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
