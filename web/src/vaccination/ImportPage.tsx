// "Nhập dữ liệu tiêm chủng": upload the national platform's export (CSV or Excel), watch the upload
// then each step of the import (reading, matching people, checking and writing, coverage), read
// the counts, download the row-by-row error file; the template and the recent imports.
import { useEffect, useRef, useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Group, List, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { useQueryClient } from '@tanstack/react-query';
import { IconDownload, IconFileSpreadsheet, IconFileTypeCsv, IconUpload, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ApiError } from '../lib/api.ts';
import { formatDateTime, formatNumber } from '../lib/format.ts';
import type { ImportJob } from '../lib/types.ts';
import { uploadFile, type Upload } from '../imports/upload.ts';
import { DOSE_IMPORT_URL, errorsUrl, templateUrl, useDoseImport, useDoseImports } from './importApi.ts';

const MAX_BYTES = 200 * 1024 * 1024;
const ACCEPT = {
  'text/csv': ['.csv'],
  'text/plain': ['.csv', '.txt'],
  'application/vnd.ms-excel': ['.csv'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['.xlsx'],
};
const statusColor = { running: 'blue', done: 'green', failed: 'red' } as const;

export default function ImportPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [upload, setUpload] = useState<{ name: string; loaded: number; total: number } | null>(null);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const current = useRef<Upload<unknown> | null>(null);
  useEffect(() => () => current.current?.abort(), []);
  const job = useDoseImport(jobId);
  const recent = useDoseImports();
  const finished = job.data && job.data.status !== 'running';
  useEffect(() => {
    // New doses change coverage, sweep lists, campaigns: everything vaccination is read again.
    if (finished) void qc.invalidateQueries({ queryKey: ['vaccination'] });
  }, [finished, qc]);

  function start(file: File) {
    setUploadError(null);
    setJobId(null);
    setUpload({ name: file.name, loaded: 0, total: file.size });
    const u = uploadFile<{ jobId: string | number }>(DOSE_IMPORT_URL, 'file', file, (loaded, total) => setUpload({ name: file.name, loaded, total }));
    current.current = u;
    u.promise
      .then((r) => {
        setJobId(String(r.jobId));
        void qc.invalidateQueries({ queryKey: ['vaccination', 'imports'] });
      })
      .catch((e) => setUploadError(e))
      .finally(() => {
        current.current = null;
        setUpload(null);
      });
  }
  const busy = !!upload || job.data?.status === 'running' || (!!jobId && !job.data && !job.error);

  return (
    <Stack gap="md" maw={1100}>
      <Title order={1} size="h2">
        {t('vaccImport.title')}
      </Title>
      <Text size="sm">{t('vaccImport.intro')}</Text>
      <Group gap="sm">
        <Button component="a" href={templateUrl('xlsx')} download variant="light" leftSection={<IconDownload size={16} />}>
          {t('vaccImport.templateXlsx')}
        </Button>
        <Button component="a" href={templateUrl('csv')} download variant="subtle" leftSection={<IconDownload size={16} />}>
          {t('vaccImport.templateCsv')}
        </Button>
      </Group>
      <Card withBorder padding="sm">
        <Text size="sm" fw={600} mb={4}>
          {t('vaccImport.rulesTitle')}
        </Text>
        <List size="sm" spacing={2}>
          <List.Item>{t('vaccImport.ruleColumns')}</List.Item>
          <List.Item>{t('vaccImport.rulePerson')}</List.Item>
          <List.Item>{t('vaccImport.ruleLot')}</List.Item>
          <List.Item>{t('vaccImport.ruleChecks')}</List.Item>
          <List.Item>{t('vaccImport.ruleAgain')}</List.Item>
        </List>
      </Card>

      <Dropzone
        onDrop={(files) => files[0] && start(files[0])}
        onReject={() => setUploadError(new ApiError(0, 'rejected', t('vaccImport.reject')))}
        accept={ACCEPT}
        maxSize={MAX_BYTES}
        multiple={false}
        loading={busy}
        disabled={busy}
        data-testid="dose-import-dropzone"
      >
        <Group justify="center" gap="md" mih={110} style={{ pointerEvents: 'none' }} wrap="nowrap">
          <Dropzone.Accept>
            <IconUpload size={40} color="var(--mantine-color-blue-6)" />
          </Dropzone.Accept>
          <Dropzone.Reject>
            <IconX size={40} color="var(--mantine-color-red-6)" />
          </Dropzone.Reject>
          <Dropzone.Idle>
            <IconFileSpreadsheet size={40} color="var(--mantine-color-green-7)" />
          </Dropzone.Idle>
          <div>
            <Text size="lg" fw={500}>
              {t('vaccImport.drop')}
            </Text>
            <Text size="sm" c="dimmed">
              {t('vaccImport.dropHint')}
            </Text>
          </div>
        </Group>
      </Dropzone>

      {uploadError != null && <ErrorAlert error={uploadError} />}
      {upload && (
        <Card withBorder>
          <Text size="sm" mb={6}>
            {t('vaccImport.uploading', { name: upload.name })} — {formatNumber(upload.total ? (100 * upload.loaded) / upload.total : 0)}%
          </Text>
          <Progress value={upload.total ? (100 * upload.loaded) / upload.total : 0} size="lg" aria-label={t('vaccImport.uploadingLabel')} data-testid="dose-upload-progress" />
        </Card>
      )}
      {jobId && job.error && <ErrorAlert error={job.error} onRetry={() => void job.refetch()} />}
      {job.data && <JobResult job={job.data} />}

      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {t('vaccImport.recent')}
        </Title>
        {recent.error ? (
          <ErrorAlert error={recent.error} onRetry={() => void recent.refetch()} />
        ) : !recent.data?.length ? (
          <Text c="dimmed">{recent.isPending ? t('app.loading') : t('vaccImport.noRecent')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={600}>
            <Table striped verticalSpacing={6} fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('vaccImport.startedAt')}</Table.Th>
                  <Table.Th>{t('vaccImport.file')}</Table.Th>
                  <Table.Th>{t('vaccImport.state')}</Table.Th>
                  <Table.Th ta="right">{t('vaccImport.inserted')}</Table.Th>
                  <Table.Th ta="right">{t('vaccImport.unchanged')}</Table.Th>
                  <Table.Th ta="right">{t('vaccImport.errors')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {recent.data.map((j) => (
                  <Table.Tr key={j.id}>
                    <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                      {formatDateTime(j.startedAt)}
                    </Table.Td>
                    <Table.Td style={{ wordBreak: 'break-all' }}>{j.filename}</Table.Td>
                    <Table.Td>
                      <Badge color={statusColor[j.status] ?? 'gray'} variant="light">
                        {t(`vaccImport.status.${j.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(j.insertedRows + j.updatedRows)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(j.unchangedRows)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(j.errorRows)}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {j.errorRows > 0 && (
                        <Group gap={8} wrap="nowrap">
                          <Anchor href={errorsUrl(j.id, 'xlsx')} download size="sm">
                            Excel
                          </Anchor>
                          <Anchor href={errorsUrl(j.id, 'csv')} download size="sm">
                            CSV
                          </Anchor>
                        </Group>
                      )}
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

function JobResult({ job }: { job: ImportJob }) {
  const { t } = useTranslation();
  const pct = job.totalRows ? Math.min(100, (100 * job.processedRows) / job.totalRows) : 100;
  const count = (label: string, n: number, color?: string) => (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" c={color} className="tabular">
        {formatNumber(n)}
      </Text>
    </div>
  );
  return (
    <Card withBorder data-testid="dose-import-result" data-status={job.status}>
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Title order={2} size="h4">
          {job.status === 'running' ? t('vaccImport.processing') : t('vaccImport.result')}
        </Title>
        <Badge color={statusColor[job.status] ?? 'gray'} variant="light" size="lg">
          {t(`vaccImport.status.${job.status}`)}
        </Badge>
      </Group>
      <Text size="sm" c="dimmed" mb="xs" style={{ wordBreak: 'break-all' }}>
        {job.filename}
      </Text>
      {job.status === 'running' && (
        <Stack gap={4} mb="sm">
          {job.message && <Text size="sm">{job.message}</Text>}
          <Progress value={pct} size="lg" striped animated aria-label={t('vaccImport.processing')} />
          <Text size="sm" className="tabular">
            {t('vaccImport.rowsProgress', { done: formatNumber(job.processedRows), total: formatNumber(job.totalRows ?? 0) })}
          </Text>
        </Stack>
      )}
      {job.status !== 'running' && job.message && (
        <Alert color={job.status === 'failed' ? 'red' : job.errorRows ? 'yellow' : 'green'} variant="light" mb="sm">
          {job.message}
        </Alert>
      )}
      {job.status !== 'running' && (
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm">
            {count(t('vaccImport.total'), job.totalRows ?? job.processedRows)}
            {count(t('vaccImport.inserted'), job.insertedRows, 'green.8')}
            {count(t('vaccImport.updated'), job.updatedRows, 'blue.8')}
            {count(t('vaccImport.unchanged'), job.unchangedRows)}
            {count(t('vaccImport.errors'), job.errorRows, job.errorRows ? 'red.8' : undefined)}
          </SimpleGrid>
          {job.errorRows > 0 ? (
            <Stack gap={6}>
              <Text size="sm">{t('vaccImport.errorsHint')}</Text>
              <Group gap="sm">
                <Button component="a" href={errorsUrl(job.id, 'xlsx')} download variant="light" color="green" leftSection={<IconFileSpreadsheet size={16} />}>
                  {t('vaccImport.errorsXlsx')}
                </Button>
                <Button component="a" href={errorsUrl(job.id, 'csv')} download variant="light" color="red" leftSection={<IconFileTypeCsv size={16} />}>
                  {t('vaccImport.errorsCsv')}
                </Button>
              </Group>
            </Stack>
          ) : (
            job.status === 'done' && <Text size="sm">{t('vaccImport.noErrors')}</Text>
          )}
        </Stack>
      )}
    </Card>
  );
}
