// "Đăng ký địa điểm quét mã QR": a public page (no login) for a business, shop or office to
// register its venue; the commune approves it and prints the QR poster. The request carries a key
// made once per form, so a double tap or a retry on a bad connection registers it once.
import { useMemo, useState, type FormEvent } from 'react';
import { Button, Card, Center, Container, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconCircleCheck, IconShieldCheck } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ApiError, api } from '../lib/api.ts';
import { LanguageSwitch } from '../shell/LanguageSwitch.tsx';
import { VENUE_KINDS, newRequestId, usePublicUnits } from './api.ts';

export default function VenueRegisterPage() {
  const { t } = useTranslation();
  const provinces = useQuery({ queryKey: ['public-provinces'], queryFn: () => api<{ items: { code: string; name: string }[] }>('/venues/public/provinces') });
  const province = provinces.data?.items[0]?.code ?? null;
  const units = usePublicUnits(province);
  const [f, setF] = useState({ name: '', kind: '' as string, address: '', district: '' as string | null, communeCode: '' as string | null, ownerName: '', ownerPhone: '', ownerEmail: '' });
  const [requestId, setRequestId] = useState(newRequestId);
  const [local, setLocal] = useState<Record<string, string>>({});
  const set = (k: keyof typeof f) => (v: string | null) => setF((x) => ({ ...x, [k]: v ?? '' }));
  const districts = useMemo(() => (units.data?.items ?? []).filter((u) => u.level === 'district'), [units.data]);
  const communes = useMemo(() => (units.data?.items ?? []).filter((u) => u.level === 'commune' && (!f.district || u.parentCode === f.district)), [units.data, f.district]);
  const m = useMutation({
    mutationFn: () =>
      api<{ id: number; status: string }>('/venues/register', {
        method: 'POST',
        noRedirect: true,
        body: { provinceCode: province, name: f.name.trim(), kind: f.kind, address: f.address.trim(), communeCode: f.communeCode, ownerName: f.ownerName.trim(), ownerPhone: f.ownerPhone.trim(), ownerEmail: f.ownerEmail.trim() || null, requestId },
      }),
  });
  const server: Record<string, string> = {};
  if (m.error instanceof ApiError) for (const e of m.error.fields) server[e.field] = t(`checkins.register.errors.${e.field}`, { defaultValue: e.message ?? e.code });
  const errs = { ...server, ...local };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const l: Record<string, string> = {};
    if (f.name.trim().length < 3) l.name = t('checkins.register.errors.name');
    if (!f.kind) l.kind = t('checkins.register.errors.kind');
    if (f.address.trim().length < 5) l.address = t('checkins.register.errors.address');
    if (!f.communeCode) l.communeCode = t('checkins.register.errors.communeCode');
    if (f.ownerName.trim().length < 2) l.ownerName = t('checkins.register.errors.ownerName');
    if (!/^(\+84|0)\d{9,10}$/.test(f.ownerPhone.replace(/[\s.]/g, ''))) l.ownerPhone = t('checkins.register.errors.ownerPhone');
    setLocal(l);
    if (!Object.keys(l).length) m.mutate();
  };
  return (
    <Container size={560} px="sm" py="md">
      <Stack gap="md">
        <Group justify="space-between" wrap="nowrap">
          <Group gap={6} wrap="nowrap">
            <IconShieldCheck size={26} color="var(--mantine-color-red-7)" aria-hidden />
            <Text fw={700} size="lg">
              {t('app.name')}
            </Text>
          </Group>
          <LanguageSwitch />
        </Group>
        <div>
          <Title order={1} size="h3">
            {t('checkins.register.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('checkins.register.intro')}
          </Text>
        </div>
        {m.data ? (
          <Card withBorder data-testid="register-done">
            <Center mb="sm">
              <IconCircleCheck size={56} color="var(--mantine-color-green-7)" />
            </Center>
            <Text fw={700} ta="center">
              {t('checkins.register.done')}
            </Text>
            <Text ta="center" size="sm">
              {t('checkins.register.doneHelp', { id: m.data.id })}
            </Text>
            <Button
              mt="md"
              variant="light"
              fullWidth
              onClick={() => {
                m.reset();
                setRequestId(newRequestId());
                setF((x) => ({ ...x, name: '', address: '' }));
              }}
            >
              {t('checkins.register.another')}
            </Button>
          </Card>
        ) : (
          <Card withBorder component="form" onSubmit={submit} noValidate>
            <Stack gap="sm">
              <TextInput label={t('checkins.register.name')} required value={f.name} onChange={(e) => set('name')(e.currentTarget.value)} error={errs.name} maxLength={200} />
              <Select label={t('checkins.register.kind')} required data={VENUE_KINDS.map((k) => ({ value: k, label: t(`checkins.kind.${k}`) }))} value={f.kind || null} onChange={set('kind')} error={errs.kind} />
              <TextInput label={t('checkins.register.address')} required value={f.address} onChange={(e) => set('address')(e.currentTarget.value)} error={errs.address} maxLength={300} />
              {districts.length > 0 && (
                <Select
                  label={t('checkins.register.district')}
                  searchable
                  data={districts.map((d) => ({ value: d.code, label: d.name }))}
                  value={f.district || null}
                  onChange={(v) => setF((x) => ({ ...x, district: v, communeCode: '' }))}
                />
              )}
              <Select label={t('checkins.register.commune')} required searchable data={communes.map((c) => ({ value: c.code, label: c.name }))} value={f.communeCode || null} onChange={set('communeCode')} error={errs.communeCode} />
              <TextInput label={t('checkins.register.ownerName')} required value={f.ownerName} onChange={(e) => set('ownerName')(e.currentTarget.value)} error={errs.ownerName} maxLength={200} />
              <TextInput label={t('checkins.register.ownerPhone')} required type="tel" inputMode="tel" value={f.ownerPhone} onChange={(e) => set('ownerPhone')(e.currentTarget.value)} error={errs.ownerPhone} maxLength={20} />
              <TextInput label={t('checkins.register.ownerEmail')} type="email" value={f.ownerEmail} onChange={(e) => set('ownerEmail')(e.currentTarget.value)} error={errs.ownerEmail} maxLength={200} />
              {m.error && !Object.keys(server).length && <ErrorAlert error={m.error} />}
              {provinces.error && <ErrorAlert error={provinces.error} />}
              <Button type="submit" size="md" loading={m.isPending} disabled={!province} data-testid="register-submit">
                {t('checkins.register.submit')}
              </Button>
            </Stack>
          </Card>
        )}
      </Stack>
    </Container>
  );
}
