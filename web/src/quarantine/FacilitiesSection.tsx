// Centralised quarantine facilities and hospitals with how full they are, and (for those who
// manage quarantine) a form to register one.
import { useState, type FormEvent } from 'react';
import { Badge, Button, Card, Collapse, Group, NumberInput, Paper, Progress, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCan, useMe } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { formatNumber } from '../lib/format.ts';
import { UnitSelect } from '../units/UnitSelect.tsx';
import { useUnit } from '../units/queries.ts';
import { addressLine } from './format.ts';
import { areaFieldErrors, hasNoFieldFor } from './shared.ts';
import type { Facility } from './types.ts';

export const FACILITIES = ['facilities'] as const;

export function FacilitiesSection() {
  const { t } = useTranslation();
  const canManage = useCan('quarantine.manage');
  const [formOpen, setFormOpen] = useState(false);
  const q = useQuery({ queryKey: FACILITIES, queryFn: ({ signal }) => api<Facility[]>('/facilities', { signal }) });
  return (
    <Stack gap="sm" component="section" aria-labelledby="facilities-heading">
      <Group justify="space-between" gap="xs">
        <Title order={2} size="h3" id="facilities-heading">
          {t('quarantine.facilities.title')}
        </Title>
        {canManage && !formOpen && (
          <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => setFormOpen(true)}>
            {t('quarantine.facilities.add')}
          </Button>
        )}
      </Group>
      {canManage && (
        <Collapse expanded={formOpen}>
          <Card withBorder padding="sm" maw={560}>
            <Title order={3} size="h5" mb="xs">
              {t('quarantine.facilities.add')}
            </Title>
            <FacilityForm onDone={() => setFormOpen(false)} />
          </Card>
        </Collapse>
      )}
      {q.isPending ? (
        <PageLoader />
      ) : q.error ? (
        <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <Text c="dimmed" data-testid="facilities-empty">
          {t('quarantine.facilities.empty')}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm" data-testid="facilities">
          {q.data.map((f) => (
            <FacilityCard key={f.id} f={f} />
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}

function FacilityCard({ f }: { f: Facility }) {
  const { t } = useTranslation();
  const full = f.occupied >= f.capacity;
  const pct = f.capacity > 0 ? Math.min(100, (f.occupied / f.capacity) * 100) : 100;
  const color = full ? 'red' : pct >= 80 ? 'orange' : 'teal';
  return (
    <Paper withBorder p="sm" data-testid="facility" style={f.active ? undefined : { opacity: 0.6 }}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
          <Text fw={600} style={{ lineHeight: 1.3 }}>
            {f.name}
          </Text>
          <Badge variant="light" color={f.kind === 'hospital' ? 'grape' : 'blue'} style={{ flexShrink: 0 }}>
            {t(`quarantine.facilityKind.${f.kind}`)}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {addressLine(f.address, f.communeName) || '—'}
        </Text>
        <Progress value={pct} color={color} size="lg" radius="sm" aria-label={t('quarantine.facilities.occupancy')} />
        <Group justify="space-between" gap="xs">
          <Text size="sm" className="tabular" data-testid="occupancy">
            {t('quarantine.facilities.occupied', { occupied: formatNumber(f.occupied), capacity: formatNumber(f.capacity) })}
          </Text>
          <Text size="sm" fw={600} c={full ? 'red.7' : undefined}>
            {!f.active ? t('quarantine.facilities.inactive') : full ? t('quarantine.facilities.full') : t('quarantine.facilities.free', { count: f.capacity - f.occupied })}
          </Text>
        </Group>
      </Stack>
    </Paper>
  );
}

const FIELDS = ['name', 'kind', 'communeCode', 'address', 'capacity'];

function FacilityForm({ onDone }: { onDone(): void }) {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  // A commune officer registers facilities of their own commune: start with it chosen.
  const own = useUnit(me.unitCode);
  const ownCommune = own.data?.unit.level === 'commune' ? own.data.unit : null;
  const empty = { name: '', kind: 'centralised' as Facility['kind'], communeCode: null as string | null, address: '', capacity: '' as string | number };
  const [f, setF] = useState(empty);
  const [local, setLocal] = useState<Record<string, string>>({});
  const communeCode = f.communeCode ?? ownCommune?.code ?? null;
  const m = useMutation({
    mutationFn: () =>
      api<{ id: number }>('/facilities', {
        method: 'POST',
        body: { name: f.name.trim(), kind: f.kind, communeCode: communeCode ?? '', address: f.address.trim() || null, capacity: Number(f.capacity) },
      }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('quarantine.facilities.created', { name: f.name.trim() }) });
      setF(empty);
      onDone();
      void qc.invalidateQueries({ queryKey: FACILITIES });
    },
  });
  const server = areaFieldErrors(m.error, t, 'quarantine');
  const errs = { ...server, ...local };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const l: Record<string, string> = {};
    if (f.name.trim().length < 3) l.name = t('fieldErrors.too_short');
    if (!communeCode) l.communeCode = t('fieldErrors.required');
    if (f.capacity === '' || !Number.isFinite(Number(f.capacity))) l.capacity = t('fieldErrors.required');
    setLocal(l);
    if (Object.keys(l).length) return;
    m.mutate();
  };
  return (
    <form onSubmit={submit} noValidate data-testid="facility-form">
      <Stack gap="sm">
        <TextInput label={t('quarantine.facilities.name')} placeholder={t('quarantine.facilities.namePlaceholder')} value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} error={errs.name} required name="name" />
        <Select
          label={t('quarantine.facilities.kind')}
          data={(['centralised', 'hospital'] as const).map((k) => ({ value: k, label: t(`quarantine.facilityKind.${k}`) }))}
          value={f.kind}
          onChange={(v) => setF({ ...f, kind: (v as Facility['kind']) ?? f.kind })}
          allowDeselect={false}
          error={errs.kind}
          required
        />
        <UnitSelect
          label={t('quarantine.facilities.commune')}
          placeholder={t('quarantine.facilities.communeSearch')}
          levels={['commune']}
          value={communeCode}
          valueLabel={ownCommune && communeCode === ownCommune.code ? ownCommune.name : undefined}
          onChange={(code) => setF({ ...f, communeCode: code })}
          error={errs.communeCode}
          required
        />
        <TextInput label={t('quarantine.facilities.address')} value={f.address} onChange={(e) => setF({ ...f, address: e.currentTarget.value })} error={errs.address} name="address" />
        <NumberInput
          label={t('quarantine.facilities.capacity')}
          description={t('quarantine.facilities.capacityHint')}
          value={f.capacity}
          onChange={(v) => setF({ ...f, capacity: v })}
          error={errs.capacity}
          allowDecimal={false}
          clampBehavior="none"
          thousandSeparator="."
          decimalSeparator=","
          required
          name="capacity"
          w={200}
        />
        {hasNoFieldFor(m.error, FIELDS) && <ErrorAlert error={m.error} />}
        <Group>
          <Button type="submit" loading={m.isPending}>
            {t('quarantine.facilities.save')}
          </Button>
          <Button variant="subtle" onClick={onDone}>
            {t('app.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
