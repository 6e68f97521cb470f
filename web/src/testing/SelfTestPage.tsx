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
import { instantFromLocal, localDateTimeValue } from './photo.ts';
import { noFieldFor, resultColor, testingFieldErrors } from './shared.ts';
import type { RapidOutcome } from './api.ts';

const FIELDS = ['cccd', 'fullName', 'phone', 'outcome', 'readAt', 'photo'];

function newKey(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

interface SelfReport {
  id: number;
  outcome: RapidOutcome;
  readAt: string;
  confirmation: string | null;
  confirmDueAt: string | null;
}

export default function SelfTestPage() {
  const { t } = useTranslation();
  const [cccd, setCccd] = useState('');
  const [fullName, setFullName] = useState('');
  const [phone, setPhone] = useState('');
  const [outcome, setOutcome] = useState<RapidOutcome | ''>('');
  const [readAt, setReadAt] = useState(localDateTimeValue(new Date()));
  const [photo, setPhoto] = useState<string | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [key, setKey] = useState(newKey);
  const m = useMutation({
    mutationFn: () =>
      api<SelfReport>('/public/self-tests', {
        method: 'POST',
        body: { idempotencyKey: key, cccd: cccd.replace(/\s+/g, ''), fullName: fullName.trim(), phone: phone.replace(/[\s.]/g, ''), outcome, readAt: instantFromLocal(readAt), photo },
        noRedirect: true,
      }),
  });
  const errs = { ...testingFieldErrors(m.error, t), ...local };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const l: Record<string, string> = {};
    if (!/^\d{12}$/.test(cccd.replace(/\s+/g, ''))) l.cccd = t('testing.lookup.cccdInvalid');
    if (fullName.trim().length < 2) l.fullName = t('fieldErrors.required');
    if (!/^(\+84|0)\d{9}$/.test(phone.replace(/[\s.]/g, ''))) l.phone = t('testing.self.phoneInvalid');
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
      setKey(newKey());
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
        {done ? (
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
            {done.outcome === 'positive' && (
              <Alert color="red" variant="light" mb="sm">
                {done.confirmDueAt ? t('testing.self.positiveDue', { at: formatDateTime(done.confirmDueAt).slice(0, 16) }) : t('testing.self.positive')}
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
                <TextInput size="md" label={t('person.fullName')} autoComplete="name" value={fullName} onChange={(e) => setFullName(e.currentTarget.value)} error={errs.fullName} required name="fullName" maxLength={200} />
                <TextInput size="md" label={t('person.phone')} inputMode="tel" autoComplete="tel" value={phone} onChange={(e) => setPhone(e.currentTarget.value)} error={errs.phone} required name="phone" maxLength={16} />
                <div>
                  <Text size="sm" fw={500} mb={4}>
                    {t('testing.self.result')} <span style={{ color: 'var(--mantine-color-red-6)' }}>*</span>
                  </Text>
                  <SegmentedControl
                    fullWidth
                    size="md"
                    value={outcome}
                    onChange={(v) => setOutcome(v as RapidOutcome)}
                    data={(['negative', 'positive', 'invalid'] as const).map((o) => ({ value: o, label: t(`testing.self.outcome.${o}`) }))}
                    color={outcome ? resultColor[outcome] : undefined}
                    aria-label={t('testing.self.result')}
                  />
                  {errs.outcome && (
                    <Text c="red" size="sm">
                      {errs.outcome}
                    </Text>
                  )}
                </div>
                <TextInput size="md" type="datetime-local" label={t('testing.rapid.readAt')} value={readAt} onChange={(e) => setReadAt(e.currentTarget.value)} error={errs.readAt} required name="readAt" />
                <PhotoField value={photo} onChange={setPhoto} error={errs.photo} />
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
