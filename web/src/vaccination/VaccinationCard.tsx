// The vaccination section of a person's page: where they stand (next dose, due, overdue, complete,
// deferred), their doses, adverse events with follow-ups, and their vaccination profile (priority
// group, risk, contraindication or deferral), editable by those who record doses.
import { useState, type FormEvent } from 'react';
import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, Modal, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconFlag, IconVaccine } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useMe } from '../auth/auth.tsx';
import { DateField } from '../common/DateField.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ApiError } from '../lib/api.ts';
import { formatDate, formatDateTime, todayInVietnam } from '../lib/format.ts';
import {
  AE_STATUSES,
  PRIORITY_GROUPS,
  followUpAdverseEvent,
  registryFieldErrors,
  reportAdverseEvent,
  saveProfile,
  stateColor,
  useProducts,
  useVaccinationRecord,
  type AdverseEvent,
  type AeStatus,
  type Dose,
  type Profile,
  type VaccinationRecord,
} from './registryApi.ts';

export function VaccinationCard({ personId }: { personId: number }) {
  const { t } = useTranslation();
  const me = useMe();
  const canRead = me.permissions.includes('vaccination.read');
  const canRecord = me.permissions.includes('vaccination.record');
  const q = useVaccinationRecord(canRead ? personId : null);
  if (!canRead) return null;
  return (
    <Card withBorder data-testid="vaccination-card">
      <Group justify="space-between" mb="sm" wrap="wrap" gap="xs">
        <Group gap="xs">
          <IconVaccine size={20} aria-hidden />
          <Title order={2} size="h4">
            {t('vaccRegistry.card.title')}
          </Title>
        </Group>
        {canRecord && (
          <Button component={Link} to={`/vaccination/record?person=${personId}`} size="xs" variant="light" leftSection={<IconVaccine size={14} />}>
            {t('vaccRegistry.card.record')}
          </Button>
        )}
      </Group>
      {q.isPending ? (
        <Text c="dimmed">{t('app.loading', { defaultValue: '…' })}</Text>
      ) : q.error ? (
        <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <Stack gap="md">
          <StatusSummary record={q.data} />
          {q.data.doses.length ? <DoseList record={q.data} canRecord={canRecord} /> : <Text c="dimmed">{t('vaccRegistry.card.noDoses')}</Text>}
          <ProfileSection record={q.data} canEdit={canRecord} />
        </Stack>
      )}
    </Card>
  );
}

/** The status badge with the next dose and its dates, in one or two lines. */
export function StatusSummary({ record }: { record: VaccinationRecord }) {
  const { t } = useTranslation();
  const s = record.status;
  const p = record.profile;
  return (
    <Stack gap={4} data-testid="schedule-status" data-state={s.state}>
      <Group gap="xs" wrap="wrap">
        <Badge size="lg" color={stateColor[s.state]} variant="filled">
          {t(`vaccRegistry.state.${s.state}`)}
        </Badge>
        {s.nextKind && (
          <Text fw={600}>
            {t('vaccRegistry.status.next')}: {t(`vaccRegistry.kind.${s.nextKind}`)}
          </Text>
        )}
      </Group>
      {/* A first dose due since the person came of age: the old date says nothing useful. */}
      {s.dueOn && s.state !== 'not_eligible' && !(s.state === 'due' && s.nextKind === 'primary_1') && (
        <Text size="sm" className="tabular">
          {t(s.state === 'deferred' ? 'vaccRegistry.status.deferredUntil' : 'vaccRegistry.status.dueOn', { date: formatDate(s.dueOn) })}
          {s.overdueAfter ? ` · ${t('vaccRegistry.status.overdueAfter', { date: formatDate(s.overdueAfter) })}` : ''}
        </Text>
      )}
      {s.state === 'not_eligible' && s.reason && (
        <Text size="sm">{t(`vaccRegistry.reason.${s.reason}`, { date: formatDate(s.dueOn), defaultValue: s.reason })}</Text>
      )}
      {s.state === 'complete' && s.reason && <Text size="sm">{t(`vaccRegistry.reason.${s.reason}`, { defaultValue: s.reason })}</Text>}
      {(s.state === 'contraindicated' || s.state === 'deferred') && p.deferralReason && (
        <Text size="sm">
          {t('vaccRegistry.profile.deferralReason')}: {p.deferralReason}
        </Text>
      )}
      {s.fullyVaccinatedOn && (
        <Text size="sm" c="green.8" className="tabular">
          {t('vaccRegistry.status.fullyOn', { date: formatDate(s.fullyVaccinatedOn) })}
        </Text>
      )}
    </Stack>
  );
}

