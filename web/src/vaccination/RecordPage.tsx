// "Ghi nhận mũi tiêm": the vaccinator's desk, on a phone or a laptop. Find the person, see where
// they stand (next dose, due date, overdue, deferral), record the dose with its lot, date and site;
// a dose before the minimum interval needs a reason and is flagged.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Alert, Anchor, Button, Card, Group, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconVaccine } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { DateField } from '../common/DateField.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { ApiError } from '../lib/api.ts';
import { ageOn, formatDate, todayInVietnam } from '../lib/format.ts';
import { PersonPicker } from '../people/PersonPicker.tsx';
import { DOSE_KINDS, recordDose, registryFieldErrors, useProducts, useVaccinationRecord, type DoseKind, type ProductsInForce, type VaccinationRecord } from './registryApi.ts';
import { DoseList, StatusSummary } from './VaccinationCard.tsx';

export default function RecordPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const personId = params.get('person') ? Number(params.get('person')) : null;
  const record = useVaccinationRecord(personId);
  return (
    <Stack gap="md" maw={760}>
      <div>
        <Title order={1} size="h2">
          {t('vaccRegistry.record.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('vaccRegistry.record.intro')}
        </Text>
      </div>
      <PersonPicker
        label={t('vaccRegistry.record.person')}
        size="md"
        value={personId}
        initial={null}
        onChange={(id) => setParams(id ? { person: String(id) } : {}, { replace: true })}
        data-testid="record-person"
      />
      {personId != null &&
        (record.isPending ? (
          <PageLoader />
        ) : record.error ? (
          <ErrorAlert error={record.error} notFoundText={t('vaccRegistry.record.notFound')} onRetry={() => void record.refetch()} />
        ) : (
          <Desk record={record.data} />
        ))}
    </Stack>
  );
}

function Desk({ record }: { record: VaccinationRecord }) {
  const { t } = useTranslation();
  const p = record.person;
  const age = ageOn(p.birthDate, todayInVietnam());
  return (
    <>
      <Card withBorder data-testid="record-status">
        <Group justify="space-between" wrap="wrap" gap="xs" mb="xs">
          <div>
            <Anchor component={Link} to={`/people/${p.id}`} fw={700} size="lg">
              {p.fullName}
            </Anchor>
            <Text size="sm" c="dimmed" className="tabular">
              {[p.birthDate ? `${formatDate(p.birthDate)}${age != null ? ` (${age} ${t('vaccRegistry.years')})` : ''}` : null, p.communeName].filter(Boolean).join(' · ')}
            </Text>
          </div>
        </Group>
        <StatusSummary record={record} />
        {record.doses.length > 0 && (
          <div style={{ marginTop: 'var(--mantine-spacing-sm)' }}>
            <DoseList record={record} compact />
          </div>
        )}
      </Card>
      {record.status.state === 'complete' && !record.status.nextKind ? (
        <Alert color="green" variant="light">
          {t('vaccRegistry.record.nothingDue')}
        </Alert>
      ) : (
        <Card withBorder>
          <DoseForm record={record} />
        </Card>
      )}
    </>
  );
}

function DoseForm({ record }: { record: VaccinationRecord }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const today = todayInVietnam();
  const status = record.status;
  const [kind, setKind] = useState<DoseKind>(status.nextKind ?? 'primary_1');
  const [givenOn, setGivenOn] = useState<string | null>(today);
  const products = useProducts(givenOn ?? today);
  const [lotId, setLotId] = useState<string | null>(null);
  const [siteName, setSiteName] = useState('');
  const [vaccinator, setVaccinator] = useState('');
  const [overrideReason, setOverrideReason] = useState('');
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [needOverride, setNeedOverride] = useState(false);

  useEffect(() => setKind(status.nextKind ?? 'primary_1'), [status.nextKind]);
  const lots = useLotOptions(products.data, record, kind);
  useEffect(() => {
    if (lots.length && (!lotId || !lots.some((l) => l.value === lotId))) setLotId(lots[0].value);
  }, [lots, lotId]);

  // Before the due date of the next dose: say so before the server has to.
  const early = !!(givenOn && status.dueOn && kind === status.nextKind && givenOn < status.dueOn && status.state !== 'deferred');
  const showOverride = early || needOverride;
  const m = useMutation({
    mutationFn: () =>
      recordDose({
        personId: record.person.id,
        kind,
        lotId: Number(lotId),
        givenOn: givenOn!,
        siteName: siteName.trim() || null,
        vaccinator: vaccinator.trim() || null,
        overrideReason: showOverride && overrideReason.trim() ? overrideReason.trim() : null,
      }),
    onSuccess: async (res) => {
      setServerErrors({});
      setNeedOverride(false);
      setOverrideReason('');
      notifications.show({ color: res.flagged ? 'orange' : 'green', message: t(res.flagged ? 'vaccRegistry.record.savedFlagged' : 'vaccRegistry.record.saved', { kind: t(`vaccRegistry.kind.${res.dose.kind}`) }) });
      await qc.invalidateQueries({ queryKey: ['vaccination'] });
    },
    onError: (e) => {
      setServerErrors(registryFieldErrors(e, t));
      if (e instanceof ApiError && e.fields.some((f) => f.code === 'interval_too_short')) setNeedOverride(true);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!givenOn) return setServerErrors({ givenOn: t('vaccRegistry.errors.invalid_date') });
    if (!lotId) return setServerErrors({ lotId: t('vaccRegistry.errors.unknown_lot') });
    m.mutate();
  };
  const other = m.error && !(m.error instanceof ApiError && m.error.fields.length) ? m.error : null;
  const unplaced = Object.entries(serverErrors).filter(([f]) => !['kind', 'givenOn', 'lotId', 'productCode', 'overrideReason', 'siteName', 'vaccinator'].includes(f));
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('vaccRegistry.record.formTitle')}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select
            label={t('vaccRegistry.record.kind')}
            size="md"
            data={DOSE_KINDS.map((k) => ({ value: k, label: t(`vaccRegistry.kind.${k}`) }))}
            value={kind}
            onChange={(v) => v && setKind(v as DoseKind)}
            allowDeselect={false}
            error={serverErrors.kind}
            data-testid="dose-kind"
          />
          <DateField label={t('vaccRegistry.record.givenOn')} size="md" value={givenOn} onChange={setGivenOn} error={serverErrors.givenOn || undefined} required data-testid="dose-date" />
        </SimpleGrid>
        <Select
          label={t('vaccRegistry.record.lot')}
          size="md"
          data={lots}
          value={lotId}
          onChange={setLotId}
          searchable
          nothingFoundMessage={t('vaccRegistry.record.noLot')}
          placeholder={lots.length ? undefined : t('vaccRegistry.record.noLot')}
          error={serverErrors.lotId ?? serverErrors.productCode}
          required
          data-testid="dose-lot"
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput label={t('vaccRegistry.record.site')} size="md" value={siteName} onChange={(e) => setSiteName(e.currentTarget.value)} placeholder={t('vaccRegistry.record.sitePlaceholder')} maxLength={200} data-testid="dose-site" />
          <TextInput label={t('vaccRegistry.record.vaccinator')} size="md" value={vaccinator} onChange={(e) => setVaccinator(e.currentTarget.value)} placeholder={t('vaccRegistry.record.vaccinatorPlaceholder')} maxLength={200} />
        </SimpleGrid>
        {showOverride && (
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="override-alert">
            <Stack gap="xs">
              <Text size="sm">{t('vaccRegistry.record.earlyWarning', { date: formatDate(status.dueOn) })}</Text>
              <Textarea
                label={t('vaccRegistry.record.overrideReason')}
                value={overrideReason}
                onChange={(e) => {
                  setOverrideReason(e.currentTarget.value);
                  setServerErrors((o) => ({ ...o, givenOn: '', overrideReason: '' }));
                }}
                autosize
                minRows={2}
                maxLength={1000}
                error={serverErrors.overrideReason}
                data-testid="override-reason"
              />
            </Stack>
          </Alert>
        )}
        {unplaced.map(([f, msg]) => (
          <Text key={f} c="red" size="sm">
            {msg}
          </Text>
        ))}
        {other && <ErrorAlert error={other} />}
        <Button type="submit" size="md" leftSection={<IconVaccine size={18} />} loading={m.isPending} data-testid="dose-submit">
          {t('vaccRegistry.record.submit')}
        </Button>
      </Stack>
    </form>
  );
}

/** Lots usable on the date, those of the product the series needs first. */
function useLotOptions(products: ProductsInForce | undefined, record: VaccinationRecord, kind: DoseKind) {
  const { t } = useTranslation();
  return useMemo(() => {
    if (!products) return [];
    const name = new Map(products.products.map((p) => [p.code, p.name]));
    const series = record.doses.find((d) => d.kind === 'primary_1')?.productCode;
    const usable = products.lots.filter((l) => {
      const p = products.products.find((x) => x.code === l.productCode);
      if (!p) return false;
      return kind.startsWith('primary') ? true : p.booster;
    });
    const first = kind.startsWith('primary') && series ? usable.filter((l) => l.productCode === series) : [];
    const rest = usable.filter((l) => !first.includes(l));
    return [...first, ...rest].map((l) => ({
      value: String(l.id),
      label: `${l.lotNumber} · ${name.get(l.productCode) ?? l.productCode}${l.expiryDate ? ` (${t('vaccRegistry.record.expires', { date: formatDate(l.expiryDate) })})` : ''}`,
    }));
  }, [products, record.doses, kind, t]);
}
