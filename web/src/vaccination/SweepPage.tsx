// "Rà soát tiêm chủng" — phone first, for the community team going door to door: choose the
// village, walk the list household by household, one tap per outcome (a reason where one is
// needed, the lot when the dose is given at the door), the list shrinks; the PDF to print.
import { useMemo, useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Group, Modal, Select, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconPrinter, IconStarFilled } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCan, useMe } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { ApiError, withQuery } from '../lib/api.ts';
import { formatDate } from '../lib/format.ts';
import { useUrlParams } from '../lib/urlParams.ts';
import { useUnit } from '../units/queries.ts';
import { UnitSelect } from '../units/UnitSelect.tsx';
import { newKey, recordVisit, sweepKey, useLots, useSweepList, type SweepList, type SweepPerson, type VisitOutcome } from './coverageApi.ts';

const OUTCOMES: { value: VisitOutcome; color: string }[] = [
  { value: 'vaccinated', color: 'green' },
  { value: 'absent', color: 'gray' },
  { value: 'refused', color: 'red' },
  { value: 'moved', color: 'violet' },
  { value: 'contraindicated', color: 'orange' },
];

interface Pending {
  person: SweepPerson;
  outcome: VisitOutcome;
  key: string;
}

function PersonLine({ p, onTap, busy }: { p: SweepPerson; onTap(p: SweepPerson, o: VisitOutcome): void; busy: boolean }) {
  const { t } = useTranslation();
  return (
    <Stack gap={6} data-testid={`sweep-person-${p.personId}`}>
      <Group gap={6} wrap="wrap">
        <Text fw={p.highRisk ? 700 : 500}>{p.fullName}</Text>
        <Text size="sm" c="dimmed">
          {p.age != null ? t('vaccCoverage.sweep.age', { age: p.age }) : ''}
          {p.sex === 'M' ? ` · ${t('vaccCoverage.sweep.male')}` : p.sex === 'F' ? ` · ${t('vaccCoverage.sweep.female')}` : ''}
        </Text>
      </Group>
      <Group gap={4} wrap="wrap">
        <Badge size="sm" variant="light" color={p.status.state === 'overdue' ? 'red' : 'blue'}>
          {t(`vaccCoverage.dose.${p.status.nextKind ?? 'primary_1'}`)}
          {p.status.state === 'overdue' ? ` · ${t('vaccCoverage.sweep.overdue')}` : ''}
        </Badge>
        {p.bedridden && <Badge size="sm" color="grape" variant="light">{t('vaccCoverage.sweep.bedridden')}</Badge>}
        {p.comorbidity && <Badge size="sm" color="orange" variant="light">{t('vaccCoverage.sweep.comorbidity')}</Badge>}
        {p.immunocompromised && <Badge size="sm" color="orange" variant="light">{t('vaccCoverage.sweep.immunocompromised')}</Badge>}
        {p.homeRequest && <Badge size="sm" color="teal" variant="light">{t('vaccCoverage.sweep.homeRequested')}</Badge>}
        {p.mark === 'absent' && p.lastVisit && <Badge size="sm" color="gray">{t('vaccCoverage.sweep.wasAbsent', { date: formatDate(p.lastVisit.day) })}</Badge>}
        {p.mark === 'refused' && p.lastVisit && <Badge size="sm" color="red">{t('vaccCoverage.sweep.refusedOn', { date: formatDate(p.lastVisit.day), reason: p.lastVisit.reason ?? '' })}</Badge>}
      </Group>
      {p.phone && (
        <Anchor href={`tel:${p.phone}`} size="sm">
          {p.phone}
        </Anchor>
      )}
      <SimpleGrid cols={{ base: 2, xs: 3, sm: 5 }} spacing={6}>
        {OUTCOMES.map((o) => (
          <Button key={o.value} size="compact-md" h={40} variant={o.value === 'vaccinated' ? 'filled' : 'light'} color={o.color} disabled={busy} onClick={() => onTap(p, o.value)}>
            {t(`vaccCoverage.outcome.${o.value}`)}
          </Button>
        ))}
      </SimpleGrid>
    </Stack>
  );
}

/** Takes a person off the list held in the cache at once (the server's list follows on refetch). */
function withoutPerson(list: SweepList, personId: number, outcome: VisitOutcome, day: string): SweepList {
  const households = list.households
    .map((h) => ({
      ...h,
      members:
        outcome === 'absent'
          ? h.members.map((m) => (m.personId === personId ? { ...m, mark: 'absent' as const, lastVisit: { outcome, reason: null, day, visitedAt: new Date().toISOString() } } : m))
          : h.members.filter((m) => m.personId !== personId),
    }))
    .filter((h) => h.members.length);
  return { ...list, households, counts: { ...list.counts, people: households.reduce((s, h) => s + h.members.length, 0), households: households.length } };
}

