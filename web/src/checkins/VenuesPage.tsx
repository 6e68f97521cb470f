// "Địa điểm quét QR": venues of the jurisdiction. Pending registrations first: approve (the QR
// works from then on; the venue staff's scanner link is shown once), reject or revoke with a
// reason; print the A4 poster; tracing staff see who was there in the last 24 hours.
import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, CopyButton, Group, Modal, SegmentedControl, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { IconFileTypePdf, IconSearch } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCan } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { formatDateTime, formatPhone } from '../lib/format.ts';
import { useUrlParams } from '../lib/urlParams.ts';
import { useVenues, type Venue } from './api.ts';

const STATUS_COLOR = { pending: 'orange', approved: 'green', rejected: 'gray', revoked: 'red' } as const;

export default function VenuesPage() {
  const { t } = useTranslation();
  const [params, update] = useUrlParams();
  const status = params.get('status') ?? 'pending';
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 300);
  const venues = useVenues(status === 'all' ? null : status, q);
  const [staffLink, setStaffLink] = useState<{ name: string; url: string } | null>(null);
  return (
    <Stack gap="md" maw={1000}>
      <div>
        <Title order={1} size="h2">
          {t('checkins.venues.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('checkins.venues.intro')}{' '}
          <Anchor href="/dang-ky-dia-diem" target="_blank">
            {t('checkins.venues.registerLink')}
          </Anchor>
        </Text>
      </div>
      <Group gap="sm" align="flex-end">
        <SegmentedControl
          value={status}
          onChange={(v) => update((n) => n.set('status', v))}
          data={(['pending', 'approved', 'revoked', 'all'] as const).map((s) => ({ value: s, label: t(`checkins.venues.status.${s}`) }))}
        />
        <TextInput leftSection={<IconSearch size={16} />} placeholder={t('checkins.venues.search')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={260} />
      </Group>
      {staffLink && (
        <Alert color="green" withCloseButton onClose={() => setStaffLink(null)} title={t('checkins.venues.staffLinkTitle', { name: staffLink.name })} data-testid="staff-link">
          <Text size="sm">{t('checkins.venues.staffLinkHelp')}</Text>
          <Group gap="xs" mt={6} wrap="nowrap">
            <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
              {staffLink.url}
            </Text>
            <CopyButton value={staffLink.url}>{({ copied, copy }) => <Button size="xs" variant="light" onClick={copy}>{copied ? t('checkins.venues.copied') : t('checkins.venues.copy')}</Button>}</CopyButton>
          </Group>
        </Alert>
      )}
      {venues.isPending && <PageLoader />}
      {venues.error && <ErrorAlert error={venues.error} onRetry={() => void venues.refetch()} />}
      {venues.data && !venues.data.items.length && <Text c="dimmed">{t('checkins.venues.empty')}</Text>}
      {venues.data?.items.map((v) => <VenueCard key={v.id} v={v} onStaffLink={(url) => setStaffLink({ name: v.name, url })} />)}
    </Stack>
  );
}

function VenueCard({ v, onStaffLink }: { v: Venue; onStaffLink(url: string): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const canTrace = useCan('checkins.trace');
  const phone = useMediaQuery('(max-width: 48em)');
  const [asking, setAsking] = useState<'reject' | 'revoke' | null>(null);
  const [reason, setReason] = useState('');
  const [who, setWho] = useState(false);
  const act = useMutation({
    mutationFn: (a: { path: string; reason?: string }) => api<{ staffUrl: string | null }>(`/venues/${v.id}/${a.path}`, { method: 'POST', body: a.reason ? { reason: a.reason } : {} }),
    onSuccess: (r) => {
      if (r.staffUrl) onStaffLink(r.staffUrl);
      setAsking(null);
      setReason('');
      void qc.invalidateQueries({ queryKey: ['venues'] });
    },
  });
  return (
    <Card withBorder padding="sm" data-testid="venue-card" data-code={v.code}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Text fw={700}>{v.name}</Text>
          <Text size="sm">
            {t(`checkins.kind.${v.kind}`)} · {v.address}, {v.communeName}
            {v.districtName ? `, ${v.districtName}` : ''}
          </Text>
          <Text size="sm" c="dimmed">
            {t('checkins.venues.owner')}: {v.ownerName} · {formatPhone(v.ownerPhone)}
            {v.ownerEmail ? ` · ${v.ownerEmail}` : ''}
          </Text>
          <Text size="xs" c="dimmed">
            {t('checkins.venues.registered', { at: formatDateTime(v.createdAt).slice(0, 16) })}
            {v.status === 'approved' && ` · ${t('checkins.venues.lastDay', { count: v.checkinsLastDay })}`}
          </Text>
          {v.statusReason && <Text size="xs">{t('checkins.venues.reason')}: {v.statusReason}</Text>}
        </div>
        <Badge color={STATUS_COLOR[v.status]} style={{ flexShrink: 0 }}>{t(`checkins.venues.status.${v.status}`)}</Badge>
      </Group>
      {act.error && <ErrorAlert error={act.error} />}
      <Group gap="xs" mt="xs">
        {(v.status === 'pending' || v.status === 'revoked') && (
          <Button size="sm" onClick={() => act.mutate({ path: 'approve' })} loading={act.isPending} data-testid="venue-approve">
            {t('checkins.venues.approve')}
          </Button>
        )}
        {v.status === 'pending' && (
          <Button size="sm" variant="default" onClick={() => setAsking('reject')}>
            {t('checkins.venues.reject')}
          </Button>
        )}
        {v.status === 'approved' && (
          <>
            <Button size="sm" component="a" href={`/api/venues/${v.id}/poster.pdf`} target="_blank" leftSection={<IconFileTypePdf size={16} />} data-testid="venue-poster">
              {t('checkins.venues.poster')}
            </Button>
            <Button size="sm" variant="default" onClick={() => act.mutate({ path: 'staff-key' })}>
              {t('checkins.venues.newStaffLink')}
            </Button>
            {canTrace && (
              <Button size="sm" variant="default" onClick={() => setWho(true)}>
                {t('checkins.venues.who')}
              </Button>
            )}
            <Button size="sm" variant="subtle" color="red" onClick={() => setAsking('revoke')}>
              {t('checkins.venues.revoke')}
            </Button>
          </>
        )}
      </Group>
      <Modal opened={!!asking} onClose={() => setAsking(null)} title={asking ? t(`checkins.venues.${asking}`) : ''} fullScreen={phone}>
        <Stack>
          <Textarea label={t('checkins.venues.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
          <Button color="red" disabled={reason.trim().length < 3} loading={act.isPending} onClick={() => asking && act.mutate({ path: asking, reason: reason.trim() })}>
            {asking ? t(`checkins.venues.${asking}`) : ''}
          </Button>
        </Stack>
      </Modal>
      <Modal opened={who} onClose={() => setWho(false)} title={t('checkins.venues.whoTitle', { name: v.name })} size="lg" fullScreen={phone}>
        {who && <WhoWasThere id={v.id} />}
      </Modal>
    </Card>
  );
}

function WhoWasThere({ id }: { id: number }) {
  const { t } = useTranslation();
  const [range] = useState(() => ({ from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() }));
  const q = useQuery({
    queryKey: ['venue-checkins', id, range.from],
    queryFn: () => api<{ items: { at: string; fullName: string; phone: string | null; cccd: string | null; method: string }[] }>(`/venues/${id}/checkins`, { query: range }),
  });
  if (q.isPending) return <PageLoader />;
  if (q.error) return <ErrorAlert error={q.error} />;
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed">
        {t('checkins.venues.whoHelp', { count: q.data.items.length })}
      </Text>
      <Table striped>
        <Table.Tbody>
          {q.data.items.map((r, i) => (
            <Table.Tr key={i}>
              <Table.Td>{formatDateTime(r.at).slice(0, 16)}</Table.Td>
              <Table.Td>{r.fullName}</Table.Td>
              <Table.Td>{r.phone ? formatPhone(r.phone) : r.cccd ? `CCCD ${r.cccd}` : ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
