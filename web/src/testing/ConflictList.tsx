// Results that differ from the one already recorded are not overwritten: they wait here until
// someone at the lab keeps one of the two (with a note saying why).
import { useState } from 'react';
import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCan } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { formatDateTime, formatNumber } from '../lib/format.ts';
import { useConflicts, type Conflict, type TestResult } from './api.ts';
import { TESTING_PERMISSIONS } from './nav.ts';
import { errorMessage, resultColor } from './shared.ts';

export function ConflictList() {
  const { t } = useTranslation();
  const q = useConflicts();
  if (q.isPending) return <PageLoader />;
  if (q.error) return <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data.length)
    return (
      <Text c="dimmed" data-testid="conflicts-empty">
        {t('testing.conflicts.empty')}
      </Text>
    );
  return (
    <Stack gap="sm" data-testid="conflicts">
      <Text size="sm" c="dimmed">
        {t('testing.conflicts.intro')}
      </Text>
      {q.data.map((c) => (
        <ConflictCard key={c.id} c={c} />
      ))}
    </Stack>
  );
}

function Side({ label, r }: { label: string; r: { outcome: TestResult; ct: number | null; testedAt: string; source: string; rowNumbers?: number[] | null } }) {
  const { t } = useTranslation();
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Group gap={6}>
        <Badge color={resultColor[r.outcome]} variant="filled">
          {t(`testing.result.${r.outcome}`)}
        </Badge>
        {r.ct != null && (
          <Text size="sm" className="tabular">
            Ct {formatNumber(r.ct, 2)}
          </Text>
        )}
      </Group>
      <Text size="xs" c="dimmed">
        {[formatDateTime(r.testedAt).slice(0, 16), t(`testing.conflicts.source.${r.source}`, { defaultValue: r.source }), r.rowNumbers?.length ? t('testing.conflicts.rows', { rows: r.rowNumbers.join(', ') }) : null].filter(Boolean).join(' · ')}
      </Text>
    </div>
  );
}

function ConflictCard({ c }: { c: Conflict }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const canResolve = useCan(TESTING_PERMISSIONS.lab);
  const [note, setNote] = useState('');
  const m = useMutation({
    mutationFn: (decision: 'keep' | 'replace') => api(`/testing/conflicts/${c.id}/resolve`, { method: 'POST', body: { decision, note: note.trim() } }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('testing.conflicts.resolved', { code: c.barcode }) });
      void qc.invalidateQueries({ queryKey: ['testing'] });
    },
    onError: (e) => notifications.show({ color: 'red', message: errorMessage(e, t) }),
  });
  return (
    <Card withBorder padding="sm" data-testid="conflict">
      <Text fw={700} className="tabular" mb={6}>
        {c.barcode} · {t(`testing.lab.type.${c.targetType === 'pool' ? 'pool' : 'specimen'}`)}{c.subjectName ? ` · ${c.subjectName}` : ''}
      </Text>
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <Side label={t('testing.conflicts.current')} r={c.existing} />
        <Side label={t('testing.conflicts.incoming')} r={c.proposed} />
      </SimpleGrid>
      {canResolve && (
        <Stack gap="xs" mt="sm">
          <TextInput size="sm" label={t('testing.conflicts.note')} description={t('testing.conflicts.noteHint')} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={1000} required />
          <Group gap="xs" grow>
            <Button variant="default" onClick={() => m.mutate('keep')} loading={m.isPending && m.variables === 'keep'} disabled={note.trim().length < 3}>
              {t('testing.conflicts.keepCurrent')}
            </Button>
            <Button color="orange" onClick={() => m.mutate('replace')} loading={m.isPending && m.variables === 'replace'} disabled={note.trim().length < 3}>
              {t('testing.conflicts.keepIncoming')}
            </Button>
          </Group>
        </Stack>
      )}
    </Card>
  );
}
