// Adds a village / residential group under a commune (commune and district officers, administrators).
import { useState, type FormEvent } from 'react';
import { Button, Group, Select, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api.ts';
import type { Unit } from '../lib/types.ts';
import { fieldErrors } from '../common/fieldErrors.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';

const TYPES = ['Thôn', 'Bản', 'Tổ dân phố', 'Khối', 'Làng'];

export function AddVillageForm({ commune }: { commune: Unit }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [type, setType] = useState('Thôn');
  const m = useMutation({
    mutationFn: () => api<Unit>(`/units/${commune.code}/children`, { method: 'POST', body: { name, type } }),
    onSuccess: (u) => {
      notifications.show({ color: 'green', message: t('map.villageAdded', { name: u.name }) });
      setName('');
      void qc.invalidateQueries({ queryKey: ['unit', commune.code] });
      void qc.invalidateQueries({ queryKey: ['unit-map', commune.code] });
    },
  });
  const errs = fieldErrors(m.error, t);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) m.mutate();
  };
  return (
    <form onSubmit={submit}>
      <Group align="flex-start" gap="sm" wrap="wrap">
        <Select label={t('map.villageType')} data={TYPES.map((v) => ({ value: v, label: t(`map.villageTypes.${v}`) }))} value={type} onChange={(v) => setType(v ?? 'Thôn')} allowDeselect={false} w={170} />
        <TextInput label={t('map.villageName')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={errs.name} style={{ flex: '1 1 200px' }} required />
        <Button type="submit" mt={{ base: 0, xs: 25 }} loading={m.isPending} disabled={!name.trim()}>
          {t('map.add')}
        </Button>
      </Group>
      {m.error && !errs.name && <ErrorAlert error={m.error} />}
    </form>
  );
}
