// "Khai báo y tế": a citizen's page, without login, for a phone (domain.md §8): identity, the
// journey (where from, places of the last 14 days, the destination commune), symptoms, contacts.
// The identity is remembered on the phone for the next time. Each form carries an idempotency key,
// kept until the server answers, so a retry on a bad connection is not counted twice.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ActionIcon, Alert, Anchor, Button, Card, Center, Checkbox, Container, Divider, Group, SegmentedControl, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconCircleCheck, IconPlus, IconShieldCheck, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { DateField } from '../common/DateField.tsx';
import { api } from '../lib/api.ts';
import { formatDateTime, todayInVietnam } from '../lib/format.ts';
import { LanguageSwitch } from '../shell/LanguageSwitch.tsx';
import { PROVINCES } from '../../../src/domain/checkpoints/provinces.ts';
import { CONTACTS, SYMPTOMS } from '../../../src/domain/checkpoints/declaration.ts';
import { fieldErrors, newKey, type DeclarationForm } from './shared.ts';

const REMEMBER = 'chongdich.declarant';
const IDENTITY = ['fullName', 'birthDate', 'sex', 'nationality', 'cccd', 'passport', 'phone', 'address'] as const;
type Identity = { fullName: string; birthDate: string | null; sex: 'M' | 'F' | ''; nationality: string; cccd: string; passport: string; phone: string; address: string };
interface Place {
  provinceCode: string | null;
  unitCode: string | null;
  /** A district of another province (GSO code), when the traveller knows it. */
  districtCode?: string | null;
  name: string;
}
interface Sent {
  id: number;
  declaredAt: string;
  risk: string;
  areas: string[];
  effects: string[];
  replayed: boolean;
}

const emptyIdentity: Identity = { fullName: '', birthDate: null, sex: '', nationality: 'Việt Nam', cccd: '', passport: '', phone: '', address: '' };
const remembered = (): Identity | null => {
  try {
    const v = JSON.parse(localStorage.getItem(REMEMBER) ?? 'null');
    return v && typeof v.fullName === 'string' ? { ...emptyIdentity, ...v } : null;
  } catch {
    return null;
  }
};
const digits = (s: string) => s.replace(/[\s.-]/g, '');
const stripTinh = (n: string) => n.replace(/^(Tỉnh|Thành phố)\s+/, '');

/** The districts of another province, fetched when it is chosen (the country's list is not in the page). */
function DistrictSelect({ provinceCode, value, onChange, label, error, name, size = 'sm' }: { provinceCode: string; value: string | null; onChange: (v: string | null) => void; label: string; error?: string; name?: string; size?: 'sm' | 'md' }) {
  const q = useQuery({
    queryKey: ['declaration-districts', provinceCode],
    queryFn: () => api<{ items: { code: string; name: string }[] }>('/declarations/districts', { query: { province: provinceCode }, noRedirect: true }),
    staleTime: 3_600_000,
    retry: 1,
  });
  const items = q.data?.items ?? [];
  // A deployment whose units file has no districts (two-level structure): nothing to ask.
  if (q.isSuccess && !items.length) return null;
  return <Select size={size} label={label} data={items.map((d) => ({ value: d.code, label: d.name }))} value={value} onChange={onChange} searchable clearable error={error} name={name} disabled={!q.isSuccess} nothingFoundMessage="—" comboboxProps={{ withinPortal: true }} />;
}

