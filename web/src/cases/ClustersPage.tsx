// "Ổ dịch, chùm ca bệnh": the clusters staff manage, and the system's proposals from connected
// cases (contact chains, shared contacts, households) that staff accept with a name.
import { useState } from 'react';
import { Alert, Badge, Button, Group, Modal, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { fieldErrors } from '../common/fieldErrors.ts';
import { api } from '../lib/api.ts';
import { formatDate } from '../lib/format.ts';

interface Cluster {
  id: number;
  name: string;
  status: 'active' | 'closed';
  link: string;
  firstDate: string | null;
  lastDate: string | null;
  cases: number;
}
interface Proposal {
  caseIds: number[];
  firstDate: string;
  lastDate: string;
  link: string;
  communes: string[];
}

export default function ClustersPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const canManage = useMe().permissions.includes('cases.manage');
  const clusters = useQuery({ queryKey: ['clusters'], queryFn: ({ signal }) => api<Cluster[]>('/clusters', { signal }) });
  const proposals = useMutation({ mutationFn: () => api<Proposal[]>('/clusters/proposals', { method: 'POST', body: {} }) });
  const [accepting, setAccepting] = useState<Proposal | null>(null);
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: (p: Proposal) => api<{ id: number }>('/clusters', { method: 'POST', body: { name: name.trim(), caseIds: p.caseIds, link: p.link } }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('clusters.created') });
      setAccepting(null);
      setName('');
      void qc.invalidateQueries({ queryKey: ['clusters'] });
      proposals.mutate();
    },
  });
  const close = useMutation({
    mutationFn: (c: Cluster) => api(`/clusters/${c.id}`, { method: 'PATCH', body: { status: c.status === 'active' ? 'closed' : 'active' } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['clusters'] }),
  });
  const errs = fieldErrors(create.error, t);

  return (
    <Stack gap="md" maw={1100}>
      <Title order={1} size="h2">
        {t('clusters.title')}
      </Title>
      {clusters.error && <ErrorAlert error={clusters.error} onRetry={() => void clusters.refetch()} />}
      {clusters.data && !clusters.data.length && <Text c="dimmed">{t('clusters.none')}</Text>}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
        {(clusters.data ?? []).map((c) => (
          <Paper key={c.id} withBorder p="sm" radius="md" data-testid="cluster">
            <Stack gap={4}>
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <Text fw={600}>{c.name}</Text>
                <Badge color={c.status === 'active' ? 'red' : 'gray'} variant="light">
                  {t(`clusters.status.${c.status}`)}
                </Badge>
              </Group>
              <Text size="sm">
                {t('clusters.cases', { count: c.cases })} · {formatDate(c.firstDate)} – {formatDate(c.lastDate)}
              </Text>
              <Text size="xs" c="dimmed">
                {t(`clusters.link.${c.link}`)}
              </Text>
              {canManage && (
                <Group>
                  <Button size="compact-xs" variant="subtle" loading={close.isPending && close.variables?.id === c.id} onClick={() => close.mutate(c)}>
                    {c.status === 'active' ? t('clusters.close') : t('clusters.reopen')}
                  </Button>
                </Group>
              )}
            </Stack>
          </Paper>
        ))}
      </SimpleGrid>
      <Group justify="space-between">
        <Title order={2} size="h4">
          {t('clusters.proposals')}
        </Title>
        <Button variant="light" onClick={() => proposals.mutate()} loading={proposals.isPending}>
          {t('clusters.propose')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('clusters.proposalHint')}
      </Text>
      {proposals.error && <ErrorAlert error={proposals.error} />}
      {proposals.data && !proposals.data.length && <Alert variant="light">{t('clusters.noProposals')}</Alert>}
      <Stack gap="xs">
        {(proposals.data ?? []).map((p) => (
          <Paper key={p.caseIds.join(',')} withBorder p="sm" radius="md" data-testid="proposal">
            <Group justify="space-between" wrap="wrap">
              <Stack gap={2}>
                <Text fw={600}>{t('clusters.cases', { count: p.caseIds.length })}</Text>
                <Text size="sm">
                  {formatDate(p.firstDate)} – {formatDate(p.lastDate)} · {t(`clusters.link.${p.link}`)} · {t('clusters.communes', { count: p.communes.length })}
                </Text>
              </Stack>
              {canManage && (
                <Button size="xs" onClick={() => setAccepting(p)}>
                  {t('clusters.accept')}
                </Button>
              )}
            </Group>
          </Paper>
        ))}
      </Stack>
      <Modal opened={!!accepting} onClose={() => setAccepting(null)} title={t('clusters.accept')}>
        {accepting && (
          <Stack>
            <TextInput label={t('clusters.name')} placeholder={t('clusters.namePlaceholder')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={errs.name} data-autofocus />
            {create.error && !errs.name && <ErrorAlert error={create.error} />}
            <Group justify="flex-end">
              <Button disabled={name.trim().length < 3} loading={create.isPending} onClick={() => create.mutate(accepting)}>
                {t('clusters.create')}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
