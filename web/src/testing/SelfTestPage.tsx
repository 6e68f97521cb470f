// "Tự khai báo kết quả test nhanh": a citizen's page, light and without login, for a phone. The
// report goes to the commune health station; a positive self-test is confirmed by a health
// worker as the policy in force says. Each form carries an idempotency key, so a retry on a bad
// connection is not counted twice.
import { useMemo, useState, type FormEvent } from 'react';
import { Alert, Button, Card, Center, Container, Group, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconCircleCheck, IconShieldCheck } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { api } from '../lib/api.ts';
import { formatDateTime } from '../lib/format.ts';
import { LanguageSwitch } from '../shell/LanguageSwitch.tsx';
import { PhotoField } from './PhotoField.tsx';
import { DateTimeField } from './DateTimeField.tsx';
import { useSearchParams } from 'react-router-dom';
import { useAuth } from '../auth/auth.tsx';
import { DateField } from '../common/DateField.tsx';
import { instantFromLocal, localDateTimeValue } from './photo.ts';
import { noFieldFor, resultColor, testingFieldErrors } from './shared.ts';
import { idempotencyKey, type PhotoBody, type RapidOutcome } from './api.ts';

const FIELDS = ['provinceCode', 'cccd', 'birthDate', 'phone', 'outcome', 'readAt', 'kit', 'photo', 'idempotencyKey'];

interface SelfReport {
  id: number;
  outcome: RapidOutcome;
  readAt: string;
  next: 'confirmation' | 'none' | 'retest';
  replayed: boolean;
}

export default function SelfTestPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const [params] = useSearchParams();
  // The link or QR code the health station gives carries the province (?tinh=20); a signed-in user's is known.
  const provinceCode = /^\d{2}$/.test(params.get('tinh') ?? '') ? params.get('tinh')! : (me?.provinceCode ?? null);
  const [cccd, setCccd] = useState('');
  const [birthDate, setBirthDate] = useState<string | null>(null);
  const [phone, setPhone] = useState('');
  const [kit, setKit] = useState('');
  const [outcome, setOutcome] = useState<RapidOutcome | ''>('');
  const [readAt, setReadAt] = useState(localDateTimeValue(new Date()));
  const [photo, setPhoto] = useState<PhotoBody | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [key, setKey] = useState(idempotencyKey);
  const m = useMutation({
    mutationFn: () =>
      api<SelfReport>('/testing/self-reports', {
        method: 'POST',
        body: { provinceCode, idempotencyKey: key, cccd: cccd.replace(/\s+/g, ''), birthDate, phone: phone.replace(/[\s.]/g, '') || null, outcome, readAt: instantFromLocal(readAt), kit: kit.trim() || null, photo },
        noRedirect: true,
      }),
  });
  const errs = { ...testingFieldErrors(m.error, t), ...local };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const l: Record<string, string> = {};
    if (!/^\d{12}$/.test(cccd.replace(/\s+/g, ''))) l.cccd = t('testing.lookup.cccdInvalid');
    const ph = phone.replace(/[\s.]/g, '');
    if (ph && !/^(\+84|0)\d{9}$/.test(ph)) l.phone = t('testing.self.phoneInvalid');
    if (!birthDate && !ph) l.birthDate = t('testing.self.birthOrPhone');
    if (!outcome) l.outcome = t('fieldErrors.required');
    const at = instantFromLocal(readAt);
    if (!at) l.readAt = t('fieldErrors.invalid_date');
    else if (Date.parse(at) > Date.now() + 5 * 60_000) l.readAt = t('fieldErrors.in_future');
    setLocal(l);
    if (!Object.keys(l).length) m.mutate();
  };
  const done = m.data;
  const again = useMemo(
    () => () => {
      m.reset();
      setOutcome('');
      setPhoto(null);
      setReadAt(localDateTimeValue(new Date()));
      setKey(idempotencyKey());
    },
    [m],
  );
  return (
    <Container size={480} px="sm" py="md">
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
            {t('testing.self.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('testing.self.intro')}
          </Text>
        </div>
        {!provinceCode ? (
          <Alert color="yellow" data-testid="self-no-province">
            {t('testing.self.noProvince')}
          </Alert>
        ) : done ? (
          <Card withBorder data-testid="self-done">
            <Center mb="sm">
              <IconCircleCheck size={56} color="var(--mantine-color-green-7)" />
            </Center>
            <Text fw={700} ta="center" size="lg">
              {t('testing.self.thanks')}
            </Text>
            <Text ta="center" size="sm" mb="sm">
              {t('testing.self.received', { at: formatDateTime(done.readAt).slice(0, 16), result: t(`testing.result.${done.outcome}`) })}
            </Text>
            {done.next !== 'none' && (
              <Alert color={done.next === 'confirmation' ? 'red' : 'orange'} variant="light" mb="sm" data-testid="self-next">
                {t(`testing.self.next.${done.next}`)}
              </Alert>
            )}
            <Button fullWidth variant="light" size="md" onClick={again}>
              {t('testing.self.another')}
            </Button>
          </Card>
        ) : (
          <Card withBorder>
            <form onSubmit={submit} noValidate data-testid="self-form">
              <Stack gap="sm">
                <TextInput size="md" label={t('person.cccd')} inputMode="numeric" autoComplete="off" maxLength={15} value={cccd} onChange={(e) => setCccd(e.currentTarget.value)} error={errs.cccd} required name="cccd" />
                <Text size="xs" c="dimmed">
                  {t('testing.self.identityHint')}
                </Text>
                <DateField size="md" label={t('person.birthDate')} value={birthDate} onChange={setBirthDate} error={errs.birthDate} name="birthDate" />
                <TextInput size="md" label={t('person.phone')} inputMode="tel" autoComplete="tel" value={phone} onChange={(e) => setPhone(e.currentTarget.value)} error={errs.phone} name="phone" maxLength={16} />
                <div>
                  <Text size="sm" fw={500} mb={4}>
                    {t('testing.self.result')} <span style={{ color: 'var(--mantine-color-red-6)' }}>*</span>
                  </Text>
                  <SegmentedControl
                    fullWidth
                    size="md"
                    value={outcome}
                    onChange={(v) => setOutcome(v as RapidOutcome)}
                    orientation="vertical"
                    data={(['negative', 'positive', 'invalid'] as const).map((o) => ({ value: o, label: t(`testing.self.outcome.${o}`) }))}
                    autoContrast
                    color={outcome ? resultColor[outcome] : undefined}
                    aria-label={t('testing.self.result')}
                  />
                  {errs.outcome && (
                    <Text c="red" size="sm">
                      {errs.outcome}
                    </Text>
                  )}
                </div>
                <DateTimeField label={t('testing.rapid.readAt')} value={readAt} onChange={setReadAt} error={errs.readAt} required name="readAt" />
                <TextInput size="md" label={t('testing.rapid.kit')} placeholder={t('testing.rapid.kitPlaceholder')} value={kit} onChange={(e) => setKit(e.currentTarget.value)} error={errs.kit} maxLength={200} name="kit" />
                <PhotoField value={photo} onChange={setPhoto} error={errs.photo ?? errs['photo.contentType'] ?? errs['photo.dataBase64']} />
                {noFieldFor(m.error, FIELDS) && <ErrorAlert error={m.error} />}
                <Button type="submit" size="lg" loading={m.isPending}>
                  {t('testing.self.send')}
                </Button>
                <Text size="xs" c="dimmed">
                  {t('testing.self.privacy')}
                </Text>
              </Stack>
            </form>
          </Card>
        )}
      </Stack>
    </Container>
  );
}
