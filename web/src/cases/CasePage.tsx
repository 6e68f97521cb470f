// One case (F0): who, the investigation, contacts traced from them, orders and the timeline of
// who changed what.
import { useState } from 'react';
import { Anchor, Badge, Button, Grid, Group, Modal, Paper, Stack, Text, Timeline, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconFileTypePdf } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { useMe } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { formatDate, formatDateTime, formatPhone } from '../lib/format.ts';
import { statusColor, useCase, type CaseEvent } from './api.ts';
import { InvestigationCard } from './InvestigationCard.tsx';
import { ContactsCard } from './ContactsCard.tsx';
import { CaseExposures } from '../checkins/CaseExposures.tsx';
import { OrderForm, OrderSummary } from './OrderForm.tsx';

export default function CasePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const me = useMe();
  const phone = useMediaQuery('(max-width: 48em)');
  const res = useCase(id);
  const [isolating, setIsolating] = useState(false);
  if (res.isPending) return <PageLoader />;
  if (res.error) return <ErrorAlert error={res.error} onRetry={() => void res.refetch()} />;
  const d = res.data;
  const c = d.case;
  const canManage = me.permissions.includes('cases.manage');
  const canOrder = me.permissions.includes('quarantine.manage');
  const activeOrder = d.orders.find((o) => o.status === 'active');

  return (
    <Stack gap="md" maw={1200}>
      <Stack gap={4}>
        <Group gap="sm" wrap="wrap">
          <Title order={1} size="h2">
            {c.fullName}
          </Title>
          <Badge color={statusColor[c.status]} size="lg" variant="filled">
            F0 · {t(`cases.status.${c.status}`)}
          </Badge>
          {d.clusters.map((cl) => (
            <Badge key={cl.id} color="grape" variant="light">
              {cl.name}
            </Badge>
          ))}
        </Group>
        <Text c="dimmed" size="sm">
          {[c.birthDate && `${t('person.birthDate')} ${formatDate(c.birthDate)}`, c.sex && t(`person.${c.sex}`), c.phone && formatPhone(c.phone), c.communeName].filter(Boolean).join(' · ')}
        </Text>
        <Text size="sm">
          {t('cases.reportedOn', { date: formatDate(c.reportDate) })} · {t(`cases.detected.${c.detectedIn}`)} · {t(`cases.basis.${c.basis}`)} ({t('cases.definitionVersion', { version: c.definitionVersion })})
        </Text>
        <Group gap="md">
          <Anchor component={Link} to={`/people/${c.personId}`} size="sm">
            {t('cases.openPerson')}
          </Anchor>
          <Anchor component={Link} to="/cases/graph" size="sm">
            {t('nav.graph')}
          </Anchor>
        </Group>
      </Stack>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <InvestigationCard record={c} canEdit={canManage} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md">
            <Paper withBorder p="md" radius="md">
              <Stack gap="sm">
                <Title order={2} size="h4">
                  {t('cases.orders')}
                </Title>
                {!d.orders.length && <Text c="dimmed">{t('cases.noOrders')}</Text>}
                {d.orders.map((o) => (
                  <Stack key={o.id} gap={2} data-testid="order">
                    <Group gap="xs">
                      <Badge variant="light" color={o.status === 'active' ? 'orange' : 'gray'}>
                        {t(`cases.orderStatus.${o.status}`)}
                      </Badge>
                      <Text size="sm" fw={600}>
                        {t('cases.decisionNo', { no: o.decisionNo })}
                      </Text>
                    </Group>
                    <OrderSummary o={o} />
                    <Anchor href={`/api/quarantine-orders/${o.id}/decision.pdf`} target="_blank" size="sm">
                      <Group gap={4}>
                        <IconFileTypePdf size={16} />
                        {t('cases.printDecision')}
                      </Group>
                    </Anchor>
                  </Stack>
                ))}
                {canOrder && c.status === 'confirmed' && !activeOrder && (
                  <Group>
                    <Button size="xs" onClick={() => setIsolating(true)}>
                      {t('cases.orderIsolation')}
                    </Button>
                  </Group>
                )}
              </Stack>
            </Paper>
            <Paper withBorder p="md" radius="md">
              <Stack gap="sm">
                <Title order={2} size="h4">
                  {t('cases.timeline')}
                </Title>
                <Timeline bulletSize={14} lineWidth={2} active={d.events.length}>
                  {d.events.map((e) => (
                    <Timeline.Item key={e.id} title={t(`cases.event.${e.kind}`, { defaultValue: e.kind })}>
                      <Text size="xs" c="dimmed">
                        {formatDateTime(e.at)} · {e.username ?? '—'}
                      </Text>
                      <EventChanges e={e} />
                    </Timeline.Item>
                  ))}
                </Timeline>
              </Stack>
            </Paper>
          </Stack>
        </Grid.Col>
      </Grid>
      <ContactsCard detail={d} canManage={canManage} canOrder={canOrder} />
      <CaseExposures caseId={c.id} />
      <Modal opened={isolating} onClose={() => setIsolating(false)} title={t('cases.orderIsolation')} size="lg" fullScreen={phone}>
        {isolating && (
          <OrderForm
            personId={c.personId}
            personName={c.fullName}
            kind="isolation"
            caseId={c.id}
            onDone={(o) => {
              notifications.show({ color: 'green', message: t('cases.orderIssued', { until: formatDate(o.endDate) }) });
              setIsolating(false);
            }}
          />
        )}
      </Modal>
    </Stack>
  );
}

function EventChanges({ e }: { e: CaseEvent }) {
  const { t } = useTranslation();
  if (!e.changes) return null;
  if (e.kind === 'updated') {
    const show = (v: unknown) => (v == null || v === '' ? '—' : Array.isArray(v) ? v.join(', ') || '—' : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? formatDate(v) : String(v));
    return (
      <Stack gap={0}>
        {Object.entries(e.changes as Record<string, { from: unknown; to: unknown }>).map(([k, v]) => (
          <Text key={k} size="xs">
            {t(`cases.fields.${k}`, { defaultValue: k })}: {show(v.from)} → {show(v.to)}
          </Text>
        ))}
      </Stack>
    );
  }
  if (e.kind === 'contacts_added') {
    const c = e.changes as { degree: number; count: number };
    return <Text size="xs">{t('cases.event.contactsDetail', { count: c.count, degree: c.degree })}</Text>;
  }
  return null;
}
