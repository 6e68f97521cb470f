// On a case: the contacts who live in other communes, as the tracer recorded them (name, degree,
// exposure), where they were handed over and the answer. Their record stays with their commune.
import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconArrowRight } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatDateTime } from '../lib/format.ts';
import type { OutgoingHandover } from './api.ts';
import { ResendButton } from './ResendButton.tsx';
import { HandoverStatusBadge } from './StatusBadge.tsx';

export function AnswerLine({ h }: { h: OutgoingHandover }) {
  const { t } = useTranslation();
  if (h.status === 'pending') return null;
  return (
    <Text size="sm" c={h.status === 'returned' ? 'red.8' : undefined} data-testid="handover-answer">
      {h.status === 'accepted' ? t('handover.acceptedBy', { who: h.answeredByName ?? '—', at: formatDateTime(h.answeredAt).slice(0, 16) }) : t('handover.returnedBy', { who: h.answeredByName ?? '—', at: formatDateTime(h.answeredAt).slice(0, 16) })}
      {h.returnReason ? ` — ${t(`handover.reasons.${h.returnReason}`)}` : ''}
      {h.answerNote ? `: “${h.answerNote}”` : ''}
    </Text>
  );
}

export function SentHandovers({ handovers, canManage }: { handovers: OutgoingHandover[]; canManage: boolean }) {
  const { t } = useTranslation();
  if (!handovers.length) return null;
  return (
    <Paper withBorder p="md" radius="md" data-testid="sent-handovers">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('handover.sentTitle', { count: handovers.length })}
        </Title>
        <Text size="sm" c="dimmed">
          {t('handover.sentHint')}
        </Text>
        {handovers.map((h) => (
          <Stack key={h.id} gap={2} p="xs" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }} data-testid="sent-handover">
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                <Badge color={h.degree === 1 ? 'orange' : 'yellow'} variant="filled" size="sm" style={{ flexShrink: 0 }}>
                  F{h.degree}
                </Badge>
                <Text fw={600} truncate>
                  {h.contactName}
                </Text>
              </Group>
              <HandoverStatusBadge status={h.status} />
            </Group>
            <Text size="sm">
              <IconArrowRight size={14} aria-hidden style={{ verticalAlign: '-2px', marginRight: 4 }} />
              {[h.toUnitName, h.toDistrictName].filter(Boolean).join(', ')}
              <Text span size="sm" c="dimmed">
                {' '}
                · {formatDate(h.exposureDate)} · {t(`cases.settings.${h.setting}`)}
              </Text>
            </Text>
            <AnswerLine h={h} />
            {canManage && h.status === 'returned' && !h.resent && (
              <Group>
                <ResendButton h={h} />
              </Group>
            )}
          </Stack>
        ))}
      </Stack>
    </Paper>
  );
}
