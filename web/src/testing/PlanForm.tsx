// The plan form: name, date, unit, budget and design (prevalence / confidence / sensitivity,
// prefilled from the policy in force), and the strata: who (residents of a unit, residents of an
// active zone, a list of people, or people met on site), how risky, where they are sampled.
// Saving makes a draft: the server computes the sizes, the officer adjusts them on the plan page
// and then draws.
import { useMemo, useState, type FormEvent } from 'react';
import { ActionIcon, Badge, Button, Card, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash, IconX } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/auth.tsx';
import { DateField } from '../common/DateField.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { api } from '../lib/api.ts';
import { formatDate, formatNumber, todayInVietnam } from '../lib/format.ts';
import type { Person, Policy } from '../lib/types.ts';
import { PersonPicker } from '../people/PersonPicker.tsx';
import { UnitSelect } from '../units/UnitSelect.tsx';
import type { Zone } from '../zones/types.ts';
import { sampleSizeLarge } from '../../../src/domain/testing/sampleSize.ts';
import { GROUP_PRESETS, STRATUM_KINDS, type Plan, type StratumInput, type StratumKind } from './api.ts';
import { noFieldFor, pct, testingFieldErrors } from './shared.ts';

interface StratumDraft {
  preset: string | null;
  name: string;
  kind: StratumKind;
  riskWeight: number | string;
  unitCode: string | null;
  ageMin: number | string;
  ageMax: number | string;
  zoneId: string | null;
  people: Person[];
  estimatedSize: number | string;
  description: string;
  siteName: string;
  siteUnit: string | null;
  siteAddress: string;
}

const emptyStratum = (kind: StratumKind = 'residents'): StratumDraft => ({
  preset: null,
  name: '',
  kind,
  riskWeight: 1,
  unitCode: null,
  ageMin: '',
  ageMax: '',
  zoneId: null,
  people: [],
  estimatedSize: '',
  description: '',
  siteName: '',
  siteUnit: null,
  siteAddress: '',
});

const num = (v: number | string): number | null => (v === '' || v == null || !Number.isFinite(Number(v)) ? null : Number(v));

function toInput(s: StratumDraft): StratumInput {
  const population =
    s.kind === 'residents'
      ? { unitCode: s.unitCode ?? undefined, ageMin: num(s.ageMin), ageMax: num(s.ageMax) }
      : s.kind === 'zone_residents'
        ? { zoneId: s.zoneId ? Number(s.zoneId) : undefined }
        : s.kind === 'listed'
          ? { personIds: s.people.map((p) => p.id), description: s.description.trim() || null }
          : { estimatedSize: num(s.estimatedSize), description: s.description.trim() || null };
  const site = s.siteName.trim() && s.siteUnit ? { name: s.siteName.trim(), unitCode: s.siteUnit, ...(s.siteAddress.trim() ? { address: s.siteAddress.trim() } : {}) } : undefined;
  // Empty values are left out rather than sent as null: the server's validator coerces a null in
  // "number or null" to 0 (an age limit of 0 would empty the stratum).
  return { name: s.name.trim(), kind: s.kind, riskWeight: Number(s.riskWeight), population: withoutEmpty(population), site };
}

function withoutEmpty<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined && v !== '')) as T;
}

interface SamplingDesign {
  prevalence: number;
  confidence: number;
  sensitivity: number;
}

