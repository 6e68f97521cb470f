// "Test nhanh": a health worker records a rapid antigen test (who, when it was read, result, kit,
// photo optional). A positive is sent on for confirmation as the policy in force says.
import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Card, Group, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { formatDateTime } from '../lib/format.ts';
import { PersonPicker } from '../people/PersonPicker.tsx';
import type { Person } from '../lib/types.ts';
import type { RapidTest, RapidOutcome } from './api.ts';
import { noFieldFor, resultColor, testingFieldErrors } from './shared.ts';
import { instantFromLocal, localDateTimeValue } from './photo.ts';
import { PhotoField } from './PhotoField.tsx';

const FIELDS = ['personId', 'outcome', 'readAt', 'kit', 'photo'];

export default function RapidPage() {
  const { t } = useTranslation();
  const recent = useQuery({ queryKey: ['testing', 'rapid'], queryFn: ({ signal }) => api<{ items: RapidTest[] }>('/testing/rapid-tests', { signal }).then((r) => r.items) });
  return (
    <Stack gap="md" maw={900}>
      <div>
        <Title order={1} size="h2">
          {t('testing.rapid.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('testing.rapid.intro')}
        </Text>
      </div>
      <Card withBorder>
        <RapidForm />
      </Card>
      <Card withBorder>
        <Title order={2} size="h5" mb="xs">
          {t('testing.rapid.recent')}
        </Title>
        {recent.isPending ? (
          <PageLoader />
        ) : recent.error ? (
          <ErrorAlert error={recent.error} onRetry={() => void recent.refetch()} />
        ) : !recent.data.length ? (
          <Text c="dimmed">{t('testing.rapid.none')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={520}>
            <Table verticalSpacing={4} fz="sm" striped data-testid="rapid-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('testing.rapid.readAt')}</Table.Th>
                  <Table.Th>{t('person.fullName')}</Table.Th>
                  <Table.Th>{t('testing.lab.result')}</Table.Th>
                  <Table.Th>{t('testing.rapid.source')}</Table.Th>
                  <Table.Th>{t('testing.rapid.followUp')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {recent.data.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                      {formatDateTime(r.readAt).slice(0, 16)}
                    </Table.Td>
                    <Table.Td>{r.personId ? <Link to={`/people/${r.personId}`}>{r.fullName}</Link> : r.fullName}</Table.Td>
                    <Table.Td>
                      <Badge color={resultColor[r.outcome]} variant="light">
                        {t(`testing.result.${r.outcome}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{t(`testing.rapid.sources.${r.source}`, { defaultValue: r.source })}</Table.Td>
                    <Table.Td>{r.caseId ? <Link to={`/cases/${r.caseId}`}>{t('testing.followup.openCase', { id: r.caseId })}</Link> : r.confirmation ? t(`testing.rapid.confirmation.${r.confirmation}`, { defaultValue: r.confirmation }) : '—'}</Table.Td>
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

function RapidForm() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [person, setPerson] = useState<Person | null>(null);
  const [outcome, setOutcome] = useState<RapidOutcome | ''>('');
  const [readAt, setReadAt] = useState(localDateTimeValue(new Date()));
  const [kit, setKit] = useState('');
  const [photo, setPhoto] = useState<string | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [done, setDone] = useState<RapidTest | null>(null);
  const m = useMutation({
    mutationFn: () =>
      api<RapidTest>('/testing/rapid-tests', { method: 'POST', body: { personId: person?.id, outcome, readAt: instantFromLocal(readAt), kit: kit.trim() || null, photo } }),
    onSuccess: (r) => {
      notifications.show({ color: 'green', message: t('testing.rapid.saved', { name: r.fullName }) });
      setDone(r);
      setPerson(null);
      setOutcome('');
      setPhoto(null);
      void qc.invalidateQueries({ queryKey: ['testing', 'rapid'] });
    },
  });
  const errs = { ...testingFieldErrors(m.error, t), ...local };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const l: Record<string, string> = {};
    if (!person) l.personId = t('fieldErrors.required');
    if (!outcome) l.outcome = t('fieldErrors.required');
    const at = instantFromLocal(readAt);
    if (!at) l.readAt = t('fieldErrors.invalid_date');
    else if (Date.parse(at) > Date.now() + 5 * 60_000) l.readAt = t('fieldErrors.in_future');
    setLocal(l);
    if (!Object.keys(l).length) m.mutate();
  };
  return (
    <form onSubmit={submit} noValidate data-testid="rapid-form">
      <Stack gap="sm">
        <PersonPicker label={t('testing.rapid.person')} value={person?.id ?? null} initial={person} onChange={(_, p) => setPerson(p)} error={errs.personId} required size="md" key={person?.id ?? 'none'} />
        <div>
          <Text size="sm" fw={500} mb={4}>
            {t('testing.lab.result')} <span style={{ color: 'var(--mantine-color-red-6)' }}>*</span>
          </Text>
          <SegmentedControl
            fullWidth
            size="md"
            value={outcome}
            onChange={(v) => setOutcome(v as RapidOutcome)}
            data={(['negative', 'positive', 'invalid'] as const).map((o) => ({ value: o, label: t(`testing.result.${o}`) }))}
            color={outcome ? resultColor[outcome] : undefined}
            aria-label={t('testing.lab.result')}
          />
          {errs.outcome && (
            <Text c="red" size="sm">
              {errs.outcome}
            </Text>
          )}
        </div>
        <Group grow align="flex-start">
          <TextInput type="datetime-local" label={t('testing.rapid.readAt')} value={readAt} onChange={(e) => setReadAt(e.currentTarget.value)} error={errs.readAt} required size="md" name="readAt" />
          <TextInput label={t('testing.rapid.kit')} placeholder={t('testing.rapid.kitPlaceholder')} value={kit} onChange={(e) => setKit(e.currentTarget.value)} error={errs.kit} size="md" maxLength={120} name="kit" />
        </Group>
        <PhotoField value={photo} onChange={setPhoto} error={errs.photo} />
        {noFieldFor(m.error, FIELDS) && <ErrorAlert error={m.error} />}
        <Button type="submit" size="md" loading={m.isPending}>
          {t('testing.rapid.save')}
        </Button>
        {done && done.outcome === 'positive' && (
          <Alert color="red" variant="light" data-testid="rapid-positive">
            {done.caseId ? (
              <>
                {t('testing.rapid.caseCreated')} <Link to={`/cases/${done.caseId}`}>{t('testing.followup.openCase', { id: done.caseId })}</Link>
              </>
            ) : (
              t(`testing.rapid.confirmation.${done.confirmation ?? 'pcr'}`, { defaultValue: done.confirmation ?? '' })
            )}
          </Alert>
        )}
      </Stack>
    </form>
  );
}
