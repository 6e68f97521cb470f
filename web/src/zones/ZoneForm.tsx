// A new lockdown or zone: its name, the communes / villages it covers, streets, start date and
// reason. The server sets the planned lift date from the policy and the last case there.
import { useState, type FormEvent } from 'react';
import { Button, Group, SegmentedControl, Stack, Input, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { api } from '../lib/api.ts';
import { formatDate, parseDayFirstDate, todayInVietnam } from '../lib/format.ts';
import { DateField } from '../quarantine/DateField.tsx';
import { areaFieldErrors, hasNoFieldFor } from '../quarantine/shared.ts';
import { UnitMultiPick, type PickedUnit } from './UnitMultiPick.tsx';
import { polygonOf, ZoneDrawMap, type LonLat } from './ZoneDrawMap.tsx';
import type { Zone } from './types.ts';

const FIELDS = ['name', 'kind', 'unitCodes', 'streets', 'geometry', 'startDate', 'reason'];

export function ZoneForm({ onDone }: { onDone(): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Zone['kind']>('zoned');
  const [units, setUnits] = useState<PickedUnit[]>([]);
  const [streets, setStreets] = useState('');
  const [start, setStart] = useState(formatDate(todayInVietnam()));
  const [reason, setReason] = useState('');
  const [corners, setCorners] = useState<LonLat[]>([]);
  const [local, setLocal] = useState<Record<string, string>>({});
  const m = useMutation({
    mutationFn: (startDate: string) =>
      api<Zone>('/zones', {
        method: 'POST',
        body: { name: name.trim(), kind, unitCodes: units.map((u) => u.code), streets: streets.trim() || null, startDate, reason: reason.trim() || null, geometry: polygonOf(corners) },
      }),
    onSuccess: (z) => {
      notifications.show({ color: 'green', message: t('zones.form.created', { name: z.name, date: formatDate(z.plannedLiftDate) }) });
      setName('');
      setUnits([]);
      setStreets('');
      setReason('');
      setCorners([]);
      onDone();
      void qc.invalidateQueries({ queryKey: ['zones'] });
    },
  });
  const errs = { ...areaFieldErrors(m.error, t, 'zones'), ...local };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const l: Record<string, string> = {};
    const startDate = parseDayFirstDate(start);
    if (name.trim().length < 3) l.name = t('fieldErrors.too_short');
    if (!units.length) l.unitCodes = t('zones.form.unitsRequired');
    if (!startDate) l.startDate = t('zones.invalidDate');
    setLocal(l);
    if (Object.keys(l).length) return;
    m.mutate(startDate!);
  };
  return (
    <form onSubmit={submit} noValidate data-testid="zone-form">
      <Stack gap="sm">
        <TextInput label={t('zones.form.name')} placeholder={t('zones.form.namePlaceholder')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={errs.name} required name="name" />
        <Input.Wrapper label={t('zones.form.kind')} error={errs.kind} required>
          <div>
            <SegmentedControl
              mt={4}
              value={kind}
              onChange={(v) => setKind(v as Zone['kind'])}
              data={(['zoned', 'lockdown'] as const).map((k) => ({ value: k, label: t(`zones.kind.${k}`) }))}
              aria-label={t('zones.form.kind')}
            />
          </div>
        </Input.Wrapper>
        <UnitMultiPick label={t('zones.form.units')} value={units} onChange={setUnits} error={errs.unitCodes} />
        <Textarea label={t('zones.form.streets')} description={t('zones.form.streetsHint')} value={streets} onChange={(e) => setStreets(e.currentTarget.value)} error={errs.streets} autosize minRows={1} maxLength={1000} name="streets" />
        <ZoneDrawMap corners={corners} onChange={setCorners} />
        {errs.geometry && (
          <Text size="sm" c="red">
            {errs.geometry}
          </Text>
        )}
        <DateField label={t('zones.form.startDate')} value={start} onChange={setStart} error={errs.startDate} required w={200} name="startDate" />
        <Textarea label={t('zones.form.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errs.reason} autosize minRows={2} maxLength={2000} name="reason" />
        {hasNoFieldFor(m.error, FIELDS) && <ErrorAlert error={m.error} />}
        <Group>
          <Button type="submit" loading={m.isPending}>
            {t('zones.form.save')}
          </Button>
          <Button variant="subtle" onClick={onDone}>
            {t('app.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
