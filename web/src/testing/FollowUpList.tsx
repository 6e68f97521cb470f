// Positive pools and their members: each member re-sampled (swabs pooled at collection) or
// re-tested from their own tube (pooled at the lab), followed until their own result is known;
// a positive member becomes a case (link to it).
import { useMemo, useState } from 'react';
import { Anchor, Badge, Button, Card, Group, Progress, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useCan } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { formatDateTime, formatPhone } from '../lib/format.ts';
import { useFollowUps, type FollowUp, type FollowUpState } from './api.ts';
import { TESTING_PERMISSIONS } from './nav.ts';
import { errorMessage } from './shared.ts';

const stateColor: Record<FollowUpState, string> = { pending: 'yellow', collected: 'blue', positive: 'red', negative: 'green', closed: 'gray' };
const finished = (s: FollowUpState) => s === 'positive' || s === 'negative' || s === 'closed';

export function FollowUpList() {
  const { t } = useTranslation();
  const [show, setShow] = useState<'open' | 'all'>('open');
  const q = useFollowUps({ state: show });
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={640}>
          {t('testing.followup.intro')}
        </Text>
        <SegmentedControl
          size="xs"
          value={show}
          onChange={(v) => setShow(v as 'open' | 'all')}
          data={[
            { value: 'open', label: t('testing.followup.open') },
            { value: 'all', label: t('testing.followup.all') },
          ]}
        />
      </Group>
      {q.isPending ? (
        <PageLoader />
      ) : q.error ? (
        <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data.length ? (
        <Text c="dimmed" data-testid="followups-empty">
          {t('testing.followup.empty')}
        </Text>
      ) : (
        <FollowUpPools items={q.data} />
      )}
    </Stack>
  );
}

/** Follow-ups grouped by their positive pool. */
export function FollowUpPools({ items }: { items: FollowUp[] }) {
  const pools = useMemo(() => {
    const by = new Map<number, FollowUp[]>();
    for (const f of items) by.set(f.poolId, [...(by.get(f.poolId) ?? []), f]);
    return [...by.values()];
  }, [items]);
  return (
    <Stack gap="sm" data-testid="followups">
      {pools.map((members) => (
        <PoolFollowUp key={members[0].poolId} members={members} />
      ))}
    </Stack>
  );
}

function PoolFollowUp({ members }: { members: FollowUp[] }) {
  const { t } = useTranslation();
  const first = members[0];
  const done = members.filter((m) => finished(m.status)).length;
  const resolved = done === members.length;
  return (
    <Card withBorder padding="sm" data-testid="followup-pool" data-barcode={first.poolBarcode}>
      <Group justify="space-between" wrap="nowrap" mb={6}>
        <div>
          <Text fw={700} className="tabular">
            {t('testing.followup.pool', { pool: first.poolBarcode })}
          </Text>
          <Text size="xs" c="dimmed">
            {t('testing.followup.positiveAt', { at: formatDateTime(first.createdAt).slice(0, 16) })}
          </Text>
        </div>
        <Badge color={resolved ? 'green' : 'red'} variant="light">
          {resolved ? t('testing.followup.resolved') : t('testing.followup.progress', { done, total: members.length })}
        </Badge>
      </Group>
      <Progress value={(100 * done) / members.length} color={resolved ? 'green' : 'red'} size="sm" mb="xs" aria-label={t('testing.followup.progress', { done, total: members.length })} />
      <Table.ScrollContainer minWidth={600}>
        <Table verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('person.fullName')}</Table.Th>
              <Table.Th>{t('testing.followup.tube')}</Table.Th>
              <Table.Th>{t('testing.followup.action')}</Table.Th>
              <Table.Th>{t('testing.followup.state')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.map((m) => (
              <MemberRow key={m.id} m={m} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}

function MemberRow({ m }: { m: FollowUp }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const canClose = useCan(TESTING_PERMISSIONS.collect);
  const [closing, setClosing] = useState(false);
  const [note, setNote] = useState('');
  const close = useMutation({
    mutationFn: () => api(`/testing/follow-ups/${m.id}/close`, { method: 'POST', body: { note: note.trim() } }),
    onSuccess: () => {
      setClosing(false);
      void qc.invalidateQueries({ queryKey: ['testing'] });
    },
    onError: (e) => notifications.show({ color: 'red', message: errorMessage(e, t) }),
  });
  return (
    <Table.Tr data-testid="followup-member" data-state={m.status}>
      <Table.Td>
        {m.personId ? (
          <Anchor component={Link} to={`/people/${m.personId}`} size="sm">
            {m.subjectName}
          </Anchor>
        ) : (
          m.subjectName
        )}
        <Text size="xs" c="dimmed">
          {[m.communeName, m.phone ? formatPhone(m.phone) : null].filter(Boolean).join(' · ')}
        </Text>
      </Table.Td>
      <Table.Td className="tabular">
        {m.barcode}
        {m.newBarcode && <Text size="xs">→ {m.newBarcode}</Text>}
      </Table.Td>
      <Table.Td>{t(`testing.followup.actions.${m.action}`)}</Table.Td>
      <Table.Td>
        <Badge color={stateColor[m.status]} variant="light">
          {m.status === 'pending' ? t(`testing.followup.pendingBy.${m.action}`) : t(`testing.followup.states.${m.status}`)}
        </Badge>
        {m.note && <Text size="xs">{m.note}</Text>}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        {m.caseId ? (
          <Button component={Link} to={`/cases/${m.caseId}`} size="xs" color="red" variant="light" data-testid="case-link">
            {t('testing.followup.openCase', { id: m.caseId })}
          </Button>
        ) : (
          canClose &&
          !finished(m.status) &&
          (closing ? (
            <Group gap={4} wrap="nowrap">
              <TextInput size="xs" placeholder={t('testing.followup.reason')} value={note} onChange={(e) => setNote(e.currentTarget.value)} w={170} aria-label={t('testing.followup.reason')} />
              <Button size="xs" onClick={() => close.mutate()} loading={close.isPending} disabled={note.trim().length < 3}>
                {t('app.save')}
              </Button>
            </Group>
          ) : (
            <Button size="xs" variant="subtle" color="gray" onClick={() => setClosing(true)}>
              {t('testing.followup.close')}
            </Button>
          ))
        )}
      </Table.Td>
    </Table.Tr>
  );
}
