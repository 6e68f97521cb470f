// The message outbox (demo build, docs/checkins.md): the SMS the platform would have sent — the
// citizens' one-time codes — for province administrators, since this build has no SMS gateway.
import { Card, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCan } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { api } from '../lib/api.ts';
import { formatDateTime, formatPhone } from '../lib/format.ts';

export function OutboxCard() {
  return useCan('users.manage') ? <Inner /> : null;
}

function Inner() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['outbox'], queryFn: () => api<{ items: { id: number; recipient: string; body: string; createdAt: string }[] }>('/checkins/outbox', { query: { limit: 20 } }) });
  return (
    <Card withBorder data-testid="outbox">
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t('checkins.outbox.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('checkins.outbox.help')}
        </Text>
        {q.error && <ErrorAlert error={q.error} />}
        {q.data && !q.data.items.length && <Text size="sm">{t('checkins.outbox.empty')}</Text>}
        {!!q.data?.items.length && (
          <Table>
            <Table.Tbody>
              {q.data.items.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(m.createdAt).slice(0, 16)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatPhone(m.recipient)}</Table.Td>
                  <Table.Td>{m.body}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}
