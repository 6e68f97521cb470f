// "Khoanh vùng": lockdowns and zones of the jurisdiction with their planned lift dates and the
// people living there; officers who manage zones create, extend and lift them.
import { useState, type ReactNode } from 'react';
import { Badge, Button, Card, Collapse, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconCalendarPlus, IconLockOpen, IconPlus, IconUsers } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCan } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { formatDate, formatNumber, todayInVietnam } from '../lib/format.ts';
import { daysBetween } from '../quarantine/format.ts';
import { ResidentsDrawer } from './ResidentsDrawer.tsx';
import { ExtendModal, LiftModal } from './ZoneActions.tsx';
import { ZoneForm } from './ZoneForm.tsx';
import type { Zone } from './types.ts';

type Status = 'active' | 'lifted';

export default function ZonesPage() {
  const { t } = useTranslation();
  const canManage = useCan('zones.manage');
  const [status, setStatus] = useState<Status>('active');
  const [formOpen, setFormOpen] = useState(false);
  const [residentsOf, setResidentsOf] = useState<Zone | null>(null);
  const [extending, setExtending] = useState<Zone | null>(null);
  const [lifting, setLifting] = useState<Zone | null>(null);
  const q = useQuery({ queryKey: ['zones', status], queryFn: ({ signal }) => api<Zone[]>('/zones', { query: { status }, signal }) });

  return (
    <Stack gap="md" maw={1400}>
      <Group justify="space-between" gap="xs">
        <Title order={1} size="h2">
          {t('zones.title')}
        </Title>
        {canManage && !formOpen && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setFormOpen(true)}>
            {t('zones.form.open')}
          </Button>
        )}
      </Group>
      {canManage && (
        <Collapse expanded={formOpen}>
          <Card withBorder padding="sm" maw={640}>
            <Title order={2} size="h4" mb="xs">
              {t('zones.form.title')}
            </Title>
            <ZoneForm onDone={() => setFormOpen(false)} />
          </Card>
        </Collapse>
      )}
      <Group justify="space-between" gap="xs">
        <SegmentedControl value={status} onChange={(v) => setStatus(v as Status)} data={(['active', 'lifted'] as const).map((s) => ({ value: s, label: t(`zones.list.${s}`) }))} aria-label={t('zones.title')} />
        {q.data && (
          <Text size="sm" fw={600} data-testid="zones-count">
            {t('zones.list.count', { count: q.data.length })}
          </Text>
        )}
      </Group>
      {q.isPending ? (
        <PageLoader />
      ) : q.error ? (
        <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <Text c="dimmed" data-testid="zones-empty">
          {t(`zones.list.empty.${status}`)}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="sm" data-testid="zones">
          {q.data.map((z) => (
            <ZoneCard key={z.id} z={z} canManage={canManage} onResidents={() => setResidentsOf(z)} onExtend={() => setExtending(z)} onLift={() => setLifting(z)} />
          ))}
        </SimpleGrid>
      )}
      <ResidentsDrawer zone={residentsOf} onClose={() => setResidentsOf(null)} />
      <ExtendModal zone={extending} onClose={() => setExtending(null)} />
      <LiftModal zone={lifting} onClose={() => setLifting(null)} />
    </Stack>
  );
}

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Group gap={6} wrap="nowrap" align="baseline">
      <Text size="sm" c="dimmed" style={{ flexShrink: 0 }}>
        {label}:
      </Text>
      <Text size="sm" data-testid={testId}>
        {children}
      </Text>
    </Group>
  );
}

function ZoneCard({ z, canManage, onResidents, onExtend, onLift }: { z: Zone; canManage: boolean; onResidents(): void; onExtend(): void; onLift(): void }) {
  const { t } = useTranslation();
  const today = todayInVietnam();
  const left = daysBetween(today, z.plannedLiftDate);
  const active = z.status === 'active';
  return (
    <Paper withBorder p="sm" data-testid="zone" data-zone-id={z.id} style={active ? { borderLeft: `5px solid var(--mantine-color-${z.kind === 'lockdown' ? 'red' : 'orange'}-6)` } : undefined}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
          <Text fw={700} style={{ lineHeight: 1.3 }}>
            {z.name}
          </Text>
          <Group gap={4} wrap="nowrap" style={{ flexShrink: 0 }}>
            <Badge color={z.kind === 'lockdown' ? 'red' : 'orange'} variant={active ? 'filled' : 'light'}>
              {t(`zones.kind.${z.kind}`)}
            </Badge>
            {!active && (
              <Badge color="gray" variant="light">
                {t('zones.status.lifted')}
              </Badge>
            )}
          </Group>
        </Group>
        <Fact label={t('zones.card.units')}>{z.unitNames.length ? z.unitNames.join(', ') : z.unitCodes.join(', ')}</Fact>
        {z.streets && <Fact label={t('zones.card.streets')}>{z.streets}</Fact>}
        <Fact label={t('zones.card.start')}>{formatDate(z.startDate)}</Fact>
        <Fact label={t('zones.card.lastCase')}>{z.lastCaseDate ? formatDate(z.lastCaseDate) : t('zones.card.noCase')}</Fact>
        {active ? (
          <Fact label={t('zones.card.plannedLift')} testId="planned-lift">
            <b className="tabular">{formatDate(z.plannedLiftDate)}</b>{' '}
            <Text span size="sm" c={left <= 0 ? 'green.8' : undefined}>
              ({left > 0 ? t('zones.card.daysLeft', { count: left }) : t('zones.card.canLift')})
            </Text>
          </Fact>
        ) : (
          <Fact label={t('zones.card.lifted')}>{formatDate(z.liftedDate)}</Fact>
        )}
        {z.reason && <Fact label={t('zones.card.reason')}>{z.reason}</Fact>}
        <Group gap="xs" mt={4} wrap="wrap">
          <Button variant="light" leftSection={<IconUsers size={16} />} onClick={onResidents} data-testid="open-residents">
            {t('zones.card.residents', { n: formatNumber(z.residents) })}
          </Button>
          {canManage && active && (
            <>
              <Button variant="default" leftSection={<IconCalendarPlus size={16} />} onClick={onExtend}>
                {t('zones.extend.button')}
              </Button>
              <Button variant="light" color="orange" leftSection={<IconLockOpen size={16} />} onClick={onLift}>
                {t(`zones.lift.button_${z.kind}`)}
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