export default function DeclarePage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const tinh = /^\d{2}$/.test(params.get('tinh') ?? '') ? params.get('tinh')! : null;
  const form = useQuery({ queryKey: ['declaration-form', tinh], queryFn: () => api<DeclarationForm>('/declarations/form', { query: { province: tinh }, noRedirect: true }), staleTime: 300_000, retry: 1 });
  const f = form.data;
  const saved = useMemo(remembered, []);
  const [id, setId] = useState<Identity>(saved ?? emptyIdentity);
  const [foreign, setForeign] = useState(saved ? saved.nationality !== 'Việt Nam' : false);
  const [kind, setKind] = useState<'arrival' | 'domestic'>('arrival');
  const [from, setFrom] = useState<Place>({ provinceCode: null, unitCode: null, name: '' });
  const [arrivalDate, setArrivalDate] = useState<string | null>(todayInVietnam());
  const [transport, setTransport] = useState('');
  const [dest, setDest] = useState<string | null>(null);
  const [destAddress, setDestAddress] = useState('');
  const [places, setPlaces] = useState<Place[]>([]);
  const [symptoms, setSymptoms] = useState<string[]>([]);
  const [noSymptoms, setNoSymptoms] = useState(false);
  const [contacts, setContacts] = useState<string[]>([]);
  const [pledge, setPledge] = useState(false);
  // Checked on the phone once the person has tried to send: errors go away as fields are fixed.
  const [tried, setTried] = useState(false);
  const [key, setKey] = useState(newKey);
  const set = <K extends keyof Identity>(k: K, v: Identity[K]) => setId((x) => ({ ...x, [k]: v }));

  const communes = useMemo(
    () => (f ? f.districts.map((d) => ({ group: d.name, items: d.communes.map((c) => ({ value: c.code, label: `${c.name}, ${d.name}` })) })) : []),
    [f],
  );
  // A place visited inside the province: a commune, or a whole district when the commune is not known.
  const insidePlaces = useMemo(
    () =>
      f
        ? f.districts.map((d) => ({ group: d.name, items: [{ value: d.code, label: t('checkpoints.declare.wholeDistrict', { name: d.name }) }, ...d.communes.map((c) => ({ value: c.code, label: `${c.name}, ${d.name}` }))] }))
        : [],
    [f, t],
  );
  const outside = (code: string | null): code is string => !!code && code !== 'abroad' && code !== f?.provinceCode;
  const provinces = useMemo(() => [{ value: 'abroad', label: t('checkpoints.declare.abroad') }, ...PROVINCES.map(([code, name]) => ({ value: code, label: stripTinh(name) }))], [t]);
  useEffect(() => {
    if (f && kind === 'domestic') setFrom((p) => (p.provinceCode ? p : { ...p, provinceCode: f.provinceCode }));
  }, [f, kind]);

  const m = useMutation({
    mutationFn: () => {
      const place = (p: Place) => ({
        provinceCode: p.provinceCode!,
        unitCode: p.provinceCode === f!.provinceCode ? p.unitCode : null,
        districtCode: outside(p.provinceCode) ? (p.districtCode ?? null) : null,
        name: p.name.trim() || null,
      });
      return api<Sent>('/declarations', {
        method: 'POST',
        noRedirect: true,
        body: {
          provinceCode: f!.provinceCode,
          kind,
          fullName: id.fullName.trim(),
          birthDate: id.birthDate,
          sex: id.sex,
          nationality: foreign ? id.nationality.trim() : 'Việt Nam',
          cccd: digits(id.cccd) || null,
          passport: foreign ? id.passport.trim() || null : null,
          phone: digits(id.phone),
          address: id.address.trim(),
          destinationCommuneCode: dest,
          destinationAddress: destAddress.trim() || null,
          arrivalDate,
          from: place(from),
          places: places.filter((p) => p.provinceCode).map(place),
          transport: transport.trim() || null,
          symptoms,
          contacts,
          idempotencyKey: key,
        },
      });
    },
    onSuccess: () => localStorage.setItem(REMEMBER, JSON.stringify(Object.fromEntries(IDENTITY.map((k) => [k, k === 'nationality' && !foreign ? 'Việt Nam' : id[k]])))),
  });
  const validate = (): Record<string, string> => {
    const l: Record<string, string> = {};
    const req = t('fieldErrors.required');
    if (id.fullName.trim().length < 2) l.fullName = req;
    if (!id.birthDate) l.birthDate = req;
    else if (id.birthDate > todayInVietnam()) l.birthDate = t('fieldErrors.in_future');
    if (!id.sex) l.sex = req;
    if (!foreign && !/^\d{12}$/.test(digits(id.cccd))) l.cccd = t('checkpoints.declare.errors.cccdInvalid');
    if (foreign && !id.passport.trim() && !id.cccd.trim()) l.passport = req;
    if (foreign && id.nationality.trim().length < 2) l.nationality = req;
    if (!/^(\+84|0)\d{9,10}$/.test(digits(id.phone))) l.phone = t('checkpoints.declare.errors.phoneInvalid');
    if (id.address.trim().length < 3) l.address = req;
    if (!from.provinceCode) l.from = req;
    if (from.provinceCode === 'abroad' && !from.name.trim()) l['from.name'] = req;
    if (!arrivalDate) l.arrivalDate = req;
    else if (arrivalDate > todayInVietnam()) l.arrivalDate = t('fieldErrors.in_future');
    if (!dest) l.destinationCommuneCode = req;
    if (!symptoms.length && !noSymptoms) l.symptoms = t('checkpoints.declare.errors.chooseOne');
    if (!pledge) l.pledge = req;
    return l;
  };
  const local = tried ? validate() : {};
  const errs = { ...fieldErrors(m.error, t), ...local };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    const l = validate();
    if (!Object.keys(l).length) m.mutate();
    else setTimeout(() => document.querySelector('[data-error="true"], .mantine-InputWrapper-error')?.scrollIntoView({ block: 'center' }), 0);
  };

  const again = () => {
    m.reset();
    setKey(newKey());
    setId(emptyIdentity);
    setForeign(false);
    setSymptoms([]);
    setNoSymptoms(false);
    setContacts([]);
    setPledge(false);
    setTried(false);
    window.scrollTo(0, 0);
  };
  const done = m.data;

  return (
    <Container size={520} px="sm" py="md">
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
            {t('checkpoints.declare.title')}
            {f ? ` — ${f.provinceName}` : ''}
          </Title>
          <Text size="sm" c="dimmed">
            {t('checkpoints.declare.intro')}
          </Text>
        </div>
        {form.isError ? (
          <Alert color="yellow" data-testid="declare-no-province">
            {t('checkpoints.declare.noProvince')}
          </Alert>
        ) : !f ? null : done ? (
          <Card withBorder data-testid="declare-done" data-risk={done.risk}>
            <Center mb="sm">
              <IconCircleCheck size={56} color="var(--mantine-color-green-7)" />
            </Center>
            <Text fw={700} ta="center" size="lg">
              {t('checkpoints.declare.sentTitle')}
            </Text>
            <Text ta="center" size="sm" mb="sm">
              {t('checkpoints.declare.sentAt', { id: done.id, at: formatDateTime(done.declaredAt).slice(0, 16) })}
            </Text>
            <Stack gap="xs" mb="sm">
              {(done.effects.length ? done.effects : ['none']).map((e) => (
                <Alert key={e} color={e === 'none' ? 'green' : e === 'check_symptoms' ? 'red' : 'orange'} variant="light" data-testid={`declare-next-${e}`}>
                  {t(`checkpoints.declare.next.${e}`, { areas: done.areas.join(', ') })}
                </Alert>
              ))}
            </Stack>
            <Button fullWidth variant="light" size="md" onClick={again}>
              {t('checkpoints.declare.again')}
            </Button>
          </Card>
        ) : (
          <form onSubmit={submit} noValidate data-testid="declare-form">
            <Stack gap="md">
              <SegmentedControl fullWidth size="md" value={kind} onChange={(v) => setKind(v as typeof kind)} data={(['arrival', 'domestic'] as const).map((k) => ({ value: k, label: t(`checkpoints.declare.kind.${k}`) }))} />
              <Card withBorder>
                <Stack gap="sm">
                  <Group justify="space-between">
                    <Text fw={700}>{t('checkpoints.declare.identity')}</Text>
                    {saved && (
                      <Anchor
                        size="xs"
                        component="button"
                        type="button"
                        onClick={() => {
                          localStorage.removeItem(REMEMBER);
                          setId(emptyIdentity);
                        }}
                      >
                        {t('checkpoints.declare.forget')}
                      </Anchor>
                    )}
                  </Group>
                  {saved && (
                    <Text size="xs" c="dimmed">
                      {t('checkpoints.declare.remembered')}
                    </Text>
                  )}
                  <TextInput size="md" label={t('checkpoints.declare.fullName')} value={id.fullName} onChange={(e) => set('fullName', e.currentTarget.value)} error={errs.fullName} required name="fullName" autoComplete="name" maxLength={200} />
                  <DateField size="md" label={t('checkpoints.declare.birthDate')} value={id.birthDate} onChange={(v) => set('birthDate', v)} error={errs.birthDate} required name="birthDate" />
                  <div>
                    <Text size="sm" fw={500} mb={4}>
                      {t('checkpoints.declare.sex')} <span style={{ color: 'var(--mantine-color-red-6)' }}>*</span>
                    </Text>
                    <SegmentedControl fullWidth value={id.sex} onChange={(v) => set('sex', v as 'M' | 'F')} data={[{ value: 'M', label: t('checkpoints.declare.male') }, { value: 'F', label: t('checkpoints.declare.female') }]} aria-label={t('checkpoints.declare.sex')} />
                    {errs.sex && (
                      <Text c="red" size="sm" data-error="true">
                        {errs.sex}
                      </Text>
                    )}
                  </div>
                  <Checkbox label={t('checkpoints.declare.otherNationality')} checked={foreign} onChange={(e) => (setForeign(e.currentTarget.checked), set('nationality', e.currentTarget.checked ? '' : 'Việt Nam'))} />
                  {foreign && <TextInput size="md" label={t('checkpoints.declare.otherNationalityName')} value={id.nationality} onChange={(e) => set('nationality', e.currentTarget.value)} error={errs.nationality} required maxLength={60} />}
                  {foreign ? (
                    <TextInput size="md" label={t('checkpoints.declare.passport')} value={id.passport} onChange={(e) => set('passport', e.currentTarget.value)} error={errs.passport} required autoCapitalize="characters" maxLength={20} name="passport" />
                  ) : (
                    <TextInput size="md" label={t('checkpoints.declare.cccd')} inputMode="numeric" value={id.cccd} onChange={(e) => set('cccd', e.currentTarget.value)} error={errs.cccd} required maxLength={15} name="cccd" autoComplete="off" />
                  )}
                  <TextInput size="md" label={t('checkpoints.declare.phone')} inputMode="tel" autoComplete="tel" value={id.phone} onChange={(e) => set('phone', e.currentTarget.value)} error={errs.phone} required maxLength={16} name="phone" />
                  <TextInput size="md" label={t('checkpoints.declare.address')} value={id.address} onChange={(e) => set('address', e.currentTarget.value)} error={errs.address} required maxLength={300} name="address" autoComplete="street-address" />
                </Stack>
              </Card>

              <Card withBorder>
                <Stack gap="sm">
                  <Text fw={700}>{t('checkpoints.declare.journey')}</Text>
                  <Select size="md" label={t('checkpoints.declare.from')} data={provinces} value={from.provinceCode} onChange={(v) => setFrom({ provinceCode: v, unitCode: null, name: '' })} searchable required error={errs.from} name="fromProvince" comboboxProps={{ withinPortal: true }} nothingFoundMessage="—" />
                  {from.provinceCode === f.provinceCode && (
                    <Select size="md" label={t('checkpoints.declare.fromCommune')} data={insidePlaces} value={from.unitCode} onChange={(v) => setFrom((p) => ({ ...p, unitCode: v }))} searchable clearable error={errs['from.unitCode']} name="fromCommune" nothingFoundMessage="—" />
                  )}
                  {outside(from.provinceCode) && (
                    <DistrictSelect size="md" provinceCode={from.provinceCode} label={t('checkpoints.declare.districtOptional')} value={from.districtCode ?? null} onChange={(v) => setFrom((p) => ({ ...p, districtCode: v }))} error={errs['from.districtCode']} name="fromDistrict" />
                  )}
                  {from.provinceCode === 'abroad' && <TextInput size="md" label={t('checkpoints.declare.country')} value={from.name} onChange={(e) => setFrom((p) => ({ ...p, name: e.currentTarget.value }))} error={errs['from.name']} required maxLength={100} />}
                  <DateField size="md" label={t('checkpoints.declare.arrivalDate')} value={arrivalDate} onChange={setArrivalDate} error={errs.arrivalDate} required name="arrivalDate" />
                  <TextInput size="md" label={t('checkpoints.declare.transport')} value={transport} onChange={(e) => setTransport(e.currentTarget.value)} maxLength={100} />
                  <Select size="md" label={t('checkpoints.declare.destination')} data={communes} value={dest} onChange={setDest} searchable required error={errs.destinationCommuneCode} name="destination" nothingFoundMessage="—" />
                  <TextInput size="md" label={t('checkpoints.declare.destinationAddress')} value={destAddress} onChange={(e) => setDestAddress(e.currentTarget.value)} maxLength={300} name="destinationAddress" />
                  <Divider />
                  <Text size="sm" fw={600}>
                    {t('checkpoints.declare.places')}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t('checkpoints.declare.placesHint')}
                  </Text>
                  {places.map((p, i) => (
                    <Card key={i} withBorder padding="xs" data-testid="declare-place">
                      <Group gap="xs" align="flex-end" wrap="nowrap">
                        <Stack gap={6} style={{ flex: 1 }}>
                          <Select label={t('checkpoints.declare.province')} data={provinces} value={p.provinceCode} onChange={(v) => setPlaces((xs) => xs.map((x, j) => (j === i ? { provinceCode: v, unitCode: null, name: '' } : x)))} searchable error={errs[`places.${i}`]} nothingFoundMessage="—" />
                          {p.provinceCode === f.provinceCode && <Select label={t('checkpoints.declare.communeOptional')} data={insidePlaces} value={p.unitCode} onChange={(v) => setPlaces((xs) => xs.map((x, j) => (j === i ? { ...x, unitCode: v } : x)))} searchable clearable nothingFoundMessage="—" />}
                          {outside(p.provinceCode) && <DistrictSelect provinceCode={p.provinceCode} label={t('checkpoints.declare.districtOptional')} value={p.districtCode ?? null} onChange={(v) => setPlaces((xs) => xs.map((x, j) => (j === i ? { ...x, districtCode: v } : x)))} error={errs[`places.${i}.districtCode`]} />}
                          {p.provinceCode === 'abroad' && <TextInput label={t('checkpoints.declare.country')} value={p.name} onChange={(e) => setPlaces((xs) => xs.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)))} maxLength={100} />}
                        </Stack>
                        <ActionIcon variant="subtle" color="red" size="lg" onClick={() => setPlaces((xs) => xs.filter((_, j) => j !== i))} aria-label={t('checkpoints.declare.remove')}>
                          <IconTrash size={18} />
                        </ActionIcon>
                      </Group>
                    </Card>
                  ))}
                  {places.length < 30 && (
                    <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => setPlaces((xs) => [...xs, { provinceCode: null, unitCode: null, name: '' }])}>
                      {t('checkpoints.declare.addPlace')}
                    </Button>
                  )}
                </Stack>
              </Card>

              <Card withBorder>
                <Stack gap="sm">
                  <Text fw={700}>{t('checkpoints.declare.symptoms')}</Text>
                  <Checkbox.Group value={symptoms} onChange={(v) => (setSymptoms(v), v.length && setNoSymptoms(false))}>
                    <Stack gap={10}>
                      {SYMPTOMS.map((s) => (
                        <Checkbox key={s} size="md" value={s} label={t(`checkpoints.declare.symptom.${s}`)} />
                      ))}
                    </Stack>
                  </Checkbox.Group>
                  <Checkbox size="md" label={t('checkpoints.declare.noSymptoms')} checked={noSymptoms} onChange={(e) => (setNoSymptoms(e.currentTarget.checked), e.currentTarget.checked && setSymptoms([]))} name="noSymptoms" />
                  {errs.symptoms && (
                    <Text c="red" size="sm" data-error="true">
                      {errs.symptoms}
                    </Text>
                  )}
                  <Divider />
                  <Text fw={700}>{t('checkpoints.declare.contacts')}</Text>
                  <Checkbox.Group value={contacts} onChange={setContacts}>
                    <Stack gap={10}>
                      {CONTACTS.map((c) => (
                        <Checkbox key={c} size="md" value={c} label={t(`checkpoints.declare.contact.${c}`)} />
                      ))}
                    </Stack>
                  </Checkbox.Group>
                </Stack>
              </Card>

              <Checkbox size="md" label={t('checkpoints.declare.pledge')} checked={pledge} onChange={(e) => setPledge(e.currentTarget.checked)} error={errs.pledge} name="pledge" />
              {m.error && <ErrorAlert error={m.error} />}
              <Button type="submit" size="lg" loading={m.isPending}>
                {t('checkpoints.declare.send')}
              </Button>
              <Text size="xs" c="dimmed">
                {t('checkpoints.declare.privacy')}
              </Text>
            </Stack>
          </form>
        )}
      </Stack>
    </Container>
  );
}
