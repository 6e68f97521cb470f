// Dated policy versions: what is in force on a date, every version with its source, and (for
// administrators) a form to add the next version.
import { useState, type FormEvent } from 'react';
import { IconPlus } from '@tabler/icons-react';
import { Accordion, Badge, Button, Code, Group, JsonInput, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCan } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { fieldErrors } from '../common/fieldErrors.ts';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { formatDate, parseDayFirstDate, todayInVietnam } from '../lib/format.ts';
import type { Policy, PolicyVersion } from '../lib/types.ts';
import { currentLang } from '../i18n/index.ts';

export default function PoliciesPage() {
  const { t } = useTranslation();
  const [dateText, setDateText] = useState(formatDate(todayInVietnam()));
  const date = parseDayFirstDate(dateText);
  const [lastDate, setLastDate] = useState(todayInVietnam());
  if (date && date !== lastDate) setLastDate(date);
  const q = useQuery({ queryKey: ['policies', lastDate], queryFn: ({ signal }) => api<Policy[]>('/policies', { query: { date: lastDate }, signal }) });
  const canManage = useCan('policies.manage');
  const lang = currentLang();

  return (
    <Stack gap="md" maw={1100}>
      <Title order={1} size="h2">
        {t('policies.title')}
      </Title>
      <Text size="sm">{t('policies.intro')}</Text>
      <TextInput
        label={t('policies.currentOn')}
        value={dateText}
        onChange={(e) => setDateText(e.currentTarget.value)}
        placeholder={t('policies.datePlaceholder')}
        error={date ? undefined : t('policies.invalidDate')}
        w={200}
        inputMode="numeric"
      />
      {q.isPending ? (
        <PageLoader />
      ) : q.error ? (
        <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <Accordion variant="separated" multiple defaultValue={[q.data[0]?.key].filter(Boolean)}>
          {q.data.map((p) => (
            <Accordion.Item key={p.key} value={p.key} data-testid={`policy-${p.key}`}>
              <Accordion.Control>
                <Group justify="space-between" wrap="wrap" gap="xs" pr="sm">
                  <div>
                    <Text fw={600}>{p.title[lang]}</Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {p.key}
                    </Text>
                  </div>
                  {p.current ? (
                    <Badge variant="light" color="green">
                      {t('policies.version')} {p.current.version} · {t('policies.effectiveFrom').toLowerCase()} {formatDate(p.current.effectiveFrom)}
                    </Badge>
                  ) : (
                    <Badge variant="light" color="gray">
                      {t('policies.none')}
                    </Badge>
                  )}
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                <Stack gap="md">
                  <VersionsTable versions={p.versions} current={p.current} date={lastDate} />
                  {canManage && <AddVersionForm policy={p} />}
                </Stack>
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
    </Stack>
  );
}

function VersionsTable({ versions, current, date }: { versions: PolicyVersion[]; current: PolicyVersion | null; date: string }) {
  const { t } = useTranslation();
  return (
    <div>
      <Text size="sm" fw={600}>
        {t('policies.versions')}
      </Text>
      {current && (
        <Text size="xs" c="dimmed" mb={4}>
          {t('policies.highlight', { date: formatDate(date) })}
        </Text>
      )}
      <Table.ScrollContainer minWidth={720}>
        <Table striped verticalSpacing={6} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('policies.version')}</Table.Th>
              <Table.Th>{t('policies.effectiveFrom')}</Table.Th>
              <Table.Th>{t('policies.effectiveTo')}</Table.Th>
              <Table.Th>{t('policies.value')}</Table.Th>
              <Table.Th>{t('policies.source')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...versions].reverse().map((v) => (
              <Table.Tr key={v.version} bg={current?.version === v.version ? 'green.0' : undefined}>
                <Table.Td>{v.version}</Table.Td>
                <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                  {formatDate(v.effectiveFrom)}
                </Table.Td>
                <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                  {v.effectiveTo ? formatDate(v.effectiveTo) : t('policies.open')}
                </Table.Td>
                <Table.Td>
                  <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{JSON.stringify(v.value)}</Code>
                </Table.Td>
                <Table.Td>
                  {v.source}
                  {v.note && (
                    <Text size="xs" c="dimmed">
                      {t('policies.note')}: {v.note}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </div>
  );
}

function AddVersionForm({ policy }: { policy: Policy }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const latest = policy.versions[policy.versions.length - 1];
  const [from, setFrom] = useState('');
  const [value, setValue] = useState(JSON.stringify(latest?.value ?? {}, null, 2));
  const [source, setSource] = useState('');
  const [note, setNote] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const [open, setOpen] = useState(false);
  const m = useMutation({
    mutationFn: (body: { effectiveFrom: string; value: unknown; source: string; note?: string }) =>
      api<PolicyVersion>(`/policies/${encodeURIComponent(policy.key)}/versions`, { method: 'POST', body }),
    onSuccess: (v) => {
      notifications.show({ color: 'green', message: t('policies.saved', { version: v.version, title: policy.title[currentLang()] }) });
      setFrom('');
      setSource('');
      setNote('');
      setOpen(false);
      void qc.invalidateQueries({ queryKey: ['policies'] });
    },
  });
  const server = fieldErrors(m.error, t);
  const valueErrors = Object.entries(server)
    .filter(([k]) => k === 'value' || k.startsWith('value.'))
    .map(([k, msg]) => (k === 'value' ? msg : `${k.slice(6)}: ${msg}`));
  const otherError = m.error && !Object.keys(server).length;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const effectiveFrom = parseDayFirstDate(from);
    if (!effectiveFrom) errs.effectiveFrom = t('policies.invalidDate');
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      errs.value = t('policies.invalidJson');
    }
    if (source.trim().length < 3) errs.source = t('fieldErrors.too_short');
    setLocal(errs);
    if (Object.keys(errs).length) return;
    m.mutate({ effectiveFrom: effectiveFrom!, value: parsed, source: source.trim(), ...(note.trim() ? { note: note.trim() } : {}) });
  };

  if (!open)
    return (
      <Group>
        <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => setOpen(true)}>
          {t('policies.addVersion')}
        </Button>
      </Group>
    );
  return (
    <form onSubmit={submit} noValidate data-testid={`add-version-${policy.key}`}>
      <Stack gap="sm" p="sm" style={{ border: '1px dashed var(--mantine-color-gray-4)', borderRadius: 8 }}>
        <Text fw={600} size="sm">
          {t('policies.addVersion')}
        </Text>
        <TextInput
          label={t('policies.effectiveFrom')}
          placeholder={t('policies.datePlaceholder')}
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
          error={local.effectiveFrom ?? server.effectiveFrom}
          w={200}
          required
          inputMode="numeric"
          name="effectiveFrom"
        />
        <JsonInput
          label={t('policies.valueJson')}
          value={value}
          onChange={setValue}
          formatOnBlur
          autosize
          minRows={4}
          maxRows={10}
          validationError={t('policies.invalidJson')}
          error={local.value ?? (valueErrors.length ? valueErrors.join('\n') : undefined)}
          styles={{ error: { whiteSpace: 'pre-line' } }}
          name="value"
        />
        <TextInput label={t('policies.source')} value={source} onChange={(e) => setSource(e.currentTarget.value)} error={local.source ?? server.source} required name="source" />
        <Textarea label={t('policies.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} error={server.note} autosize minRows={1} name="note" />
        {otherError && <ErrorAlert error={m.error} />}
        <Group>
          <Button type="submit" loading={m.isPending}>
            {t('app.save')}
          </Button>
          <Button variant="subtle" onClick={() => setOpen(false)}>
            {t('app.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
