// "Lô vắc xin": the lots the province received — product, lot number, expiry, doses received,
// allocated to districts, still in the province's stock, administered. Province staff register
// a lot (a lot already registered is refused; an expiry in the past is accepted with a warning)
// and correct one.
import { useState } from 'react';
import { Alert, Badge, Button, Card, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconPencil, IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api.ts';
import { formatDate, formatNumber, todayInVietnam } from '../lib/format.ts';
import { downloadXlsx } from '../lib/excel.ts';
import { useCan, useMe } from '../auth/auth.tsx';
import { DateField } from '../common/DateField.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ExcelButton } from '../common/ExcelButton.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { isProvinceWide, useLots, useProducts, type Lot, type LotWarning } from './supplyApi.ts';
import { supplyErrors } from './supplyShared.tsx';

function ExpiryBadge({ lot }: { lot: Lot }) {
  const { t } = useTranslation();
  if (lot.expiresInDays == null) return <Text c="dimmed">—</Text>;
  const color = lot.expiresInDays < 0 ? 'red' : lot.expiresInDays <= 30 ? 'orange' : 'gray';
  return (
    <Group gap={6} wrap="nowrap">
      <span className="tabular">{formatDate(lot.expiryDate)}</span>
      {lot.expiresInDays <= 30 && (
        <Badge size="sm" variant="light" color={color}>
          {lot.expiresInDays < 0 ? t('vaccSupply.lots.expired') : t('vaccSupply.lots.expiresIn', { days: lot.expiresInDays })}
        </Badge>
      )}
    </Group>
  );
}

interface LotForm {
  productCode: string | null;
  lotNumber: string;
  dosesReceived: number | string;
  receivedOn: string | null;
  expiryDate: string | null;
  source: string;
}

function LotFields({ form, set, errors, editing }: { form: LotForm; set: (p: Partial<LotForm>) => void; errors: Record<string, string>; editing?: boolean }) {
  const { t } = useTranslation();
  const products = useProducts();
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
      <Select
        label={t('vaccSupply.lots.product')}
        data={(products.data ?? []).map((p) => ({ value: p.code, label: p.name }))}
        value={form.productCode}
        onChange={(v) => set({ productCode: v })}
        error={errors.productCode}
        required
        disabled={editing}
        searchable
      />
      <TextInput label={t('vaccSupply.lots.lotNumber')} value={form.lotNumber} onChange={(e) => set({ lotNumber: e.currentTarget.value })} error={errors.lotNumber} required maxLength={60} />
      <NumberInput
        label={t('vaccSupply.lots.dosesReceived')}
        value={form.dosesReceived}
        onChange={(v) => set({ dosesReceived: v })}
        min={0}
        allowDecimal={false}
        allowNegative={false}
        thousandSeparator="."
        decimalSeparator=","
        error={errors.dosesReceived}
        required
      />
      <DateField label={t('vaccSupply.lots.receivedOn')} value={form.receivedOn} onChange={(v) => set({ receivedOn: v })} error={errors.receivedOn} />
      <DateField label={t('vaccSupply.lots.expiryDate')} value={form.expiryDate} onChange={(v) => set({ expiryDate: v })} error={errors.expiryDate} />
      <TextInput label={t('vaccSupply.lots.source')} placeholder={t('vaccSupply.lots.sourceHint')} value={form.source} onChange={(e) => set({ source: e.currentTarget.value })} error={errors.source} maxLength={300} />
    </SimpleGrid>
  );
}

const emptyForm = (): LotForm => ({ productCode: null, lotNumber: '', dosesReceived: '', receivedOn: todayInVietnam(), expiryDate: null, source: '' });

