// Registering a laboratory with its daily capacity (single tests, and people covered by pools).
import { useState, type FormEvent } from 'react';
import { Button, Group, NumberInput, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { api } from '../lib/api.ts';
import { UnitSelect } from '../units/UnitSelect.tsx';
import type { Lab } from './api.ts';
import { noFieldFor, testingFieldErrors } from './shared.ts';

export function LabForm({ onDone }: { onDone(lab: Lab | null): void }) {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const [f, setF] = useState({ name: '', unitCode: me.unitCode as string | null, address: '', single: '' as number | string, pooled: '' as number | string });
  const [local, setLocal] = useState<Record<string, string>>({});
  const m = useMutation({
    mutationFn: () =>
      api<Lab>('/testing/labs', {
        method: 'POST',
        body: { name: f.name.trim(), unitCode: f.unitCode, ...(f.address.trim() ? { address: f.address.trim() } : {}), capacitySingle: Number(f.single), capacityPooled: Number(f.pooled) },
      }),
    onSuccess: (lab) => {
      notifications.show({ color: 'green', message: t('testing.lab.created', { name: lab.name }) });
      void qc.invalidateQueries({ queryKey: ['testing', 'labs'] });
      onDone(lab);
    },
  });
  const errs = { ...testingFieldErrors(m.error, t), ...local };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const l: Record<string, string> = {};
    if (f.name.trim().length < 2) l.name = t('fieldErrors.required');
    if (!f.unitCode) l.unitCode = t('fieldErrors.required');
    if (f.single === '') l.capacitySingle = t('fieldErrors.required');
    if (f.pooled === '') l.capacityPooled = t('fieldErrors.required');
    setLocal(l);
    if (!Object.keys(l).length) m.mutate();
  };
  return (
    <form onSubmit={submit} noValidate data-testid="lab-form">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput label={t('testing.lab.name')} placeholder={t('testing.lab.namePlaceholder')} value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} error={errs.name} required maxLength={200} name="labName" />
          <UnitSelect label={t('testing.lab.unit')} value={f.unitCode} valueLabel={f.unitCode === me.unitCode ? me.unitName : undefined} onChange={(c) => setF({ ...f, unitCode: c })} error={errs.unitCode} required />
          <NumberInput label={t('testing.lab.capacitySingle')} value={f.single} onChange={(v) => setF({ ...f, single: v })} min={0} allowDecimal={false} thousandSeparator="." decimalSeparator="," error={errs.capacitySingle} required name="capacitySingle" />
          <NumberInput label={t('testing.lab.capacityPooled')} description={t('testing.lab.capacityPooledHint')} value={f.pooled} onChange={(v) => setF({ ...f, pooled: v })} min={0} allowDecimal={false} thousandSeparator="." decimalSeparator="," error={errs.capacityPooled} required name="capacityPooled" />
        </SimpleGrid>
        <TextInput label={t('testing.lab.address')} value={f.address} onChange={(e) => setF({ ...f, address: e.currentTarget.value })} error={errs.address} maxLength={2000} />
        {noFieldFor(m.error, ['name', 'unitCode', 'address', 'capacitySingle', 'capacityPooled']) && <ErrorAlert error={m.error} />}
        <Group>
          <Button type="submit" loading={m.isPending}>
            {t('testing.lab.register')}
          </Button>
          <Button variant="subtle" onClick={() => onDone(null)}>
            {t('app.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