export function PlanForm({ onCancel, onCreated }: { onCancel(): void; onCreated(id: number): void }) {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const [date, setDate] = useState<string | null>(todayInVietnam());
  const [name, setName] = useState('');
  const [unitCode, setUnitCode] = useState<string | null>(me.unitCode);
  const [budget, setBudget] = useState<number | string>('');
  // Percentages as typed (empty = the policy's value); sent as shares.
  const [prev, setPrev] = useState<number | string>('');
  const [conf, setConf] = useState<number | string>('');
  const [sens, setSens] = useState<number | string>('');
  const [seed, setSeed] = useState<number | string>('');
  const [strata, setStrata] = useState<StratumDraft[]>([emptyStratum()]);
  const [local, setLocal] = useState<Record<string, string>>({});

  const policies = useQuery({ queryKey: ['policies', date], queryFn: ({ signal }) => api<Policy[]>('/policies', { query: { date }, signal }), enabled: !!date, staleTime: 300_000 });
  const designPolicy = policies.data?.find((p) => p.key === 'testing.sampling_design')?.current ?? null;
  const defaults = (designPolicy?.value as SamplingDesign | undefined) ?? null;
  const design = {
    prevalence: num(prev) != null ? Number(prev) / 100 : defaults?.prevalence,
    confidence: num(conf) != null ? Number(conf) / 100 : defaults?.confidence,
    sensitivity: num(sens) != null ? Number(sens) / 100 : defaults?.sensitivity,
  };
  const nLarge = useMemo(() => {
    const { prevalence: p, confidence: c, sensitivity: se } = design;
    if (p == null || c == null || se == null || !(p > 0 && p < 1 && c > 0 && c < 1 && se > 0 && se <= 1)) return null;
    return sampleSizeLarge({ prevalence: p, confidence: c, sensitivity: se });
  }, [design.prevalence, design.confidence, design.sensitivity]); // eslint-disable-line react-hooks/exhaustive-deps

  const planName = name.trim() || (date ? t('testing.plans.defaultName', { date: formatDate(date) }) : '');
  const save = useMutation({
    mutationFn: () =>
      api<Plan>('/testing/plans', {
        method: 'POST',
        body: {
          name: planName,
          planDate: date,
          unitCode,
          budget: Number(budget),
          designPrevalence: num(prev) != null ? Number(prev) / 100 : undefined,
          confidence: num(conf) != null ? Number(conf) / 100 : undefined,
          sensitivity: num(sens) != null ? Number(sens) / 100 : undefined,
          seed: num(seed) ?? undefined,
          strata: strata.map(toInput),
        },
      }),
    onSuccess: (p) => {
      notifications.show({ color: 'green', message: t('testing.plans.created', { total: formatNumber(p.totals.chosen) }) });
      void qc.invalidateQueries({ queryKey: ['testing', 'plans'] });
      onCreated(p.id);
    },
  });
  const errs = { ...testingFieldErrors(save.error, t), ...local };
  const setStratum = (i: number, patch: Partial<StratumDraft>) => {
    setStrata((all) => all.map((s, j) => (j === i ? { ...s, ...patch } : s)));
    setLocal({});
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const l: Record<string, string> = {};
    const req = t('fieldErrors.required');
    if (!date) l.planDate = t('fieldErrors.invalid_date');
    if (!unitCode) l.unitCode = req;
    if (num(budget) == null || Number(budget) < 1) l.budget = req;
    strata.forEach((s, i) => {
      const at = `strata.${i}`;
      if (!s.name.trim()) l[`${at}.name`] = req;
      if (s.kind === 'residents' && !s.unitCode) l[`${at}.population.unitCode`] = req;
      if (s.kind === 'zone_residents' && !s.zoneId) l[`${at}.population.zoneId`] = req;
      if (s.kind === 'listed' && !s.people.length) l[`${at}.population.personIds`] = t('testing.plans.peopleRequired');
      if (s.kind === 'on_site' && num(s.estimatedSize) == null) l[`${at}.population.estimatedSize`] = req;
      if (s.siteName.trim() && !s.siteUnit) l[`${at}.site.unitCode`] = req;
      if (!s.siteName.trim() && s.siteUnit) l[`${at}.site.name`] = req;
    });
    setLocal(l);
    if (Object.keys(l).length) return;
    save.mutate();
  };

  return (
    <form onSubmit={submit} noValidate data-testid="plan-form">
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="sm">
          <TextInput label={t('testing.plans.name')} placeholder={planName} value={name} onChange={(e) => setName(e.currentTarget.value)} error={errs.name} maxLength={200} name="name" />
          <DateField label={t('testing.plans.date')} value={date} onChange={setDate} error={errs.planDate} required name="planDate" />
          <UnitSelect label={t('testing.plans.unit')} levels={['province', 'district', 'commune']} value={unitCode} valueLabel={unitCode === me.unitCode ? me.unitName : undefined} onChange={(c) => setUnitCode(c)} error={errs.unitCode} required />
          <NumberInput label={t('testing.plans.budget')} description={t('testing.plans.budgetHint')} value={budget} onChange={setBudget} min={1} max={1_000_000} allowDecimal={false} thousandSeparator="." decimalSeparator="," error={errs.budget} required name="budget" />
        </SimpleGrid>
        <Paper withBorder p="sm">
          <Text fw={600} size="sm">
            {t('testing.plans.design')}
          </Text>
          {designPolicy && (
            <Text size="xs" c="dimmed" mb="xs">
              {t('testing.plans.designPolicy', { version: designPolicy.version, source: designPolicy.source })}
            </Text>
          )}
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
            <NumberInput label={t('testing.plans.prevalence')} description={t('testing.plans.prevalenceHint')} placeholder={defaults ? pct(defaults.prevalence, 2) : undefined} value={prev} onChange={setPrev} min={0.01} max={99} step={0.5} decimalScale={2} decimalSeparator="," suffix=" %" error={errs.designPrevalence} name="designPrevalence" />
            <NumberInput label={t('testing.plans.confidence')} description={t('testing.plans.confidenceHint')} placeholder={defaults ? pct(defaults.confidence, 1) : undefined} value={conf} onChange={setConf} min={50} max={99.9} step={1} decimalScale={1} decimalSeparator="," suffix=" %" error={errs.confidence} name="confidence" />
            <NumberInput label={t('testing.plans.sensitivity')} description={t('testing.plans.sensitivityHint')} placeholder={defaults ? pct(defaults.sensitivity, 1) : undefined} value={sens} onChange={setSens} min={10} max={100} step={1} decimalScale={1} decimalSeparator="," suffix=" %" error={errs.sensitivity} name="sensitivity" />
            <NumberInput label={t('testing.plans.seed')} description={t('testing.plans.seedHint')} value={seed} onChange={setSeed} min={0} max={4294967295} allowDecimal={false} allowNegative={false} error={errs.seed} name="seed" />
          </SimpleGrid>
          {nLarge != null && (
            <Text size="sm" mt="xs" data-testid="n-large">
              {t('testing.plans.nLarge', { n: formatNumber(nLarge) })}
            </Text>
          )}
        </Paper>

        <div>
          <Group justify="space-between" mb="xs">
            <Title order={3} size="h5">
              {t('testing.plans.strata')}
            </Title>
            <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setStrata((s) => [...s, emptyStratum()])}>
              {t('testing.plans.addStratum')}
            </Button>
          </Group>
          {errs.strata && (
            <Text c="red" size="sm" mb="xs">
              {errs.strata}
            </Text>
          )}
          <Stack gap="sm">
            {strata.map((s, i) => (
              <StratumRow key={i} i={i} s={s} planUnit={unitCode} errs={errs} onChange={(p) => setStratum(i, p)} onRemove={strata.length > 1 ? () => setStrata((all) => all.filter((_, j) => j !== i)) : undefined} />
            ))}
          </Stack>
        </div>

        {save.error && noFieldFor(save.error, ['name', 'planDate', 'unitCode', 'budget', 'designPrevalence', 'confidence', 'sensitivity', 'seed', 'strata']) && <ErrorAlert error={save.error} />}
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

function StratumRow({ i, s, planUnit, errs, onChange, onRemove }: { i: number; s: StratumDraft; planUnit: string | null; errs: Record<string, string>; onChange(p: Partial<StratumDraft>): void; onRemove?: () => void }) {
  const { t } = useTranslation();
  const e = (f: string) => errs[`strata.${i}.${f}`];
  const zones = useQuery({ queryKey: ['zones', 'active'], queryFn: ({ signal }) => api<Zone[]>('/zones', { query: { status: 'active' }, signal }), enabled: s.kind === 'zone_residents', staleTime: 60_000 });
  void planUnit;
  return (
    <Card withBorder padding="sm" data-testid="stratum" style={e('') || errs[`strata.${i}`] ? { borderColor: 'var(--mantine-color-red-5)' } : undefined}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Badge variant="light">{t('testing.plans.stratumN', { n: i + 1 })}</Badge>
          {onRemove && (
            <ActionIcon variant="subtle" color="red" onClick={onRemove} aria-label={t('testing.plans.removeStratum')}>
              <IconTrash size={18} />
            </ActionIcon>
          )}
        </Group>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="xs" verticalSpacing="xs">
          <Select
            label={t('testing.plans.group')}
            placeholder={t('testing.plans.groupPlaceholder')}
            data={GROUP_PRESETS.map((g) => ({ value: g.key, label: t(`testing.kinds.${g.key}`) }))}
            value={s.preset}
            clearable
            onChange={(v) => {
              const g = GROUP_PRESETS.find((x) => x.key === v);
              onChange(g ? { preset: g.key, kind: g.kind, riskWeight: g.riskWeight, name: s.name && s.preset == null ? s.name : t(`testing.kinds.${g.key}`) } : { preset: null });
            }}
          />
          <TextInput label={t('testing.plans.stratumName')} value={s.name} onChange={(ev) => onChange({ name: ev.currentTarget.value })} error={e('name')} required maxLength={200} name={`strata.${i}.name`} />
          <Select
            label={t('testing.plans.kind')}
            data={STRATUM_KINDS.map((k) => ({ value: k, label: t(`testing.stratumKind.${k}`) }))}
            value={s.kind}
            allowDeselect={false}
            onChange={(v) => v && onChange({ kind: v as StratumKind })}
            error={e('kind')}
          />
          <NumberInput label={t('testing.plans.riskWeight')} description={t('testing.plans.riskWeightHint')} value={s.riskWeight} onChange={(v) => onChange({ riskWeight: v })} min={0} max={100} step={0.5} decimalScale={2} decimalSeparator="," error={e('riskWeight')} name={`strata.${i}.riskWeight`} />
        </SimpleGrid>
        {s.kind === 'residents' && (
          <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="xs">
            <UnitSelect label={t('testing.plans.drawFrom')} levels={['district', 'commune', 'village']} value={s.unitCode} onChange={(c) => onChange({ unitCode: c })} error={e('population.unitCode') ?? e('population')} required />
            <NumberInput label={t('testing.plans.ageMin')} value={s.ageMin} onChange={(v) => onChange({ ageMin: v })} min={0} max={120} allowDecimal={false} error={e('population.ageMin')} />
            <NumberInput label={t('testing.plans.ageMax')} value={s.ageMax} onChange={(v) => onChange({ ageMax: v })} min={0} max={120} allowDecimal={false} error={e('population.ageMax')} />
          </SimpleGrid>
        )}
        {s.kind === 'zone_residents' && (
          <Select
            label={t('testing.plans.zone')}
            data={(zones.data ?? []).map((z) => ({ value: String(z.id), label: `${z.name} · ${t('testing.plans.residents', { count: z.residents })}` }))}
            value={s.zoneId}
            onChange={(v) => onChange({ zoneId: v })}
            placeholder={zones.isPending ? t('app.loading') : zones.data?.length ? undefined : t('testing.plans.noZones')}
            error={e('population.zoneId') ?? e('population')}
            required
          />
        )}
        {s.kind === 'listed' && (
          <Stack gap={4}>
            <PersonPicker
              label={t('testing.plans.addPerson')}
              value={null}
              exclude={s.people.map((p) => p.id)}
              onChange={(_, p) => p && onChange({ people: [...s.people, p] })}
              error={e('population.personIds') ?? e('population')}
              key={s.people.length}
            />
            {s.people.length > 0 && (
              <Group gap={4}>
                {s.people.map((p) => (
                  <Badge key={p.id} variant="light" rightSection={<IconX size={12} style={{ cursor: 'pointer' }} onClick={() => onChange({ people: s.people.filter((x) => x.id !== p.id) })} aria-label={t('app.cancel')} />}>
                    {p.fullName}
                  </Badge>
                ))}
              </Group>
            )}
          </Stack>
        )}
        {s.kind === 'on_site' && (
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
            <NumberInput label={t('testing.plans.estimatedSize')} description={t('testing.plans.estimatedSizeHint')} value={s.estimatedSize} onChange={(v) => onChange({ estimatedSize: v })} min={1} allowDecimal={false} thousandSeparator="." decimalSeparator="," error={e('population.estimatedSize') ?? e('population')} required name={`strata.${i}.estimatedSize`} />
            <TextInput label={t('testing.plans.description')} placeholder={t('testing.plans.descriptionPlaceholder')} value={s.description} onChange={(ev) => onChange({ description: ev.currentTarget.value })} maxLength={500} />
          </SimpleGrid>
        )}
        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="xs">
          <TextInput label={t('testing.plans.site')} description={s.kind === 'on_site' ? undefined : t('testing.plans.siteHint')} placeholder={t('testing.plans.sitePlaceholder')} value={s.siteName} onChange={(ev) => onChange({ siteName: ev.currentTarget.value })} error={e('site.name') ?? e('site')} maxLength={200} name={`strata.${i}.site`} />
          <UnitSelect label={t('testing.plans.siteUnit')} levels={['commune', 'village']} value={s.siteUnit} onChange={(c) => onChange({ siteUnit: c })} error={e('site.unitCode')} />
          <TextInput label={t('testing.plans.siteAddress')} value={s.siteAddress} onChange={(ev) => onChange({ siteAddress: ev.currentTarget.value })} maxLength={300} />
        </SimpleGrid>
      </Stack>
    </Card>
  );
}