function useLotSave(id: number | null, onDone: (warnings: LotWarning[]) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (f: LotForm) =>
      api<{ lot: Lot; warnings: LotWarning[] }>(id == null ? '/vaccination/lots' : `/vaccination/lots/${id}`, {
        method: id == null ? 'POST' : 'PATCH',
        body: {
          ...(id == null ? { productCode: f.productCode ?? '' } : {}),
          lotNumber: f.lotNumber,
          dosesReceived: typeof f.dosesReceived === 'number' ? f.dosesReceived : Number(f.dosesReceived || -1),
          receivedOn: f.receivedOn,
          expiryDate: f.expiryDate,
          source: f.source.trim() || null,
        },
      }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['vaccSupply'] });
      onDone(r.warnings);
    },
  });
}

function NewLot({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<LotForm>(emptyForm);
  const [warnings, setWarnings] = useState<LotWarning[]>([]);
  const save = useLotSave(null, (w) => {
    setWarnings(w);
    notifications.show({ color: 'green', message: t('vaccSupply.lots.saved', { lot: form.lotNumber.trim().toUpperCase() }) });
    setForm(emptyForm());
    if (!w.length) onClose();
  });
  const errs = supplyErrors(save.error, t);
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t('vaccSupply.lots.new')}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setWarnings([]);
          save.mutate(form);
        }}
      >
        <Stack gap="sm">
          <LotFields form={form} set={(p) => setForm((f) => ({ ...f, ...p }))} errors={errs.fields} />
          {save.error != null && (
            <Alert color="red" icon={<IconAlertTriangle size={18} />} role="alert">
              {errs.general}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('vaccSupply.lots.register')}
            </Button>
          </Group>
        </Stack>
      </form>
      {warnings.length > 0 && (
        <Alert color="yellow" mt="sm" icon={<IconAlertTriangle size={18} />} data-testid="lot-warnings">
          {warnings.map((w) => t(`vaccSupply.lots.warning.${w.code}`)).join(' ')}
        </Alert>
      )}
    </Card>
  );
}

