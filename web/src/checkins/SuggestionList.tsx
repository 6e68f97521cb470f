// Suggested contacts from venue check-ins: who was at the same venue within the window of a
// case's visit. The tracer accepts (the person becomes an F1 of the case, source check-in) or
// rejects with a reason. Used on the exposures page and on a case's page.
import { useState } from 'react';
import { Anchor, Badge, Button, Card, Group, Modal, Select, Stack, Switch, Text, Textarea } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useCan, useMe } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { api } from '../lib/api.ts';
import { formatDateTime, formatPhone } from '../lib/format.ts';
import { usePublicUnits, type Suggestion } from './api.ts';

const PROXIMITIES = ['same_closed_space', 'within_2m', 'physical', 'farther'] as const;

export function SuggestionList({ items, showCase }: { items: Suggestion[]; showCase?: boolean }) {
  const { t } = useTranslation();
  const [accepting, setAccepting] = useState<Suggestion | null>(null);
  const [rejecting, setRejecting] = useState<Suggestion | null>(null);
  const phone = useMediaQuery('(max-width: 48em)');
  const canManage = useCan('cases.manage');
  if (!items.length) return <Text c="dimmed" size="sm" data-testid="exposures-empty">{t('checkins.exposures.empty')}</Text>;
  return (
    <Stack gap="sm">
      {items.map((s) => (
        <Card key={s.id} withBorder padding="sm" data-testid="exposure-suggestion" data-name={s.fullName}>
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <div>
              <Text fw={700}>{s.fullName}</Text>
              <Text size="sm">
                {[s.phone ? formatPhone(s.phone) : null, s.cccd ? `CCCD ${s.cccd}` : null].filter(Boolean).join(' · ')}
                {s.personId == null && (
                  <Badge ml={6} size="xs" color="gray">
                    {t('checkins.exposures.notInRegistry')}
                  </Badge>
                )}
              </Text>
            </div>
            <Badge color={s.status === 'suggested' ? 'orange' : s.status === 'accepted' ? 'green' : 'gray'} style={{ flexShrink: 0 }}>{t(`checkins.exposures.status.${s.status}`)}</Badge>
          </Group>
          <Text size="sm" mt={4}>
            {t('checkins.exposures.where', { venue: s.venueName, at: formatDateTime(s.contactAt).slice(0, 16), gap: s.gapMinutes })}
          </Text>
          {showCase && (
            <Text size="sm" c="dimmed">
              {t('checkins.exposures.case')}:{' '}
              <Anchor component={Link} to={`/cases/${s.caseId}`}>
                {s.caseName}
              </Anchor>{' '}
              · {formatDateTime(s.caseAt).slice(0, 16)}
            </Text>
          )}
          {s.visits > 1 && <Text size="xs">{t('checkins.exposures.visits', { count: s.visits })}</Text>}
          {s.alreadyContact && s.status === 'suggested' && (
            <Text size="xs" c="orange">
              {t('checkins.exposures.alreadyContact')}
            </Text>
          )}
          {s.reason && <Text size="xs" c="dimmed">{t('checkins.exposures.reason')}: {s.reason}</Text>}
          {s.status === 'suggested' && canManage && (
            <Group mt="xs" gap="xs">
              <Button size="sm" onClick={() => setAccepting(s)} data-testid="exposure-accept">
                {t('checkins.exposures.accept')}
              </Button>
              <Button size="sm" variant="default" onClick={() => setRejecting(s)} data-testid="exposure-reject">
                {t('checkins.exposures.reject')}
              </Button>
            </Group>
          )}
        </Card>
      ))}
      <Modal opened={!!accepting} onClose={() => setAccepting(null)} title={t('checkins.exposures.acceptTitle')} fullScreen={phone}>
        {accepting && <AcceptForm s={accepting} onDone={() => setAccepting(null)} />}
      </Modal>
      <Modal opened={!!rejecting} onClose={() => setRejecting(null)} title={t('checkins.exposures.rejectTitle')} fullScreen={phone}>
        {rejecting && <RejectForm s={rejecting} onDone={() => setRejecting(null)} />}
      </Modal>
    </Stack>
  );
}

function useRefresh(s: Suggestion) {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ['exposures'] });
    void qc.invalidateQueries({ queryKey: ['case-exposures', s.caseId] });
    void qc.invalidateQueries({ queryKey: ['case', String(s.caseId)] });
  };
}

function AcceptForm({ s, onDone }: { s: Suggestion; onDone(): void }) {
  const { t } = useTranslation();
  const me = useMe();
  const refresh = useRefresh(s);
  const [proximity, setProximity] = useState<string>('same_closed_space');
  const [masked, setMasked] = useState(false);
  const [unitCode, setUnitCode] = useState<string | null>(me.unitCode);
  const units = usePublicUnits(s.personId == null ? me.provinceCode : null);
  const m = useMutation({
    mutationFn: () =>
      api<{ contact: { id: number; meetsDefinition: boolean } }>(`/checkins/exposures/${s.id}/accept`, {
        method: 'POST',
        body: { proximity, masked, ...(s.personId == null ? { unitCode, confirmNew: true } : {}) },
      }),
    onSuccess: (r) => {
      notifications.show({ color: 'green', message: r.contact.meetsDefinition ? t('checkins.exposures.acceptedF1') : t('checkins.exposures.acceptedNotF1') });
      refresh();
      onDone();
    },
  });
  return (
    <Stack>
      <Text size="sm">{t('checkins.exposures.acceptIntro', { name: s.fullName, venue: s.venueName })}</Text>
      <Select label={t('checkins.exposures.proximity')} data={PROXIMITIES.map((p) => ({ value: p, label: t(`checkins.proximity.${p}`) }))} value={proximity} onChange={(v) => v && setProximity(v)} allowDeselect={false} />
      <Switch label={t('checkins.exposures.masked')} checked={masked} onChange={(e) => setMasked(e.currentTarget.checked)} />
      {s.personId == null && (
        <Select
          label={t('checkins.exposures.livesIn')}
          description={t('checkins.exposures.livesInHelp')}
          searchable
          data={(units.data?.items ?? []).filter((u) => u.level === 'commune').map((u) => ({ value: u.code, label: u.name }))}
          value={unitCode}
          onChange={setUnitCode}
        />
      )}
      {m.error && <ErrorAlert error={m.error} />}
      <Button onClick={() => m.mutate()} loading={m.isPending} data-testid="exposure-accept-confirm">
        {t('checkins.exposures.acceptConfirm')}
      </Button>
    </Stack>
  );
}

function RejectForm({ s, onDone }: { s: Suggestion; onDone(): void }) {
  const { t } = useTranslation();
  const refresh = useRefresh(s);
  const [reason, setReason] = useState('');
  const m = useMutation({
    mutationFn: () => api(`/checkins/exposures/${s.id}/reject`, { method: 'POST', body: { reason: reason.trim() } }),
    onSuccess: () => {
      refresh();
      onDone();
    },
  });
  return (
    <Stack>
      <Textarea label={t('checkins.exposures.reason')} description={t('checkins.exposures.reasonHelp')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} minRows={2} autosize />
      {m.error && <ErrorAlert error={m.error} />}
      <Button color="gray" onClick={() => m.mutate()} loading={m.isPending} disabled={reason.trim().length < 3}>
        {t('checkins.exposures.rejectConfirm')}
      </Button>
    </Stack>
  );
}