export function DoseList({ record, compact = false, canRecord = false }: { record: VaccinationRecord; compact?: boolean; canRecord?: boolean }) {
  const { t } = useTranslation();
  const phone = useMediaQuery('(max-width: 48em)');
  const products = useProducts(todayInVietnam());
  const name = (code: string) => products.data?.products.find((p) => p.code === code)?.name ?? code;
  const eventsOf = (d: Dose) => record.adverseEvents.filter((e) => e.doseId === d.id);
  if (phone || compact)
    return (
      <Stack gap={6} data-testid="dose-list">
        {record.doses.map((d) => (
          <Card key={d.id} withBorder padding="xs" data-testid="dose-row">
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <Text fw={600} size="sm">
                {t(`vaccRegistry.kind.${d.kind}`)}
              </Text>
              <Text size="sm" className="tabular">
                {formatDate(d.givenOn)}
              </Text>
            </Group>
            <Text size="sm">
              {name(d.productCode)} · {d.lotNumber}
              {d.flagged && <FlagBadge d={d} />}
            </Text>
            {!compact && (d.siteName || d.siteUnitName) && (
              <Text size="xs" c="dimmed">
                {[d.siteName, d.siteUnitName].filter(Boolean).join(', ')}
              </Text>
            )}
            {!compact && <DoseEvents dose={d} events={eventsOf(d)} canRecord={canRecord} />}
          </Card>
        ))}
      </Stack>
    );
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing={6} fz="sm" striped data-testid="dose-list">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('vaccRegistry.card.dose')}</Table.Th>
            <Table.Th>{t('vaccRegistry.record.givenOn')}</Table.Th>
            <Table.Th>{t('vaccRegistry.card.product')}</Table.Th>
            <Table.Th>{t('vaccRegistry.record.site')}</Table.Th>
            <Table.Th>{t('vaccRegistry.card.adverse')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {record.doses.map((d) => (
            <Table.Tr key={d.id} data-testid="dose-row">
              <Table.Td>
                {t(`vaccRegistry.kind.${d.kind}`)}
                {d.flagged && <FlagBadge d={d} />}
              </Table.Td>
              <Table.Td className="tabular">{formatDate(d.givenOn)}</Table.Td>
              <Table.Td>
                {name(d.productCode)}
                <Text size="xs" c="dimmed" className="tabular">
                  {t('vaccRegistry.card.lot')} {d.lotNumber}
                </Text>
              </Table.Td>
              <Table.Td>
                {[d.siteName, d.siteUnitName].filter(Boolean).join(', ') || '—'}
                {d.vaccinator && (
                  <Text size="xs" c="dimmed">
                    {d.vaccinator}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <DoseEvents dose={d} events={eventsOf(d)} canRecord={canRecord} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function FlagBadge({ d }: { d: Dose }) {
  const { t } = useTranslation();
  return (
    <Badge ml={6} size="xs" color="orange" variant="light" leftSection={<IconFlag size={10} />} title={d.overrideReason ?? undefined}>
      {t('vaccRegistry.card.flagged')}
    </Badge>
  );
}

const aeColor: Record<AeStatus, string> = { open: 'orange', recovered: 'green', hospitalised: 'red', sequelae: 'grape', died: 'dark' };

function DoseEvents({ dose, events, canRecord }: { dose: Dose; events: AdverseEvent[]; canRecord: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <Stack gap={4}>
      {events.map((e) => (
        <EventLine key={e.id} e={e} canRecord={canRecord} />
      ))}
      {canRecord && (
        <Anchor component="button" type="button" size="xs" onClick={() => setOpen(true)} w="fit-content">
          {t('vaccRegistry.ae.report')}
        </Anchor>
      )}
      {!events.length && !canRecord && <Text size="sm">—</Text>}
      <Modal opened={open} onClose={() => setOpen(false)} title={t('vaccRegistry.ae.report')}>
        <AeForm dose={dose} onDone={() => setOpen(false)} />
      </Modal>
    </Stack>
  );
}

function EventLine({ e, canRecord }: { e: AdverseEvent; canRecord: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [status, setStatus] = useState<string | null>(null);
  const m = useMutation({
    mutationFn: (s: AeStatus) => followUpAdverseEvent(e.id, { status: s }),
    onSuccess: async () => {
      setStatus(null);
      await qc.invalidateQueries({ queryKey: ['vaccination', 'record'] });
    },
  });
  return (
    <div data-testid="adverse-event">
      <Group gap={4} wrap="wrap">
        <Badge size="xs" color={e.severity === 'serious' ? 'red' : 'yellow'} variant="light">
          {t(`vaccRegistry.ae.severity.${e.severity}`)}
        </Badge>
        <Badge size="xs" color={aeColor[e.status]} variant="outline">
          {t(`vaccRegistry.ae.status.${e.status}`)}
        </Badge>
      </Group>
      <Text size="xs">
        {formatDateTime(e.onsetAt).slice(0, 16)} · {e.description}
      </Text>
      {canRecord && e.status !== 'died' && (
        <Group gap={4} mt={2} wrap="nowrap">
          <Select
            size="xs"
            placeholder={t('vaccRegistry.ae.followUp')}
            data={AE_STATUSES.map((s) => ({ value: s, label: t(`vaccRegistry.ae.status.${s}`) }))}
            value={status}
            onChange={setStatus}
            w={150}
            aria-label={t('vaccRegistry.ae.followUp')}
          />
          <Button size="xs" variant="light" disabled={!status} loading={m.isPending} onClick={() => status && m.mutate(status as AeStatus)}>
            {t('vaccRegistry.ae.save')}
          </Button>
        </Group>
      )}
      {m.error && <ErrorAlert error={m.error} />}
    </div>
  );
}

function AeForm({ dose, onDone }: { dose: Dose; onDone(): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [severity, setSeverity] = useState<'mild' | 'serious'>('mild');
  const [day, setDay] = useState<string | null>(todayInVietnam());
  const [time, setTime] = useState('08:00');
  const [description, setDescription] = useState('');
  const m = useMutation({
    mutationFn: () => reportAdverseEvent(dose.id, { onsetAt: new Date(`${day}T${time || '00:00'}:00+07:00`).toISOString(), severity, description: description.trim() }),
    onSuccess: async () => {
      notifications.show({ color: 'green', message: t('vaccRegistry.ae.saved') });
      await qc.invalidateQueries({ queryKey: ['vaccination', 'record'] });
      onDone();
    },
  });
  const errors = registryFieldErrors(m.error, t);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (day) m.mutate();
  };
  return (
    <form onSubmit={submit}>
      <Stack gap="sm">
        <Text size="sm">
          {t(`vaccRegistry.kind.${dose.kind}`)} · {formatDate(dose.givenOn)}
        </Text>
        <SegmentedControl
          value={severity}
          onChange={(v) => setSeverity(v as 'mild' | 'serious')}
          data={[
            { value: 'mild', label: t('vaccRegistry.ae.severity.mild') },
            { value: 'serious', label: t('vaccRegistry.ae.severity.serious') },
          ]}
        />
        <SimpleGrid cols={2}>
          <DateField label={t('vaccRegistry.ae.onsetDay')} value={day} onChange={setDay} error={errors.onsetAt} required />
          <input aria-label={t('vaccRegistry.ae.onsetTime')} type="time" value={time} onChange={(e) => setTime(e.currentTarget.value)} style={{ marginTop: 24, padding: 6 }} />
        </SimpleGrid>
        <Textarea label={t('vaccRegistry.ae.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={2} required error={errors.description} />
        {m.error && !(m.error instanceof ApiError && m.error.fields.length) && <ErrorAlert error={m.error} />}
        <Button type="submit" loading={m.isPending} disabled={description.trim().length < 3}>
          {t('vaccRegistry.ae.save')}
        </Button>
      </Stack>
    </form>
  );
}

function ProfileSection({ record, canEdit }: { record: VaccinationRecord; canEdit: boolean }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const p = record.profile;
  const flags = [p.comorbidity && t('vaccRegistry.profile.comorbidity'), p.bedridden && t('vaccRegistry.profile.bedridden'), p.immunocompromised && t('vaccRegistry.profile.immunocompromised')].filter(Boolean);
  return (
    <div data-testid="vaccination-profile">
      <Group justify="space-between" gap="xs">
        <Text fw={600} size="sm">
          {t('vaccRegistry.profile.title')}
        </Text>
        {canEdit && (
          <Button size="xs" variant="subtle" onClick={() => setEditing(true)}>
            {t('vaccRegistry.profile.edit')}
          </Button>
        )}
      </Group>
      <Text size="sm">
        {t('vaccRegistry.profile.priorityGroup')}: {p.priorityGroup ? t(`vaccRegistry.priority.${p.priorityGroup}`) : '—'}
      </Text>
      {flags.length > 0 && <Text size="sm">{flags.join(' · ')}</Text>}
      {p.deferral && (
        <Alert mt={4} color={p.deferral === 'contraindicated' ? 'grape' : 'yellow'} variant="light" icon={<IconAlertTriangle size={16} />} p="xs">
          <Text size="sm">
            {t(`vaccRegistry.profile.${p.deferral}`)} ({formatDate(p.deferralOn)}
            {p.deferralUntil ? ` → ${formatDate(p.deferralUntil)}` : ''}): {p.deferralReason}
          </Text>
        </Alert>
      )}
      <Modal opened={editing} onClose={() => setEditing(false)} title={t('vaccRegistry.profile.title')}>
        <ProfileForm personId={record.person.id} profile={p} onDone={() => setEditing(false)} />
      </Modal>
    </div>
  );
}

function ProfileForm({ personId, profile, onDone }: { personId: number; profile: Profile; onDone(): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [v, setV] = useState(profile);
  const set = <K extends keyof Profile>(k: K, x: Profile[K]) => setV((o) => ({ ...o, [k]: x }));
  const m = useMutation({
    mutationFn: () =>
      saveProfile(personId, {
        priorityGroup: v.priorityGroup,
        comorbidity: v.comorbidity,
        bedridden: v.bedridden,
        immunocompromised: v.immunocompromised,
        deferral: v.deferral,
        deferralReason: v.deferral ? v.deferralReason : null,
        deferralOn: v.deferral ? v.deferralOn : null,
        deferralUntil: v.deferral === 'deferred' ? v.deferralUntil : null,
      }),
    onSuccess: async () => {
      notifications.show({ color: 'green', message: t('vaccRegistry.profile.saved') });
      await qc.invalidateQueries({ queryKey: ['vaccination', 'record'] });
      onDone();
    },
  });
  const errors = registryFieldErrors(m.error, t);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate();
      }}
    >
      <Stack gap="sm">
        <Select
          label={t('vaccRegistry.profile.priorityGroup')}
          data={PRIORITY_GROUPS.map((g) => ({ value: g, label: t(`vaccRegistry.priority.${g}`) }))}
          value={v.priorityGroup}
          onChange={(x) => set('priorityGroup', x as Profile['priorityGroup'])}
          clearable
        />
        <Checkbox label={t('vaccRegistry.profile.comorbidity')} checked={v.comorbidity} onChange={(e) => set('comorbidity', e.currentTarget.checked)} />
        <Checkbox label={t('vaccRegistry.profile.bedridden')} checked={v.bedridden} onChange={(e) => set('bedridden', e.currentTarget.checked)} />
        <Checkbox label={t('vaccRegistry.profile.immunocompromised')} checked={v.immunocompromised} onChange={(e) => set('immunocompromised', e.currentTarget.checked)} />
        <SegmentedControl
          value={v.deferral ?? 'none'}
          onChange={(x) => set('deferral', x === 'none' ? null : (x as Profile['deferral']))}
          data={[
            { value: 'none', label: t('vaccRegistry.profile.none') },
            { value: 'deferred', label: t('vaccRegistry.profile.deferred') },
            { value: 'contraindicated', label: t('vaccRegistry.profile.contraindicated') },
          ]}
        />
        {v.deferral && (
          <>
            <Textarea label={t('vaccRegistry.profile.deferralReason')} value={v.deferralReason ?? ''} onChange={(e) => set('deferralReason', e.currentTarget.value)} required error={errors.deferralReason} />
            <SimpleGrid cols={2}>
              <DateField label={t('vaccRegistry.profile.deferralOn')} value={v.deferralOn} onChange={(x) => set('deferralOn', x)} required error={errors.deferralOn} />
              {v.deferral === 'deferred' && <DateField label={t('vaccRegistry.profile.deferralUntil')} value={v.deferralUntil} onChange={(x) => set('deferralUntil', x)} error={errors.deferralUntil} />}
            </SimpleGrid>
          </>
        )}
        {m.error && !(m.error instanceof ApiError && m.error.fields.length) && <ErrorAlert error={m.error} />}
        <Button type="submit" loading={m.isPending}>
          {t('vaccRegistry.profile.save')}
        </Button>
      </Stack>
    </form>
  );
}