function EditLot({ lot, onClose }: { lot: Lot; onClose: () => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<LotForm>({ productCode: lot.productCode, lotNumber: lot.lotNumber, dosesReceived: lot.dosesReceived, receivedOn: lot.receivedOn, expiryDate: lot.expiryDate, source: lot.source ?? '' });
  const save = useLotSave(lot.id, (w) => {
    notifications.show({ color: w.length ? 'yellow' : 'green', message: [t('vaccSupply.lots.updated'), ...w.map((x) => t(`vaccSupply.lots.warning.${x.code}`))].join(' ') });
    onClose();
  });
  const errs = supplyErrors(save.error, t);
  return (
    <Modal opened onClose={onClose} title={t('vaccSupply.lots.edit', { lot: lot.lotNumber })} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(form);
        }}
      >
        <Stack gap="sm">
          <LotFields form={form} set={(p) => setForm((f) => ({ ...f, ...p }))} errors={errs.fields} editing />
          {save.error != null && (
            <Alert color="red" role="alert">
              {errs.general}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('app.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export default function LotsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const phone = useMediaQuery('(max-width: 48em)');
  const canEdit = useCan('vaccination.manage') && isProvinceWide(me.unitPath);
  const lots = useLots();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Lot | null>(null);

  const exportLots = () =>
    downloadXlsx(
      `lo-vac-xin-${todayInVietnam()}.xlsx`,
      t('vaccSupply.lots.title'),
      [
        { header: t('vaccSupply.lots.product'), key: 'productName', width: 22 },
        { header: t('vaccSupply.lots.lotNumber'), key: 'lotNumber', width: 16 },
        { header: t('vaccSupply.lots.expiryDate'), key: 'expiry', width: 12 },
        { header: t('vaccSupply.lots.receivedOn'), key: 'received', width: 12 },
        { header: t('vaccSupply.lots.dosesReceived'), key: 'dosesReceived', numFmt: '#,##0' },
        { header: t('vaccSupply.lots.allocated'), key: 'allocated', numFmt: '#,##0' },
        { header: t('vaccSupply.lots.available'), key: 'available', numFmt: '#,##0' },
        { header: t('vaccSupply.lots.administered'), key: 'administered', numFmt: '#,##0' },
        { header: t('vaccSupply.lots.source'), key: 'source', width: 30 },
      ],
      (lots.data ?? []).map((l) => ({ ...l, expiry: formatDate(l.expiryDate), received: formatDate(l.receivedOn) })),
    );

  return (
    <Stack gap="md" maw={1300}>
      <Group justify="space-between" gap="xs">
        <div>
          <Title order={1} size="h2">
            {t('vaccSupply.lots.title')}
          </Title>
          <Text size="sm" c="dimmed" maw={760}>
            {t('vaccSupply.lots.intro')}
          </Text>
        </div>
        <Group gap="xs">
          <ExcelButton onExport={exportLots} disabled={!lots.data?.length} />
          {canEdit && !creating && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              {t('vaccSupply.lots.new')}
            </Button>
          )}
        </Group>
      </Group>
      {creating && <NewLot onClose={() => setCreating(false)} />}
      {editing && <EditLot lot={editing} onClose={() => setEditing(null)} />}
      <Card withBorder>
        {lots.isPending ? (
          <PageLoader />
        ) : lots.error ? (
          <ErrorAlert error={lots.error} onRetry={() => void lots.refetch()} />
        ) : lots.data.length === 0 ? (
          <Text c="dimmed" data-testid="lots-empty">
            {t('vaccSupply.lots.empty')}
          </Text>
        ) : phone ? (
          <Stack gap="xs" data-testid="lots">
            {lots.data.map((l) => (
              <Card key={l.id} withBorder padding="sm" data-testid="lot">
                <Group justify="space-between" wrap="nowrap" align="flex-start">
                  <div>
                    <Text fw={600}>
                      {l.productName} · {l.lotNumber}
                    </Text>
                    <Text size="sm" c="dimmed" component="div">
                      <ExpiryBadge lot={l} />
                    </Text>
                  </div>
                  {canEdit && (
                    <Button size="compact-sm" variant="subtle" leftSection={<IconPencil size={14} />} onClick={() => setEditing(l)}>
                      {t('vaccSupply.lots.editShort')}
                    </Button>
                  )}
                </Group>
                <Text size="sm" mt={4}>
                  {t('vaccSupply.lots.phoneLine', { received: formatNumber(l.dosesReceived), allocated: formatNumber(l.allocated), available: formatNumber(l.available), administered: formatNumber(l.administered) })}
                </Text>
              </Card>
            ))}
          </Stack>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table striped highlightOnHover verticalSpacing={6} data-testid="lots">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('vaccSupply.lots.product')}</Table.Th>
                  <Table.Th>{t('vaccSupply.lots.lotNumber')}</Table.Th>
                  <Table.Th>{t('vaccSupply.lots.expiryDate')}</Table.Th>
                  <Table.Th>{t('vaccSupply.lots.receivedOn')}</Table.Th>
                  <Table.Th ta="right">{t('vaccSupply.lots.dosesReceived')}</Table.Th>
                  <Table.Th ta="right">{t('vaccSupply.lots.allocated')}</Table.Th>
                  <Table.Th ta="right">{t('vaccSupply.lots.available')}</Table.Th>
                  <Table.Th ta="right">{t('vaccSupply.lots.administered')}</Table.Th>
                  {canEdit && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {lots.data.map((l) => (
                  <Table.Tr key={l.id} data-testid="lot">
                    <Table.Td>{l.productName}</Table.Td>
                    <Table.Td fw={600}>{l.lotNumber}</Table.Td>
                    <Table.Td>
                      <ExpiryBadge lot={l} />
                    </Table.Td>
                    <Table.Td className="tabular">{formatDate(l.receivedOn)}</Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(l.dosesReceived)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(l.allocated)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(l.available)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(l.administered)}
                    </Table.Td>
                    {canEdit && (
                      <Table.Td>
                        <Button size="compact-sm" variant="subtle" leftSection={<IconPencil size={14} />} onClick={() => setEditing(l)} aria-label={t('vaccSupply.lots.edit', { lot: l.lotNumber })}>
                          {t('vaccSupply.lots.editShort')}
                        </Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}
