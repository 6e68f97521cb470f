// "Bàn giao": contacts traced across commune borders. Received — people of this commune another
// commune traced, to accept (and follow up) or return. Sent — contacts this commune traced who
// live elsewhere: what was recorded, where it went, the answer, and handing a returned one over
// again. Cards for a phone, like the task list.
import { useEffect, useState } from 'react';
import { Anchor, Badge, Chip, Group, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { IconArrowRight } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { useCan } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { formatDate, formatDateTime } from '../lib/format.ts';
import { useHandovers, type Box, type HandoverStatus, type IncomingHandover, type OutgoingHandover } from './api.ts';
import { IncomingCard } from './IncomingCard.tsx';
import { ResendButton } from './ResendButton.tsx';
import { AnswerLine } from './SentHandovers.tsx';
import { HandoverStatusBadge } from './StatusBadge.tsx';

type Filter = HandoverStatus | 'all';
const FILTERS: Filter[] = ['pending', 'accepted', 'returned', 'all'];

export default function HandoversPage() {
  const { t } = useTranslation();
  const canOrder = useCan('quarantine.manage');
  const [params] = useSearchParams();
  const focus = Number(params.get('focus')) || null;
  const [box, setBox] = useState<Box>(params.get('box') === 'out' ? 'out' : 'in');
  // Received: what waits for an answer. Sent, or opened from a task or a person's page: everything.
  const [filter, setFilter] = useState<Filter>(focus || box === 'out' ? 'all' : 'pending');
  const q = useHandovers(box, filter === 'all' ? null : filter);
  const waiting = useHandovers('in', 'pending');
  const counts = q.data?.counts;

  useEffect(() => {
    if (!focus || !q.data) return;
    document.querySelector(`[data-handover-id="${focus}"]`)?.scrollIntoView({ block: 'center' });
  }, [focus, q.data]);

  const total = counts ? counts.pending + counts.accepted + counts.returned : 0;
  const label = (f: Filter) => {
    const n = !counts ? null : f === 'all' ? total : counts[f];
    return n == null ? t(`handover.filter.${f}`) : `${t(`handover.filter.${f}`)} (${n})`;
  };

  return (
    <Stack gap="md" maw={760}>
      <Title order={1} size="h2">
        {t('handover.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('handover.pageHint')}
      </Text>
      <SegmentedControl
        fullWidth
        size="md"
        value={box}
        onChange={(v) => {
          setBox(v as Box);
          setFilter(v === 'in' ? 'pending' : 'all');
        }}
        aria-label={t('handover.title')}
        data={[
          {
            value: 'in',
            label: (
              <Group gap={4} justify="center" wrap="nowrap">
                <span>{t('handover.box.in')}</span>
                {!!waiting.data?.counts.pending && (
                  <Badge color="orange" variant="filled" size="sm" circle={waiting.data.counts.pending < 10} data-testid="incoming-count">
                    {waiting.data.counts.pending}
                  </Badge>
                )}
              </Group>
            ),
          },
          { value: 'out', label: t('handover.box.out') },
        ]}
      />
      {/* Chips wrap on a narrow phone where four segments would not fit. */}
      <Chip.Group value={filter} onChange={(v) => setFilter(v as Filter)}>
        <Group gap="xs" role="radiogroup" aria-label={t('handover.filterLabel')}>
          {FILTERS.map((f) => (
            <Chip key={f} value={f} size="sm" variant="outline">
              {label(f)}
            </Chip>
          ))}
        </Group>
      </Chip.Group>
      {q.isPending ? (
        <PageLoader />
      ) : q.error ? (
        <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <Text c="dimmed" py="lg" ta="center" data-testid="handovers-empty">
          {t(`handover.empty.${box}`)}
        </Text>
      ) : (
        <Stack gap="sm" data-testid="handover-list">
          {box === 'in'
            ? (q.data.items as IncomingHandover[]).map((h) => <IncomingCard key={h.id} h={h} focused={h.id === focus} canOrder={canOrder} />)
            : (q.data.items as OutgoingHandover[]).map((h) => <OutgoingCard key={h.id} h={h} focused={h.id === focus} />)}
        </Stack>
      )}
    </Stack>
  );
}

/** A contact this commune sent: as recorded, where to, and the answer. */
function OutgoingCard({ h, focused }: { h: OutgoingHandover; focused: boolean }) {
  const { t } = useTranslation();
  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      data-testid="outgoing-handover"
      data-handover-id={h.id}
      style={{ borderLeft: `5px solid var(--mantine-color-${h.status === 'pending' ? 'orange-6' : h.status === 'accepted' ? 'teal-6' : 'red-6'})`, outline: focused ? '2px solid var(--mantine-color-blue-5)' : undefined }}
    >
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
            <Badge color={h.degree === 1 ? 'orange' : 'yellow'} variant="filled" style={{ flexShrink: 0 }}>
              F{h.degree}
            </Badge>
            <Text fw={700} size="lg" truncate>
              {h.contactName}
            </Text>
          </Group>
          <HandoverStatusBadge status={h.status} />
        </Group>
        <Group gap={4} wrap="nowrap" align="flex-start">
          <IconArrowRight size={16} style={{ flexShrink: 0, marginTop: 3 }} aria-hidden />
          <Text size="sm">{[h.toUnitName, h.toDistrictName].filter(Boolean).join(', ')}</Text>
        </Group>
        <Text size="sm" c="dimmed">
          {t('handover.sentLine', { who: h.createdByName ?? '—', at: formatDateTime(h.createdAt).slice(0, 16) })} · {t('handover.exposure', { date: formatDate(h.exposureDate), setting: t(`cases.settings.${h.setting}`) })}
        </Text>
        {h.message && (
          <Text size="sm" fs="italic">
            “{h.message}”
          </Text>
        )}
        <AnswerLine h={h} />
        <Group justify="space-between" gap="xs">
          {h.caseVisible ? (
            <Anchor component={Link} to={`/cases/${h.caseId}`} size="sm">
              {t('handover.openCase')}
            </Anchor>
          ) : (
            <span />
          )}
          {h.status === 'returned' && !h.resent && <ResendButton h={h} size="md" />}
          {h.resent && (
            <Text size="sm" c="dimmed">
              {t('handover.alreadyResent')}
            </Text>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
