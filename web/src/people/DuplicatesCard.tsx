// On a person's page: records that may be the same person, and merging one into this record
// (its cases, exposures and orders move here; contradicting records cannot be merged).
import { useState } from 'react';
import { Anchor, Badge, Button, Card, Group, Modal, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useMe } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { api } from '../lib/api.ts';
import { formatDate, formatPhone } from '../lib/format.ts';
import type { Person } from '../lib/types.ts';

interface Candidate {
  person: Person;
  reasons: ('cccd' | 'phone' | 'name_birth')[];
  conflicts: string[];
}

export function DuplicatesCard({ person }: { person: Person }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const canMerge = useMe().permissions.includes('people.merge');
  const q = useQuery({ queryKey: ['duplicates', person.id], queryFn: ({ signal }) => api<Candidate[]>(`/people/${person.id}/duplicates`, { signal }) });
  const [merging, setMerging] = useState<Candidate | null>(null);
  const [reason, setReason] = useState('');
  const m = useMutation({
    mutationFn: (c: Candidate) => api('/people/merge', { method: 'POST', body: { keepId: person.id, mergeId: c.person.id, reason: reason.trim() } }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('duplicates.merged') });
      setMerging(null);
      setReason('');
      void qc.invalidateQueries({ queryKey: ['duplicates', person.id] });
      void qc.invalidateQueries({ queryKey: ['person'] });
      void qc.invalidateQueries({ queryKey: ['person-tracing'] });
    },
  });
  if (!q.data?.length) return null;
  return (
    <Card withBorder data-testid="duplicates" bg="yellow.0">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('duplicates.title', { count: q.data.length })}
        </Title>
        {q.data.map((c) => (
          <Group key={c.person.id} justify="space-between" wrap="wrap" data-testid="duplicate">
            <Stack gap={2}>
              <Anchor component={Link} to={`/people/${c.person.id}`} fw={600}>
                {c.person.fullName}
              </Anchor>
              <Text size="sm" c="dimmed">
                {[formatDate(c.person.birthDate), c.person.cccd, formatPhone(c.person.phone), c.person.villageName ?? c.person.communeName].filter((x) => x && x !== '—').join(' · ')}
              </Text>
              <Group gap={4}>
                {c.reasons.map((r) => (
                  <Badge key={r} size="sm" variant="light">
                    {t(`duplicates.reason.${r}`)}
                  </Badge>
                ))}
              </Group>
              {c.conflicts.length > 0 && (
                <Text size="sm" c="red">
                  {c.conflicts.map((x) => t(`fieldErrors.${x}`)).join('; ')}
                </Text>
              )}
            </Stack>
            {canMerge && (
              <Button size="xs" variant="light" disabled={c.conflicts.length > 0} onClick={() => setMerging(c)}>
                {t('duplicates.merge')}
              </Button>
            )}
          </Group>
        ))}
      </Stack>
      <Modal opened={!!merging} onClose={() => setMerging(null)} title={t('duplicates.merge')}>
        {merging && (
          <Stack>
            <Text size="sm">{t('duplicates.explain', { from: merging.person.fullName, into: person.fullName })}</Text>
            <Textarea label={t('duplicates.why')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} required />
            {m.error && <ErrorAlert error={m.error} />}
            <Group justify="flex-end">
              <Button color="orange" disabled={reason.trim().length < 3} loading={m.isPending} onClick={() => m.mutate(merging)}>
                {t('duplicates.confirm')}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Card>
  );
}