export default function SweepPage() {
  const { t } = useTranslation();
  const me = useMe();
  const canRecord = useCan('vaccination.record');
  const qc = useQueryClient();
  const [params, update] = useUrlParams();
  const mine = useUnit(me.unitCode);
  const myLevel = mine.data?.unit.level;
  const commune = myLevel === 'commune' ? mine.data : null;
  // A commune's villages in the list's order. A commune officer starts on the first village, not
  // the whole commune: a large commune's list is tens of thousands of people (megabytes on a phone).
  const villages = useMemo(() => (commune?.children ?? []).filter((c) => c.level === 'village').sort((a, b) => a.name.localeCompare(b.name, 'vi', { numeric: true })), [commune]);
  const defaultUnit = myLevel === 'village' ? me.unitCode : myLevel === 'commune' ? (villages[0]?.code ?? me.unitCode) : null;
  const unit = params.get('unit') ?? defaultUnit;
  const list = useSweepList(unit);
  const lots = useLots(canRecord);
  const [pending, setPending] = useState<Pending | null>(null);
  const [reason, setReason] = useState('');
  const [lotId, setLotId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showRefused, setShowRefused] = useState(false);

  const send = useMutation({
    mutationFn: (p: Pending & { reason: string | null; lotId: number | null }) =>
      recordVisit({ personId: p.person.personId, outcome: p.outcome, reason: p.reason, idempotencyKey: p.key, dose: p.lotId ? { lotId: p.lotId } : null }),
    onSuccess: (_r, p) => {
      const key = sweepKey(unit);
      const cur = qc.getQueryData<SweepList>(key);
      if (cur) qc.setQueryData(key, withoutPerson(cur, p.person.personId, p.outcome, cur.day));
      void qc.invalidateQueries({ queryKey: key });
      void qc.invalidateQueries({ queryKey: ['vaccination', 'coverage'] });
      setPending(null);
      notifications.show({ color: 'green', message: t('vaccCoverage.sweep.saved', { name: p.person.fullName, outcome: t(`vaccCoverage.outcome.${p.outcome}`) }) });
    },
    onError: (e, p) => {
      // The same key stays for a retry, so a request that did arrive is not recorded twice.
      const f = e instanceof ApiError ? e.fields?.[0] : undefined;
      const msg = f ? t(`vaccCoverage.errors.${f.code}`, { defaultValue: t(`fieldErrors.${f.code}`, { defaultValue: f.message ?? e.message }) }) : e instanceof Error ? e.message : String(e);
      setError(msg);
      if (p.outcome === 'absent' || p.outcome === 'moved') {
        setPending(p);
        notifications.show({ color: 'red', message: `${p.person.fullName}: ${msg}` });
      }
    },
  });

  const tap = (person: SweepPerson, outcome: VisitOutcome) => {
    setError(null);
    setReason('');
    setLotId(null);
    const p = { person, outcome, key: newKey() };
    // Absent and moved need nothing more: one tap.
    if (outcome === 'absent' || outcome === 'moved') send.mutate({ ...p, reason: null, lotId: null });
    else setPending(p);
  };

  const l = list.data;

  if (mine.isPending) return <PageLoader />;
  const needsReason = pending && (pending.outcome === 'refused' || pending.outcome === 'contraindicated' || (pending.outcome === 'vaccinated' && !canRecord));

  return (
    <Stack gap="sm" maw={760}>
      <Title order={1} size="h2">{t('vaccCoverage.sweep.title')}</Title>
      <Group gap="xs" align="flex-end" wrap="wrap">
        {commune ? (
          <Select
            label={t('vaccCoverage.sweep.village')}
            data={[{ value: commune.unit.code, label: t('vaccCoverage.sweep.wholeCommune', { name: commune.unit.name }) }, ...villages.map((v) => ({ value: v.code, label: v.name }))]}
            value={unit}
            onChange={(v) => update((n) => (v && v !== defaultUnit ? n.set('unit', v) : n.delete('unit')))}
            allowDeselect={false}
            w={260}
            data-testid="sweep-village"
          />
        ) : myLevel !== 'village' ? (
          <UnitSelect label={t('vaccCoverage.sweep.chooseUnit')} levels={['commune', 'village']} value={unit} valueLabel={l?.unit.name} onChange={(code) => update((n) => (code ? n.set('unit', code) : n.delete('unit')))} w={280} />
        ) : null}
        {unit && (
          <Button component="a" href={`/api${withQuery('/vaccination/sweep.pdf', { unit })}`} target="_blank" variant="light" leftSection={<IconPrinter size={16} />}>
            {t('vaccCoverage.sweep.pdf')}
          </Button>
        )}
      </Group>
      {!unit && <Alert color="blue">{t('vaccCoverage.sweep.pickUnit')}</Alert>}
      {list.error && <ErrorAlert error={list.error} notFoundText={t('vaccCoverage.outOfScope')} onRetry={() => void list.refetch()} />}
      {unit && list.isPending && <PageLoader />}
      {l && (
        <>
          <Card withBorder padding="sm">
            <Text data-testid="sweep-counts">
              {t('vaccCoverage.sweep.counts', { people: l.counts.people, households: l.counts.households })}
            </Text>
            <Text size="sm" c="dimmed">
              {t('vaccCoverage.sweep.countsMore', { highRisk: l.counts.highRisk, overdue: l.counts.overdue, absent: l.counts.absent, refused: l.counts.refused })}
            </Text>
            <Text size="xs" c="dimmed">
              {t('vaccCoverage.sweep.order')}
            </Text>
          </Card>
          {l.households.length === 0 && <Alert color="green">{t('vaccCoverage.sweep.empty')}</Alert>}
          {l.households.map((h, i) => {
            const newVillage = i === 0 || l.households[i - 1].villageName !== h.villageName;
            return (
              <Stack key={h.key} gap={6}>
                {newVillage && (
                  <Title order={2} size="h4" mt="xs">
                    {h.villageName ?? t('vaccCoverage.sweep.noVillage')}
                  </Title>
                )}
                <Card withBorder padding="sm" data-testid="sweep-household" style={h.highRisk ? { borderLeft: '4px solid var(--mantine-color-red-6)' } : undefined}>
                  <Group gap={6} mb={6}>
                    {h.highRisk && <IconStarFilled size={14} color="var(--mantine-color-red-6)" aria-label={t('vaccCoverage.sweep.highRisk')} />}
                    <Text fw={600}>{h.address ?? t('vaccCoverage.sweep.noAddress')}</Text>
                    {h.householdId && (
                      <Text size="xs" c="dimmed">
                        {t('vaccCoverage.sweep.household', { id: h.householdId })}
                      </Text>
                    )}
                  </Group>
                  <Stack gap="md">
                    {h.members.map((m) => (
                      <PersonLine key={m.personId} p={m} onTap={tap} busy={send.isPending} />
                    ))}
                  </Stack>
                </Card>
              </Stack>
            );
          })}
          {l.refused.length > 0 && (
            <Card withBorder padding="sm">
              <Group justify="space-between">
                <Text fw={600}>{t('vaccCoverage.sweep.refusedTitle', { n: l.refused.length })}</Text>
                <Button size="xs" variant="subtle" onClick={() => setShowRefused((v) => !v)}>
                  {showRefused ? t('vaccCoverage.sweep.hide') : t('vaccCoverage.sweep.show')}
                </Button>
              </Group>
              {showRefused && (
                <Stack gap="md" mt="sm" data-testid="sweep-refused">
                  {l.refused.map((p) => (
                    <Stack key={p.personId} gap={2}>
                      <Text size="sm" c="dimmed">
                        {p.villageName} · {p.address}
                      </Text>
                      <PersonLine p={p} onTap={tap} busy={send.isPending} />
                    </Stack>
                  ))}
                </Stack>
              )}
            </Card>
          )}
        </>
      )}

      <Modal opened={!!pending} onClose={() => setPending(null)} title={pending ? `${pending.person.fullName} — ${t(`vaccCoverage.outcome.${pending.outcome}`)}` : ''} centered>
        {pending && (
          <Stack gap="sm">
            {pending.outcome === 'vaccinated' && canRecord && (
              <Select
                label={t('vaccCoverage.sweep.lot')}
                description={t('vaccCoverage.sweep.lotHint', { dose: t(`vaccCoverage.dose.${pending.person.status.nextKind ?? 'primary_1'}`) })}
                data={(lots.data ?? []).map((x) => ({ value: String(x.id), label: `${x.lotNumber} · ${t(`vaccCoverage.product.${x.productCode}`, { defaultValue: x.productCode })}` }))}
                value={lotId}
                onChange={setLotId}
                searchable
                required
                data-testid="sweep-lot"
              />
            )}
            {needsReason && (
              <Textarea
                label={pending.outcome === 'vaccinated' ? t('vaccCoverage.sweep.whereVaccinated') : t('vaccCoverage.sweep.reason')}
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                autosize
                minRows={2}
                required
                data-autofocus
                data-testid="sweep-reason"
              />
            )}
            {error && (
              <Alert color="red" icon={<IconAlertTriangle size={16} />}>
                {error}
              </Alert>
            )}
            <Button
              size="md"
              loading={send.isPending}
              disabled={(needsReason && !reason.trim()) || (pending.outcome === 'vaccinated' && canRecord && !lotId)}
              onClick={() => send.mutate({ ...pending, reason: reason.trim() || null, lotId: pending.outcome === 'vaccinated' && canRecord && lotId ? Number(lotId) : null })}
            >
              {t('vaccCoverage.sweep.save')}
            </Button>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
