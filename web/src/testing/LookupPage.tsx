// "Tra cứu kết quả" at a checkpoint: type (or scan) a CCCD or a vehicle plate, see at once whether
// a negative result is still valid (72 h by the policy in force), a positive, or nothing.
import { useState, type FormEvent } from 'react';
import { Alert, Button, Card, Group, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconCircleCheck, IconCircleX, IconClockExclamation, IconQuestionMark, IconSearch } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api.ts';
import { formatDateTime } from '../lib/format.ts';
import type { ValidResults } from './api.ts';
import { errorMessage } from './shared.ts';

type By = 'cccd' | 'plate';

const look = {
  valid_negative: { color: 'green', Icon: IconCircleCheck },
  positive: { color: 'red', Icon: IconCircleX },
  expired: { color: 'orange', Icon: IconClockExclamation },
  none: { color: 'gray', Icon: IconQuestionMark },
} as const;

export default function LookupPage() {
  const { t } = useTranslation();
  const [by, setBy] = useState<By>('cccd');
  const [value, setValue] = useState('');
  const [local, setLocal] = useState<string | null>(null);
  const m = useMutation({
    mutationFn: (v: { by: By; value: string }) => api<ValidResults>('/testing/valid-results', { query: { [v.by]: v.value } }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = by === 'cccd' ? value.replace(/\s+/g, '') : value.trim().toUpperCase();
    if (by === 'cccd' && !/^\d{12}$/.test(v)) return setLocal(t('testing.lookup.cccdInvalid'));
    if (by === 'plate' && v.replace(/[\s.\-_]/g, '').length < 6) return setLocal(t('testing.lookup.plateInvalid'));
    setLocal(null);
    m.mutate({ by, value: v });
  };
  const a = m.data;
  const style = a ? look[a.status] : null;
  return (
    <Stack gap="md" maw={560}>
      <div>
        <Title order={1} size="h2">
          {t('testing.lookup.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('testing.lookup.intro')}
        </Text>
      </div>
      <Card withBorder>
        <form onSubmit={submit} noValidate data-testid="lookup-form">
          <Stack gap="sm">
            <SegmentedControl
              fullWidth
              size="md"
              value={by}
              onChange={(v) => (setBy(v as By), setValue(''), setLocal(null), m.reset())}
              data={[
                { value: 'cccd', label: t('testing.lookup.byCccd') },
                { value: 'plate', label: t('testing.lookup.byPlate') },
              ]}
            />
            <TextInput
              size="lg"
              label={by === 'cccd' ? t('person.cccd') : t('testing.lookup.plate')}
              placeholder={by === 'cccd' ? '0XX XXX XXX XXX' : '29C-123.45'}
              inputMode={by === 'cccd' ? 'numeric' : 'text'}
              autoComplete="off"
              autoCapitalize="characters"
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              error={local}
              name="lookupValue"
              autoFocus
            />
            <Button type="submit" size="md" leftSection={<IconSearch size={18} />} loading={m.isPending}>
              {t('testing.lookup.search')}
            </Button>
          </Stack>
        </form>
      </Card>
      {m.error && (
        <Alert color="red" role="alert">
          {errorMessage(m.error, t)}
        </Alert>
      )}
      {a && style && (
        <Card withBorder padding="md" style={{ borderColor: `var(--mantine-color-${style.color}-6)`, borderWidth: 3 }} data-testid="lookup-answer" data-status={a.status}>
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <style.Icon size={48} color={`var(--mantine-color-${style.color}-7)`} aria-hidden />
            <div>
              <Text fw={800} size="xl" c={`${style.color}.8`}>
                {t(`testing.lookup.status.${a.status}`)}
              </Text>
              {a.result && <Text fw={600}>{a.result.subjectName}</Text>}
              {a.result?.vehiclePlate && <Text size="sm">{t('testing.lookup.plateLine', { plate: a.result.vehiclePlate })}</Text>}
              {a.result && (
                <Text size="sm">
                  {t('testing.lookup.resultLine', { kind: t(`testing.lookup.kind.${a.result.kind}`), result: t(`testing.result.${a.result.outcome}`), at: formatDateTime(a.result.resultAt).slice(0, 16) })}
                  {a.result.place ? ` · ${a.result.place === 'self_report' ? t('testing.rapid.sources.self_report') : a.result.place}` : ''}
                </Text>
              )}
              {a.validUntil && (
                <Text size="sm" fw={600} data-testid="lookup-valid-until">
                  {a.status === 'expired' ? t('testing.lookup.expiredAt', { at: formatDateTime(a.validUntil).slice(0, 16) }) : t('testing.lookup.validUntil', { at: formatDateTime(a.validUntil).slice(0, 16) })}
                </Text>
              )}
              <Text size="xs" c="dimmed" mt={4}>
                {t(`testing.lookup.advice.${a.status}`, { hours: a.hours })}
              </Text>
            </div>
          </Group>
        </Card>
      )}
      {a && a.results.length > 1 && (
        <Card withBorder padding="sm">
          <Text size="sm" fw={600} mb={4}>
            {t('testing.lookup.history')}
          </Text>
          <Stack gap={2}>
            {a.results.slice(0, 10).map((r, i) => (
              <Text size="sm" key={i} className="tabular">
                {formatDateTime(r.resultAt).slice(0, 16)} · {t(`testing.lookup.kind.${r.kind}`)} · {t(`testing.result.${r.outcome}`)}
              </Text>
            ))}
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
