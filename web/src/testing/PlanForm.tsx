// The plan form: date, unit, design prevalence / confidence / test sensitivity / budget, and the
// strata. Every change asks the server for the proposed sizes (nothing saved) so the officer sees
// the effect of a weight or a budget at once; "Lưu kế hoạch" saves it.
import { useEffect, useState, type FormEvent } from 'react';
import { ActionIcon, Alert, Button, Card, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconInfoCircle, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/auth.tsx';
import { DateField } from '../common/DateField.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { api } from '../lib/api.ts';
import { formatNumber, todayInVietnam } from '../lib/format.ts';
import { UnitSelect } from '../units/UnitSelect.tsx';
import { STRATUM_KINDS, type Plan, type PlanParams, type StratumInput, type StratumKind, type StratumSize } from './api.ts';
import { noFieldFor, testingFieldErrors } from './shared.ts';

/** Strata drawn from the registry of a unit need the unit; the others have a population typed in. */
export const REGISTRY_KINDS: StratumKind[] = ['random_residents', 'zone_residents'];

const emptyStratum = (kind: StratumKind = 'random_residents'): StratumInput => ({ name: '', kind, unitCode: null, riskWeight: 1, population: null, site: '' });

interface Preview {
  strata: StratumSize[];
  totalSample: number;
  budgetUsed?: number | null;
}

export function PlanForm({ onCancel, onCreated }: { onCancel(): void; onCreated(id: number): void }) {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const phone = useMediaQuery('(max-width: 48em)');
  const [date, setDate] = useState<string | null>(todayInVietnam());
  const [unitCode, setUnitCode] = useState<string | null>(me.unitCode);
  // Percentages as typed; sent as shares.
  const [prev, setPrev] = useState<number | string>(1);
  const [conf, setConf] = useState<number | string>(95);
  const [sens, setSens] = useState<number | string>(95);
  const [budget, setBudget] = useState<number | string>('');
  const [strata, setStrata] = useState<StratumInput[]>([emptyStratum()]);
  const [local, setLocal] = useState<Record<string, string>>({});

  const params: PlanParams = { designPrevalence: Number(prev) / 100, confidence: Number(conf) / 100, sensitivity: Number(sens) / 100, budget: budget === '' ? null : Number(budget) };
  const body = { planDate: date, unitCode, ...params, strata: strata.map((s) => ({ ...s, name: s.name.trim(), site: s.site.trim(), unitCode: s.unitCode || null })) };
  const [debounced] = useDebouncedValue(body, 400);
  const ready = debounced.strata.every((s) => s.name && (REGISTRY_KINDS.includes(s.kind) ? s.unitCode : s.population != null)) && debounced.unitCode && debounced.planDate;
  const preview = useQuery({
    queryKey: ['testing', 'plan-preview', debounced],
    queryFn: ({ signal }) => api<Preview>('/testing/plans/preview', { method: 'POST', body: debounced, signal }),
    enabled: !!ready,
    retry: false,
    placeholderData: (p) => p,
  });

  const save = useMutation({
    mutationFn: () => api<Plan>('/testing/plans', { method: 'POST', body }),
    onSuccess: (p) => {
      notifications.show({ color: 'green', message: t('testing.plans.created', { total: formatNumber(p.totalSample) }) });
      void qc.invalidateQueries({ queryKey: ['testing', 'plans'] });
      onCreated(p.id);
    },
  });
  const errs = { ...testingFieldErrors(save.error ?? preview.error, t), ...local };

  const setStratum = (i: number, patch: Partial<StratumInput>) => setStrata((all) => all.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  useEffect(() => setLocal({}), [strata, date, unitCode]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const l: Record<string, string> = {};
    if (!date) l.planDate = t('fieldErrors.invalid_date');
    if (!unitCode) l.unitCode = t('fieldErrors.required');
    strata.forEach((s, i) => {
      if (!s.name.trim()) l[`strata.${i}.name`] = t('fieldErrors.required');
      if (REGISTRY_KINDS.includes(s.kind) && !s.unitCode) l[`strata.${i}.unitCode`] = t('fieldErrors.required');
      if (!REGISTRY_KINDS.includes(s.kind) && s.population == null) l[`strata.${i}.population`] = t('fieldErrors.required');
      if (!s.site.trim()) l[`strata.${i}.site`] = t('fieldErrors.required');
    });
    setLocal(l);
    if (Object.keys(l).length) return;
    save.mutate();
  };

  const sizes = preview.data?.strata;
  return (
    <form onSubmit={submit} noValidate data-testid="plan-form">
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <DateField label={t('testing.plans.date')} value={date} onChange={setDate} error={errs.planDate} required name="planDate" />
          <UnitSelect label={t('testing.plans.unit')} levels={['province', 'district', 'commune']} value={unitCode} valueLabel={unitCode === me.unitCode ? me.unitName : undefined} onChange={(c) => setUnitCode(c)} error={errs.unitCode} required />
        </SimpleGrid>
        <Paper withBorder p="sm">
          <Text fw={600} size="sm" mb="xs">
            {t('testing.plans.design')}
          </Text>
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
            <NumberInput label={t('testing.plans.prevalence')} description={t('testing.plans.prevalenceHint')} value={prev} onChange={setPrev} min={0.01} max={50} step={0.5} decimalScale={2} decimalSeparator="," suffix=" %" error={errs.designPrevalence} name="designPrevalence" />
            <NumberInput label={t('testing.plans.confidence')} description={t('testing.plans.confidenceHint')} value={conf} onChange={setConf} min={50} max={99.9} step={1} decimalScale={1} decimalSeparator="," suffix=" %" error={errs.confidence} name="confidence" />
            <NumberInput label={t('testing.plans.sensitivity')} description={t('testing.plans.sensitivityHint')} value={sens} onChange={setSens} min={10} max={100} step={1} decimalScale={1} decimalSeparator="," suffix=" %" error={errs.sensitivity} name="sensitivity" />
            <NumberInput label={t('testing.plans.budget')} description={t('testing.plans.budgetHint')} value={budget} onChange={setBudget} min={1} allowDecimal={false} thousandSeparator="." decimalSeparator="," error={errs.budget} name="budget" />
          </SimpleGrid>
        </Paper>

        <div>
          <Group justify="space-between" mb="xs">
            <Title order={3} size="h5">
              {t('testing.plans.strata')}
            </Title>
            <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setStrata((s) => [...s, emptyStratum('market_vendors')])}>
              {t('testing.plans.addStratum')}
            </Button>
          </Group>
          {errs.strata && !Object.keys(errs).some((k) => k.startsWith('strata.')) && (
            <Text c="red" size="sm" mb="xs">
              {errs.strata}
            </Text>
          )}
          <Stack gap="sm">
            {strata.map((s, i) => (
              <StratumRow key={i} i={i} s={s} size={sizes?.[i]} errs={errs} phone={!!phone} onChange={(p) => setStratum(i, p)} onRemove={strata.length > 1 ? () => setStrata((all) => all.filter((_, j) => j !== i)) : undefined} />
            ))}
          </Stack>
        </div>

        <SizesTable preview={preview.data} loading={preview.isFetching} strata={strata} budget={params.budget} />
        {preview.error && noFieldFor(preview.error, ['planDate', 'unitCode', 'designPrevalence', 'confidence', 'sensitivity', 'budget', 'strata']) && <ErrorAlert error={preview.error} />}
        {save.error && noFieldFor(save.error, ['planDate', 'unitCode', 'designPrevalence', 'confidence', 'sensitivity', 'budget', 'strata']) && <ErrorAlert error={save.error} />}
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('testing.plans.save')}
          </Button>
          <Button variant="subtle" onClick={onCancel}>
            {t('app.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function StratumRow({ i, s, size, errs, phone, onChange, onRemove }: { i: number; s: StratumInput; size?: StratumSize; errs: Record<string, string>; phone: boolean; onChange(p: Partial<StratumInput>): void; onRemove?: () => void }) {
  const { t } = useTranslation();
  const e = (f: string) => errs[`strata.${i}.${f}`];
  const fromRegistry = REGISTRY_KINDS.includes(s.kind);
  return (
    <Card withBorder padding="sm" data-testid="stratum" style={e('') ? { borderColor: 'var(--mantine-color-red-5)' } : undefined}>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 6 }} spacing="xs" verticalSpacing="xs">
        <Select
          label={t('testing.plans.kind')}
          data={STRATUM_KINDS.map((k) => ({ value: k, label: t(`testing.kinds.${k}`) }))}
          value={s.kind}
          allowDeselect={false}
          onChange={(v) => v && onChange({ kind: v as StratumKind, name: s.name || t(`testing.kinds.${v}`) })}
          error={e('kind')}
          comboboxProps={{ withinPortal: true }}
        />
        <TextInput label={t('testing.plans.stratumName')} value={s.name} placeholder={t(`testing.kinds.${s.kind}`)} onChange={(ev) => onChange({ name: ev.currentTarget.value })} error={e('name')} required name={`strata.${i}.name`} />
        <UnitSelect
          label={fromRegistry ? t('testing.plans.drawFrom') : t('testing.plans.stratumUnit')}
          levels={['district', 'commune', 'village']}
          value={s.unitCode}
          onChange={(c) => onChange({ unitCode: c })}
          error={e('unitCode')}
          required={fromRegistry}
        />
        <NumberInput
          label={t('testing.plans.population')}
          description={fromRegistry ? t('testing.plans.populationRegistry') : undefined}
          value={s.population ?? ''}
          onChange={(v) => onChange({ population: v === '' ? null : Number(v) })}
          min={1}
          allowDecimal={false}
          thousandSeparator="."
          decimalSeparator=","
          placeholder={fromRegistry ? t('testing.plans.fromRegistry') : undefined}
          error={e('population')}
          required={!fromRegistry}
          name={`strata.${i}.population`}
        />
        <NumberInput label={t('testing.plans.riskWeight')} description={phone ? undefined : t('testing.plans.riskWeightHint')} value={s.riskWeight} onChange={(v) => onChange({ riskWeight: Number(v) || 0 })} min={0.1} max={100} step={0.5} decimalScale={2} decimalSeparator="," error={e('riskWeight')} name={`strata.${i}.riskWeight`} />
        <Group gap={4} align="flex-end" wrap="nowrap">
          <TextInput label={t('testing.plans.site')} placeholder={t('testing.plans.sitePlaceholder')} value={s.site} onChange={(ev) => onChange({ site: ev.currentTarget.value })} error={e('site')} required style={{ flex: 1 }} name={`strata.${i}.site`} />
          {onRemove && (
            <ActionIcon variant="subtle" color="red" size="lg" mb={errs[`strata.${i}.site`] ? 22 : 2} onClick={onRemove} aria-label={t('testing.plans.removeStratum')}>
              <IconTrash size={18} />
            </ActionIcon>
          )}
        </Group>
      </SimpleGrid>
      {size && (
        <Text size="sm" mt={6} className="tabular" data-testid="stratum-size">
          {t('testing.plans.sizeLine', { n0: formatNumber(size.nInfinite), nf: formatNumber(size.nFinite), n: formatNumber(size.allocated), N: formatNumber(size.population) })}
        </Text>
      )}
    </Card>
  );
}

/** The proposed sizes, with both steps of the formula so an officer can check them by hand. */
export function SizesTable({ preview, loading, strata, budget }: { preview?: { strata: StratumSize[]; totalSample: number }; loading?: boolean; strata?: StratumInput[]; budget: number | null }) {
  const { t } = useTranslation();
  if (!preview) return null;
  const over = budget != null && preview.strata.reduce((a, s) => a + s.nFinite, 0) > budget;
  return (
    <Card withBorder padding="sm" style={{ opacity: loading ? 0.6 : 1 }} data-testid="plan-sizes">
      <Group gap={6} mb={4}>
        <Title order={3} size="h5">
          {t('testing.plans.sizes')}
        </Title>
        <Tooltip multiline w={320} label={t('testing.plans.formula')} withArrow events={{ hover: true, focus: true, touch: true }}>
          <IconInfoCircle size={16} aria-label={t('testing.plans.formula')} />
        </Tooltip>
      </Group>
      <Text size="xs" c="dimmed" mb="xs">
        {t('testing.plans.formula')}
      </Text>
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('testing.plans.stratumName')}</Table.Th>
              <Table.Th ta="right">{t('testing.plans.colPopulation')}</Table.Th>
              <Table.Th ta="right">{t('testing.plans.riskWeight')}</Table.Th>
              <Table.Th ta="right">{t('testing.plans.colInfinite')}</Table.Th>
              <Table.Th ta="right">{t('testing.plans.colFinite')}</Table.Th>
              <Table.Th ta="right">{t('testing.plans.colAllocated')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.strata.map((s, i) => (
              <Table.Tr key={i}>
                <Table.Td>{s.name || strata?.[i]?.name}</Table.Td>
                <Table.Td ta="right" className="tabular">
                  {formatNumber(s.population)}
                </Table.Td>
                <Table.Td ta="right" className="tabular">
                  {formatNumber(s.riskWeight, 2)}
                </Table.Td>
                <Table.Td ta="right" className="tabular">
                  {formatNumber(s.nInfinite)}
                </Table.Td>
                <Table.Td ta="right" className="tabular">
                  {formatNumber(s.nFinite)}
                </Table.Td>
                <Table.Td ta="right" className="tabular" fw={700}>
                  {formatNumber(s.allocated)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            <Table.Tr>
              <Table.Th colSpan={5}>{budget != null ? t('testing.plans.totalWithBudget', { budget: formatNumber(budget) }) : t('testing.plans.total')}</Table.Th>
              <Table.Th ta="right" className="tabular" data-testid="plan-total">
                {formatNumber(preview.totalSample)}
              </Table.Th>
            </Table.Tr>
          </Table.Tfoot>
        </Table>
      </Table.ScrollContainer>
      {over && (
        <Alert color="yellow" variant="light" mt="xs" p="xs">
          {t('testing.plans.overBudget')}
        </Alert>
      )}
    </Card>
  );
}
