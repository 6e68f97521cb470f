// "Nhập dữ liệu dân cư": drop a CSV/XLSX, watch it upload and then be processed, read the counts,
// download the row-by-row error file.
import { useEffect, useRef, useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Group, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { IconDownload, IconFileSpreadsheet, IconFileTypeCsv, IconUpload, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { api, ApiError } from '../lib/api.ts';
import { formatDateTime, formatNumber } from '../lib/format.ts';
import type { ImportJob } from '../lib/types.ts';
import { uploadFile, type Upload } from './upload.ts';

const MAX_BYTES = 200 * 1024 * 1024;
const ACCEPT = {
  'text/csv': ['.csv'],
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

  const job = useQuery({
    queryKey: ['import', jobId],
    queryFn: ({ signal }) => api<ImportJob>(`/imports/${jobId}`, { signal }),
    enabled: !!jobId,
    refetchInterval: (q) => (q.state.data?.status === 'running' || !q.state.data ? 500 : false),
  });
  const finished = job.data && job.data.status !== 'running';
  useEffect(() => {
    if (finished) void qc.invalidateQueries({ queryKey: ['imports'] });
  }, [finished, qc]);

  const recent = useQuery({
    queryKey: ['imports'],
    queryFn: ({ signal }) => api<ImportJob[] | { items: ImportJob[] }>('/imports', { signal }).then((r) => (Array.isArray(r) ? r : r.items)),
  });

  function start(file: File) {
    setUploadError(null);
    setJobId(null);
    setUpload({ name: file.name, loaded: 0, total: file.size });
    const u = uploadFile<{ jobId: string | number }>('/api/imports/people', 'file', file, (loaded, total) => setUpload({ name: file.name, loaded, total }));
    current.current = u;
    u.promise
      .then((r) => {
        setJobId(String(r.jobId));
        void qc.invalidateQueries({ queryKey: ['imports'] });
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
        {t('import.title')}
      </Title>
      <Text size="sm">{t('import.intro')}</Text>
      <Group gap="sm">
        <Button component="a" href="/mau-danh-sach-dan-cu.csv" download="mau-danh-sach-dan-cu.csv" variant="light" leftSection={<IconDownload size={16} />}>
          {t('import.template')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('import.columns')}
      </Text>

      <Dropzone
        onDrop={(files) => files[0] && start(files[0])}
        onReject={() => setUploadError(new ApiError(0, 'rejected', t('import.reject')))}
        accept={ACCEPT}
        maxSize={MAX_BYTES}
        multiple={false}
        loading={busy}
        disabled={busy}
        data-testid="import-dropzone"
      >
        <Group justify="center" gap="md" mih={120} style={{ pointerEvents: 'none' }} wrap="nowrap">
          <Dropzone.Accept>
            <IconUpload size={44} color="var(--mantine-color-blue-6)" />
          </Dropzone.Accept>
          <Dropzone.Reject>
            <IconX size={44} color="var(--mantine-color-red-6)" />
          </Dropzone.Reject>
          <Dropzone.Idle>
            <IconFileSpreadsheet size={44} color="var(--mantine-color-green-7)" />
          </Dropzone.Idle>
          <div>
            <Text size="lg" fw={500}>
              {t('import.drop')}
            </Text>
            <Text size="sm" c="dimmed">
              {t('import.dropHint')}
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
          <Progress value={upload.total ? (100 * upload.loaded) / upload.total : 0} size="lg" aria-label={t('import.status.uploading')} data-testid="upload-progress" />
        </Card>
      )}

      {jobId && job.error && <ErrorAlert error={job.error} onRetry={() => void job.refetch()} />}
      {job.data && <JobResult job={job.data} />}

      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {t('import.recent')}
        </Title>
        {recent.error ? (
          <ErrorAlert error={recent.error} onRetry={() => void recent.refetch()} />
        ) : !recent.data?.length ? (
          <Text c="dimmed">{recent.isPending ? t('app.loading') : t('import.noRecent')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table striped verticalSpacing={6} fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('import.startedAt')}</Table.Th>
                  <Table.Th>{t('import.file')}</Table.Th>
                  <Table.Th>{t('import.state')}</Table.Th>
                  <Table.Th ta="right">{t('import.totalRows')}</Table.Th>
                  <Table.Th ta="right">{t('import.insertedRows')}</Table.Th>
                  <Table.Th ta="right">{t('import.updatedRows')}</Table.Th>
                  <Table.Th ta="right">{t('import.errorRows')}</Table.Th>
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
                        {t(`import.status.${j.status}`, { defaultValue: j.status })}
                      </Badge>
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(j.totalRows ?? j.processedRows)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(j.insertedRows)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(j.updatedRows)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(j.errorRows)}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {j.errorRows > 0 && (
                        <Group gap={8} wrap="nowrap">
                          <Anchor href={`/api/imports/${j.id}/errors.csv`} download size="sm">
                            CSV
                          </Anchor>
                          <Anchor href={`/api/imports/${j.id}/errors.csv?format=xlsx`} download size="sm">
                            Excel
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
  // Until the total is known the bar runs animated at full width.
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
    <Card withBorder data-testid="import-result" data-status={job.status}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          {job.status === 'running' ? t('import.processing') : t('import.result')}
        </Title>
        <Badge color={statusColor[job.status] ?? 'gray'} variant="light" size="lg">
          {t(`import.status.${job.status}`, { defaultValue: job.status })}
        </Badge>
      </Group>
      <Text size="sm" c="dimmed" mb="xs" style={{ wordBreak: 'break-all' }}>
        {job.filename}
      </Text>
      {job.status === 'running' && (
        <Stack gap={4} mb="sm">
          <Progress value={pct} size="lg" striped animated={!job.totalRows} aria-label={t('import.processing')} />
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
          <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm">
            {count(t('import.totalRows'), job.totalRows ?? job.processedRows)}
            {count(t('import.insertedRows'), job.insertedRows, 'green.8')}
            {count(t('import.updatedRows'), job.updatedRows, 'blue.8')}
            {count(t('import.unchangedRows'), job.unchangedRows)}
            {count(t('import.errorRows'), job.errorRows, job.errorRows ? 'red.8' : undefined)}
          </SimpleGrid>
          {job.errorRows > 0 ? (
            <Group gap="sm">
              <Button component="a" href={`/api/imports/${job.id}/errors.csv`} download variant="light" color="red" leftSection={<IconFileTypeCsv size={16} />}>
                {t('import.errorsCsv')}
              </Button>
              <Button component="a" href={`/api/imports/${job.id}/errors.csv?format=xlsx`} download variant="light" color="green" leftSection={<IconFileSpreadsheet size={16} />}>
                {t('import.errorsXlsx')}
              </Button>
            </Group>
          ) : (
            job.status === 'done' && <Text size="sm">{t('import.noErrors')}</Text>
          )}
        </Stack>
      )}
    </Card>
  );
}
