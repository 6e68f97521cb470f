// Issue a quarantine (contact) or isolation (case) order. The server computes the dates from the
// policy in force and the person's vaccination or recovery; a full facility is refused.
import { useState } from 'react';
import { Alert, Button, Group, Select, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../lib/api.ts';
import { formatDate } from '../lib/format.ts';
import { fieldErrors } from '../common/fieldErrors.ts';
import { DateField } from '../common/DateField.tsx';
import type { Order } from './api.ts';

interface Facility {
  id: number;
  name: string;
  capacity: number;
  occupied: number;
  active: boolean;
}

export function OrderForm({ personId, personName, kind, caseId, onDone }: { personId: number; personName: string; kind: 'quarantine' | 'isolation'; caseId: number; onDone(o: Order): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [place, setPlace] = useState<'policy' | 'home' | 'centralised' | 'hospital'>('policy');
  const [facilityId, setFacilityId] = useState<string | null>(null);
  const [vaccinatedOn, setVaccinatedOn] = useState<string | null>(null);
  const [recoveredOn, setRecoveredOn] = useState<string | null>(null);
  const facilities = useQuery({ queryKey: ['facilities'], queryFn: ({ signal }) => api<Facility[]>('/facilities', { signal }) });
  const m = useMutation({
    mutationFn: () =>
      api<Order>('/quarantine-orders', {
        method: 'POST',
        body: {
          personId,
          kind,
          ...(place !== 'policy' ? { place } : {}),
          ...(place === 'centralised' || place === 'hospital' ? { facilityId: facilityId ? Number(facilityId) : null } : {}),
          immunity: { fullyVaccinatedOn: vaccinatedOn, recoveredOn },
        },
      }),
    onSuccess: (o) => {
      void qc.invalidateQueries({ queryKey: ['case', String(caseId)] });
      void qc.invalidateQueries({ queryKey: ['facilities'] });
      onDone(o);
    },
  });
  const errs = fieldErrors(m.error, t);
  const needsFacility = place === 'centralised' || place === 'hospital';
  return (
    <Stack gap="sm">
      <Text>
        {t(kind === 'quarantine' ? 'cases.orderFor' : 'cases.isolationFor', { name: personName })}
      </Text>
      <Select
        label={t('cases.place')}
        value={place}
        onChange={(v) => v && setPlace(v as typeof place)}
        data={(['policy', 'home', 'centralised', 'hospital'] as const).map((p) => ({ value: p, label: t(`cases.places.${p}`) }))}
        allowDeselect={false}
      />
      {needsFacility && (
        <Select
          label={t('cases.facility')}
          value={facilityId}
          onChange={setFacilityId}
          error={errs.facilityId}
          data={(facilities.data ?? [])
            .filter((f) => f.active)
            .map((f) => ({ value: String(f.id), label: `${f.name} (${f.occupied}/${f.capacity})`, disabled: f.occupied >= f.capacity }))}
          nothingFoundMessage={t('cases.noFacility')}
          required
        />
      )}
      <DateField label={t('cases.fullyVaccinatedOn')} description={t('cases.fullyVaccinatedHint')} value={vaccinatedOn} onChange={setVaccinatedOn} error={errs['immunity.fullyVaccinatedOn']} />
      <DateField label={t('cases.recoveredOn')} value={recoveredOn} onChange={setRecoveredOn} error={errs['immunity.recoveredOn']} />
      {m.error instanceof ApiError && !Object.keys(errs).length && (
        <Alert color="red" variant="light">
          {m.error.message}
        </Alert>
      )}
      {errs.personId && (
        <Alert color="red" variant="light">
          {errs.personId}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button onClick={() => m.mutate()} loading={m.isPending} disabled={needsFacility && !facilityId}>
          {t('cases.issueOrder')}
        </Button>
      </Group>
    </Stack>
  );
}

export function OrderSummary({ o }: { o: Order }) {
  const { t } = useTranslation();
  return (
    <Text size="sm">
      {t(`cases.orderKind.${o.kind}`)} · {t(`cases.places.${o.place}`)}
      {o.facilityName ? ` (${o.facilityName})` : ''} · {formatDate(o.startDate)} – {formatDate(o.endDate)} · {t('cases.monitorUntil', { date: formatDate(o.monitorUntil) })}
      {o.testDays.length > 0 && ` · ${t('cases.testDays', { days: o.testDays.join(', ') })}`}
    </Text>
  );
}
