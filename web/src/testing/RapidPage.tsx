// "Test nhanh": a health worker records a rapid antigen test (who, when it was read, result, kit,
// photo optional). A positive becomes a case when it meets the F0 definition in force, else the
// commune gets a confirmation task. The page also gives the link of the citizens' self-report page.
import { useState, type FormEvent } from 'react';
import { Alert, Anchor, Badge, Button, Card, CopyButton, Group, SegmentedControl, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCopy, IconPhoto } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { QrCode } from '../common/QrCode.tsx';
import { Link } from 'react-router-dom';
import { useMe } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { formatDateTime } from '../lib/format.ts';
import { PersonPicker } from '../people/PersonPicker.tsx';
import type { Person } from '../lib/types.ts';
import { idempotencyKey, type PhotoBody, type RapidOutcome, type RapidTest } from './api.ts';
import { noFieldFor, resultColor, testingFieldErrors } from './shared.ts';
import { instantFromLocal, localDateTimeValue } from './photo.ts';
import { PhotoField } from './PhotoField.tsx';
import { DateTimeField } from './DateTimeField.tsx';

const FIELDS = ['personId', 'person', 'vehiclePlate', 'outcome', 'readAt', 'kit', 'photo', 'idempotencyKey'];

export default function RapidPage() {
  const { t } = useTranslation();
  const me = useMe();
  const recent = useQuery({ queryKey: ['testing', 'rapid'], queryFn: ({ signal }) => api<{ total: number; items: RapidTest[] }>('/testing/rapid-tests', { query: { limit: 50 }, signal }) });
  const selfLink = `${window.location.origin}/tu-test-nhanh?tinh=${me.provinceCode}`;
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
      <Card withBorder padding="sm">
        <Text size="sm" fw={600}>
          {t('testing.rapid.selfLink')}
        </Text>
        <Group align="flex-start" gap="md" wrap="wrap">
          <QrCode value={selfLink} size={148} label={t('testing.rapid.selfQr')} />
          <Stack gap={4} style={{ flex: '1 1 220px', minWidth: 0 }}>
            <Text size="xs" c="dimmed">
              {t('testing.rapid.selfQrHint')}
            </Text>
            <Anchor href={selfLink} target="_blank" size="sm" style={{ wordBreak: 'break-all' }} data-testid="self-link">
              {selfLink}
            </Anchor>
            <CopyButton value={selfLink}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" leftSection={<IconCopy size={14} />} onClick={copy} mt={6} w="fit-content">
                  {copied ? t('testing.rapid.copied') : t('testing.rapid.copy')}
                </Button>
              )}
            </CopyButton>
          </Stack>
        </Group>
      </Card>
      <Card withBorder>
        <Title order={2} size="h5" mb="xs">
          {t('testing.rapid.recent')}
        </Title>
        {recent.isPending ? (
          <PageLoader />
        ) : recent.error ? (
          <ErrorAlert error={recent.error} onRetry={() => void recent.refetch()} />
        ) : !recent.data.items.length ? (
          <Text c="dimmed">{t('testing.rapid.none')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={620}>
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
                {recent.data.items.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                      {formatDateTime(r.readAt).slice(0, 16)}
                    </Table.Td>
                    <Table.Td>
                      {r.personId ? (
                        <Anchor component={Link} to={`/people/${r.personId}`} size="sm">
                          {r.subjectName}
                        </Anchor>
                      ) : (
                        r.subjectName
                      )}
                      {r.communeName && (
                        <Text size="xs" c="dimmed">
                          {r.communeName}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Badge color={resultColor[r.outcome]} variant="light">
                          {t(`testing.result.${r.outcome}`)}
                        </Badge>
                        {r.hasPhoto && (
                          <Anchor href={`/api/testing/rapid-tests/${r.id}/photo`} target="_blank" aria-label={t('testing.rapid.photo')}>
                            <IconPhoto size={16} />
                          </Anchor>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>{t(`testing.rapid.sources.${r.source}`)}</Table.Td>
                    <Table.Td>
                      <Effect r={r} />
                    </Table.Td>
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

function Effect({ r }: { r: RapidTest }) {
  const { t } = useTranslation();
  if (r.caseId)
    return (
      <Anchor component={Link} to={`/cases/${r.caseId}`} size="sm" data-testid="rapid-case-link">
        {t(`testing.rapid.effect.${r.effect}`, { id: r.caseId })}
      </Anchor>
    );
  return <Text size="sm">{r.effect === 'none' ? '—' : t(`testing.rapid.effect.${r.effect}`, { id: '' })}</Text>;
}

function RapidForm() {
  const { t } = useTranslation();
  const narrow = useMediaQuery('(max-width: 30em)');
  const qc = useQueryClient();
  const [person, setPerson] = useState<Person | null>(null);
  const [outsider, setOutsider] = useState(false);
  const [other, setOther] = useState({ fullName: '', cccd: '', phone: '', plate: '' });
  const [outcome, setOutcome] = useState<RapidOutcome | ''>('');
  const [readAt, setReadAt] = useState(localDateTimeValue(new Date()));
  const [kit, setKit] = useState('');
  const [photo, setPhoto] = useState<PhotoBody | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [done, setDone] = useState<RapidTest | null>(null);
  // One key per report being filled in: a retry after a lost answer is not recorded twice.
  const [key, setKey] = useState(idempotencyKey);
  const m = useMutation({
    mutationFn: () =>
      api<{ test: RapidTest; replayed: boolean }>('/testing/rapid-tests', {
        method: 'POST',
        body: {
          personId: outsider ? null : person?.id,
          person: outsider ? { fullName: other.fullName.trim(), cccd: other.cccd.trim() || null, phone: other.phone.trim() || null } : null,
          vehiclePlate: outsider && other.plate.trim() ? other.plate.trim() : null,
          outcome,
          readAt: instantFromLocal(readAt),
          kit: kit.trim() || null,
          idempotencyKey: key,
          photo,
        },
      }),
    onSuccess: ({ test }) => {
      notifications.show({ color: 'green', message: t('testing.rapid.saved', { name: test.subjectName }) });
      setDone(test);
      setPerson(null);
      setOther({ fullName: '', cccd: '', phone: '', plate: '' });
      setOutcome('');
      setPhoto(null);
      setKey(idempotencyKey());
      void qc.invalidateQueries({ queryKey: ['testing', 'rapid'] });
    },
  });
  const errs = { ...testingFieldErrors(m.error, t), ...local };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const l: Record<string, string> = {};
    if (!outsider && !person) l.personId = t('fieldErrors.required');
    if (outsider && other.fullName.trim().length < 2) l['person.fullName'] = t('fieldErrors.required');
    if (outsider && !other.cccd.trim() && !other.plate.trim()) l['person.cccd'] = t('testing.rapid.cccdOrPlate');
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
        {!outsider ? (
          <PersonPicker label={t('testing.rapid.person')} value={person?.id ?? null} initial={person} onChange={(_, p) => (setPerson(p), setDone(null))} error={errs.personId} required size="md" key={person?.id ?? 'none'} />
        ) : (
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
            <TextInput label={t('person.fullName')} value={other.fullName} onChange={(ev) => setOther({ ...other, fullName: ev.currentTarget.value })} error={errs['person.fullName']} required size="md" />
            <TextInput label={t('person.cccd')} inputMode="numeric" value={other.cccd} onChange={(ev) => setOther({ ...other, cccd: ev.currentTarget.value })} error={errs['person.cccd']} size="md" />
            <TextInput label={t('person.phone')} inputMode="tel" value={other.phone} onChange={(ev) => setOther({ ...other, phone: ev.currentTarget.value })} error={errs['person.phone']} size="md" />
            <TextInput label={t('testing.lookup.plate')} placeholder="29C-123.45" value={other.plate} onChange={(ev) => setOther({ ...other, plate: ev.currentTarget.value })} error={errs.vehiclePlate} size="md" />
          </SimpleGrid>
        )}
        <Switch label={t('testing.collect.outsider')} checked={outsider} onChange={(ev) => setOutsider(ev.currentTarget.checked)} />
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
            autoContrast
            orientation={narrow ? 'vertical' : 'horizontal'}
            color={outcome ? resultColor[outcome] : undefined}
            aria-label={t('testing.lab.result')}
          />
          {errs.outcome && (
            <Text c="red" size="sm">
              {errs.outcome}
            </Text>
          )}
        </div>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <DateTimeField label={t('testing.rapid.readAt')} value={readAt} onChange={setReadAt} error={errs.readAt} required name="readAt" />
          <TextInput label={t('testing.rapid.kit')} placeholder={t('testing.rapid.kitPlaceholder')} value={kit} onChange={(e) => setKit(e.currentTarget.value)} error={errs.kit} size="md" maxLength={200} name="kit" />
        </SimpleGrid>
        <PhotoField value={photo} onChange={setPhoto} error={errs.photo ?? errs['photo.contentType'] ?? errs['photo.dataBase64']} />
        {noFieldFor(m.error, FIELDS) && <ErrorAlert error={m.error} />}
        <Button type="submit" size="md" loading={m.isPending}>
          {t('testing.rapid.save')}
        </Button>
        {done && done.outcome !== 'negative' && (
          <Alert color={done.outcome === 'positive' ? 'red' : 'orange'} variant="light" data-testid="rapid-effect">
            {done.caseId ? (
              <>
                {t('testing.rapid.caseCreated')}{' '}
                <Anchor component={Link} to={`/cases/${done.caseId}`}>
                  {t('testing.followup.openCase', { id: done.caseId })}
                </Anchor>
              </>
            ) : (
              t(`testing.rapid.effectLong.${done.outcome === 'invalid' ? 'invalid' : done.effect}`)
            )}
          </Alert>
        )}
      </Stack>
    </form>
  );
}
