// On a person's page: their cases, the exposures traced to them and their orders, for staff who
// may read cases. Nothing is shown when the person has none. An exposure traced by another commune
// and handed over here links to the hand-over (its case belongs to that commune).
import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconFileTypePdf } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../lib/api.ts';
import { formatDate } from '../lib/format.ts';
import { statusColor, type Contact, type Order } from './api.ts';
import { OrderSummary } from './OrderForm.tsx';
import type { HandoverStatus } from '../handover/api.ts';
import { HandoverStatusBadge } from '../handover/StatusBadge.tsx';

interface TracedContact extends Contact {
  /** The root case is in the viewer's jurisdiction (else it is another commune's). */
  caseVisible: boolean;
  handoverId: number | null;
  handoverStatus: HandoverStatus | null;
  handoverFrom: string | null;
}

interface Tracing {
  cases: { id: number; status: string; reportDate: string }[];
  contacts: TracedContact[];
  orders: Order[];
}

export function PersonTracing({ personId }: { personId: number }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['person-tracing', personId], queryFn: ({ signal }) => api<Tracing>(`/people/${personId}/tracing`, { signal }) });
  const d = q.data;
  if (!d || (!d.cases.length && !d.contacts.length && !d.orders.length)) return null;
  return (
    <Card withBorder data-testid="tracing">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('cases.tracingTitle')}
        </Title>
        {d.cases.map((c) => (
          <Group key={c.id} gap="xs">
            <Badge color={statusColor[c.status]}>F0 · {t(`cases.status.${c.status}`)}</Badge>
            <Anchor component={Link} to={`/cases/${c.id}`} size="sm">
              {t('cases.reportedOn', { date: formatDate(c.reportDate) })}
            </Anchor>
          </Group>
        ))}
        {d.contacts.map((k) => (
          <Group key={k.id} gap="xs">
            <Badge color={k.degree === 1 ? 'orange' : 'yellow'}>F{k.degree}</Badge>
            <Text size="sm">
              {t('cases.exposedToOn', { name: k.sourceName ?? '—', date: formatDate(k.exposureDate) })}
            </Text>
            {k.caseVisible ? (
              <Anchor component={Link} to={`/cases/${k.rootCaseId}`} size="sm">
                {t('cases.openChain')}
              </Anchor>
            ) : k.handoverId ? (
              <>
                <Anchor component={Link} to={`/handovers?focus=${k.handoverId}`} size="sm">
                  {t('handover.fromCommune', { commune: k.handoverFrom ?? '—' })}
                </Anchor>
                {k.handoverStatus && <HandoverStatusBadge status={k.handoverStatus} />}
              </>
            ) : null}
          </Group>
        ))}
        {d.orders.map((o) => (
          <Stack key={o.id} gap={0}>
            <OrderSummary o={o} />
            <Anchor href={`/api/quarantine-orders/${o.id}/decision.pdf`} target="_blank" size="sm">
              <Group gap={4}>
                <IconFileTypePdf size={16} />
                {t('cases.printDecision')} ({t(`cases.orderStatus.${o.status}`)})
              </Group>
            </Anchor>
          </Stack>
        ))}
      </Stack>
    </Card>
  );
}
