// Positive pools and their members: each member re-sampled (swabs pooled at collection) or
// re-tested from their own tube (pooled at the lab), followed until their own result is known;
// a positive member becomes a case (link to it).
import { useState } from 'react';
import { Anchor, Badge, Button, Card, Group, Progress, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useCan } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { formatDateTime, formatNumber, formatPhone } from '../lib/format.ts';
import type { FollowUpMember, FollowUpPool, FollowUpState } from './api.ts';
import { errorMessage } from './shared.ts';

const stateColor: Record<FollowUpState, string> = { pending: 'yellow', collected: 'blue', positive: 'red', negative: 'green', closed: 'gray' };

export function FollowUpList({ labId }: { labId: string | null }) {
  const { t } = useTranslation();
  const [show, setShow] = useState<'open' | 'all'>('open');
  const q = useQuery({
    queryKey: ['testing', 'followups', labId, show],
    queryFn: ({ signal }) => api<{ items: FollowUpPool[] }>('/testing/follow-ups', { query: { lab: labId, state: show === 'open' ? 'open' : undefined }, signal }).then((r) => r.items),
  });
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
        <Stack gap="sm" data-testid="followups">
          {q.data.map((p) => (
            <PoolFollowUp key={p.poolId} p={p} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function PoolFollowUp({ p }: { p: FollowUpPool }) {
  const { t } = useTranslation();
  const done = p.members.filter((m) => m.state === 'positive' || m.state === 'negative' || m.state === 'closed').length;
  return (
    <Card withBorder padding="sm" data-testid="followup-pool" data-barcode={p.poolBarcode}>
      <Group justify="space-between" wrap="nowrap" mb={6}>
        <div>
          <Text fw={700} className="tabular">
            {p.poolBarcode}
          </Text>
          <Text size="xs" c="dimmed">
            {[t('testing.followup.positiveAt', { at: formatDateTime(p.resultAt) }), p.ct != null ? `Ct ${formatNumber(p.ct, 2)}` : null, p.site].filter(Boolean).join(' · ')}
          </Text>
        </div>
        <Badge color={p.resolved ? 'green' : 'red'} variant="light">
          {p.resolved ? t('testing.followup.resolved') : t('testing.followup.progress', { done, total: p.members.length })}
        </Badge>
      </Group>
      <Progress value={p.members.length ? (100 * done) / p.members.length : 0} color={p.resolved ? 'green' : 'red'} size="sm" mb="xs" aria-label={t('testing.followup.progress', { done, total: p.members.length })} />
      <Table.ScrollContainer minWidth={560}>
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
            {p.members.map((m) => (
              <MemberRow key={m.id} m={m} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}

function MemberRow({ m }: { m: FollowUpMember }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const canLab = useCan('testing.lab');
  const canCollect = useCan('testing.collect');
  const canWork = canLab || canCollect;
  const [closing, setClosing] = useState(false);
  const [reason, setReason] = useState('');
  const close = useMutation({
    mutationFn: () => api(`/testing/follow-ups/${m.id}/close`, { method: 'POST', body: { reason: reason.trim() } }),
    onSuccess: () => {
      setClosing(false);
      void qc.invalidateQueries({ queryKey: ['testing'] });
    },
    onError: (e) => notifications.show({ color: 'red', message: errorMessage(e, t) }),
  });
  const finished = m.state === 'positive' || m.state === 'negative' || m.state === 'closed';
  return (
    <Table.Tr data-testid="followup-member" data-state={m.state}>
      <Table.Td>
        {m.personId ? (
          <Anchor component={Link} to={`/people/${m.personId}`} size="sm">
            {m.fullName}
          </Anchor>
        ) : (
          (m.fullName ?? '—')
        )}
        <Text size="xs" c="dimmed">
          {[m.communeName, m.phone ? formatPhone(m.phone) : null].filter(Boolean).join(' · ')}
        </Text>
      </Table.Td>
      <Table.Td className="tabular">
        {m.specimenBarcode}
        {m.newBarcode && m.newBarcode !== m.specimenBarcode && <Text size="xs">→ {m.newBarcode}</Text>}
      </Table.Td>
      <Table.Td>{t(`testing.followup.actions.${m.action}`)}</Table.Td>
      <Table.Td>
        <Badge color={stateColor[m.state]} variant="light">
          {t(`testing.followup.states.${m.state}`)}
        </Badge>
        {m.ct != null && (
          <Text size="xs" className="tabular">
            Ct {formatNumber(m.ct, 2)}
          </Text>
        )}
        {m.closedReason && <Text size="xs">{m.closedReason}</Text>}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        {m.caseId ? (
          <Button component={Link} to={`/cases/${m.caseId}`} size="xs" color="red" variant="light" data-testid="case-link">
            {t('testing.followup.openCase', { id: m.caseId })}
          </Button>
        ) : (
          canWork &&
          !finished &&
          (closing ? (
            <Group gap={4} wrap="nowrap">
              <TextInput size="xs" placeholder={t('testing.followup.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} w={160} aria-label={t('testing.followup.reason')} />
              <Button size="xs" onClick={() => close.mutate()} loading={close.isPending} disabled={reason.trim().length < 3}>
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
