// Bulk results from the PCR machine's export (CSV or Excel): upload with progress, then the
// server's processing with progress, the counts, and the row-by-row error file. Re-importing the
// same file changes nothing; differing results are held as conflicts.
import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Card, Group, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { IconFileSpreadsheet, IconFileTypeCsv, IconUpload, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { api, ApiError } from '../lib/api.ts';
import { formatNumber } from '../lib/format.ts';
import { uploadFile, type Upload } from '../imports/upload.ts';
import type { ImportJob } from '../lib/types.ts';
import { useFollowUps } from './api.ts';
import { FollowUpPools } from './FollowUpList.tsx';

const MAX_BYTES = 100 * 1024 * 1024;
const ACCEPT = {
  'text/csv': ['.csv'],
  'text/plain': ['.csv', '.txt'],
  'application/vnd.ms-excel': ['.csv', '.xls'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['.xlsx'],
};

export type ResultImportJob = ImportJob;

const statusColor = { running: 'blue', done: 'green', failed: 'red' } as const;

export function ResultImport({ labId }: { labId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [upload, setUpload] = useState<{ name: string; loaded: number; total: number } | null>(null);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const current = useRef<Upload<unknown> | null>(null);
  useEffect(() => () => current.current?.abort(), []);
  const job = useQuery({
    queryKey: ['testing', 'result-import', jobId],
    queryFn: ({ signal }) => api<ResultImportJob>(`/testing/imports/${jobId}`, { signal }),
    enabled: !!jobId,
    refetchInterval: (q) => (q.state.data?.status === 'running' || !q.state.data ? 500 : false),
  });
  const finished = job.data && job.data.status !== 'running';
  useEffect(() => {
    if (finished) void qc.invalidateQueries({ queryKey: ['testing'] });
  }, [finished, qc]);

  function start(file: File) {
    setUploadError(null);
    setJobId(null);
    setUpload({ name: file.name, loaded: 0, total: file.size });
    const u = uploadFile<{ jobId: string | number }>(`/api/testing/results/import?labId=${encodeURIComponent(labId)}`, 'file', file, (loaded, total) => setUpload({ name: file.name, loaded, total }));
    current.current = u;
    u.promise
      .then((r) => setJobId(String(r.jobId)))
      .catch((e) => setUploadError(e))
      .finally(() => {
        current.current = null;
        setUpload(null);
      });
  }
  const busy = !!upload || job.data?.status === 'running' || (!!jobId && !job.data && !job.error);
  return (
    <Stack gap="sm">
      <Text size="sm">{t('testing.import.intro')}</Text>
      <Text size="sm" c="dimmed">
        {t('testing.import.columns')}
      </Text>
      <Dropzone
        onDrop={(files) => files[0] && start(files[0])}
        onReject={() => setUploadError(new ApiError(0, 'rejected', t('testing.import.reject')))}
        accept={ACCEPT}
        maxSize={MAX_BYTES}
        multiple={false}
        loading={busy}
        disabled={busy}
        data-testid="result-dropzone"
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
              {t('testing.import.drop')}
            </Text>
            <Text size="sm" c="dimmed">
              {t('testing.import.dropHint')}
            </Text>
          </div>
        </Group>
      </Dropzone>
      {uploadError != null && <ErrorAlert error={uploadError} />}
      {upload && (
        <Card withBorder>
          <Text size="sm" mb={6}>
            {t('import.uploading', { name: upload.name })} — {formatNumber(upload.total ? (100 * upload.loaded) / upload.total : 0)}%
          </Text>
          <Progress value={upload.total ? (100 * upload.loaded) / upload.total : 0} size="lg" aria-label={t('import.status.uploading')} />
        </Card>
      )}
      {jobId && job.error && <ErrorAlert error={job.error} onRetry={() => void job.refetch()} />}
      {job.data && <JobResult job={job.data} />}
    </Stack>
  );
}

function JobResult({ job }: { job: ResultImportJob }) {
  const { t } = useTranslation();
  const pct = job.totalRows ? Math.min(100, (100 * job.processedRows) / job.totalRows) : 100;
  const count = (label: string, n: number | undefined, color?: string, testId?: string) => (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" c={color} className="tabular" data-testid={testId}>
        {formatNumber(n ?? 0)}
      </Text>
    </div>
  );
  return (
    <Card withBorder data-testid="result-import" data-status={job.status}>
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5">
          {job.status === 'running' ? t('import.processing') : t('import.result')}
        </Title>
        <Badge color={statusColor[job.status]} variant="light" size="lg">
          {t(`import.status.${job.status}`, { defaultValue: job.status })}
        </Badge>
      </Group>
      <Text size="sm" c="dimmed" mb="xs" style={{ wordBreak: 'break-all' }}>
        {job.filename}
      </Text>
      {job.status === 'running' && (
        <Stack gap={4} mb="sm">
          <Progress value={pct} size="lg" striped animated={!job.totalRows} aria-label={t('import.processing')} data-testid="result-import-progress" />
          <Text size="sm" className="tabular">
            {job.totalRows ? t('import.rowsProgress', { done: formatNumber(job.processedRows), total: formatNumber(job.totalRows) }) : t('import.rowsDone', { done: formatNumber(job.processedRows) })}
          </Text>
        </Stack>
      )}
      {job.status === 'failed' && job.message && (
        <Alert color="red" variant="light" mb="sm">
          {job.message}
        </Alert>
      )}
      {job.status !== 'running' && (
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 2, sm: 3, md: 5 }} spacing="sm">
            {count(t('import.totalRows'), job.totalRows ?? job.processedRows)}
            {count(t('testing.import.recorded'), job.insertedRows, 'green.8', 'import-recorded')}
            {count(t('testing.import.replacedInvalid'), job.updatedRows, 'blue.8')}
            {count(t('import.unchangedRows'), job.unchangedRows)}
            {count(t('testing.import.notUsed'), job.errorRows, job.errorRows ? 'red.8' : undefined, 'import-errors')}
          </SimpleGrid>
          {job.errorRows > 0 ? (
            <Group gap="sm">
              <Button component="a" href={`/api/testing/imports/${job.id}/errors.csv`} download variant="light" color="red" leftSection={<IconFileTypeCsv size={16} />}>
                {t('import.errorsCsv')}
              </Button>
              <Button component="a" href={`/api/testing/imports/${job.id}/errors.csv?format=xlsx`} download variant="light" color="green" leftSection={<IconFileSpreadsheet size={16} />}>
                {t('import.errorsXlsx')}
              </Button>
            </Group>
          ) : (
            job.status === 'done' && <Text size="sm">{t('import.noErrors')}</Text>
          )}
          {job.message && (
            <Text size="sm" data-testid="import-message">
              {job.message}
            </Text>
          )}
          {job.status === 'done' && <JobFollowUps jobId={Number(job.id)} />}
        </Stack>
      )}
    </Card>
  );
}

/** The deconvolution list of an import: members of the pools it found positive, to re-test or re-sample. */
function JobFollowUps({ jobId }: { jobId: number }) {
  const { t } = useTranslation();
  const q = useFollowUps({ state: 'all', jobId });
  if (!q.data?.length) return null;
  return (
    <Stack gap="xs" data-testid="import-followups">
      <Alert color="red" variant="light">
        {t('testing.import.followUps', { count: q.data.length })}
      </Alert>
      <FollowUpPools items={q.data} />
    </Stack>
  );
}
