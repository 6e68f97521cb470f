// On the person page: the person's vaccination certificates, and (vaccination.certify) a button
// that issues one from the registry's doses and opens it to print, with its QR code and the link
// to the public verification page.
import { useState } from 'react';
import { Anchor, Badge, Button, Card, Group, Modal, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconCertificate, IconExternalLink, IconPrinter } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { QrCode } from '../common/QrCode.tsx';
import { formatDateTime } from '../lib/format.ts';
import { certificatePdfUrl, useCertificate, useIssueCertificate, usePersonCertificates, useRevokeCertificate } from './certificateApi.ts';

function RevokeForm({ id, personId }: { id: number; personId: number }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const revoke = useRevokeCertificate(personId);
  return (
    <form
      style={{ width: '100%' }}
      onSubmit={(e) => {
        e.preventDefault();
        revoke.mutate({ id, reason: reason.trim() });
      }}
    >
      <Stack gap={6}>
        <TextInput label={t('vaccCertificate.card.revokeReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={500} name="reason" />
        {revoke.error && <ErrorAlert error={revoke.error} />}
        <Button type="submit" color="orange" variant="light" disabled={reason.trim().length < 3} loading={revoke.isPending}>
          {t('vaccCertificate.card.revoke')}
        </Button>
      </Stack>
    </form>
  );
}

function CertificateModal({ id, onClose }: { id: number; onClose: () => void }) {
  const { t } = useTranslation();
  const canRevoke = useCan('vaccination.manage');
  const q = useCertificate(id);
  const c = q.data;
  return (
    <Modal opened onClose={onClose} title={t('vaccCertificate.card.issuedTitle', { id })} centered size="md">
      {q.error ? (
        <ErrorAlert error={q.error} />
      ) : !c ? (
        <Text size="sm">…</Text>
      ) : (
        <Stack gap="sm" align="center" data-testid="certificate-issued" data-certificate-id={c.id}>
          <Badge color={c.status === 'partial' ? 'orange' : 'green'} variant="light" size="lg" style={{ height: 'auto', whiteSpace: 'normal', paddingBlock: 4 }}>
            {t(`vaccCertificate.status.${c.status}`)}
          </Badge>
          <QrCode value={c.url} size={220} label={t('vaccCertificate.card.qr')} />
          <Text size="xs" c="dimmed" ta="center">
            {t('vaccCertificate.card.qrHint')}
          </Text>
          <SimpleGrid cols={{ base: 1, xs: 2 }} w="100%" spacing="xs">
            <Button component="a" href={certificatePdfUrl(c.id)} target="_blank" rel="noopener" leftSection={<IconPrinter size={18} />} size="md" data-testid="certificate-pdf">
              {t('vaccCertificate.card.print')}
            </Button>
            <Button component="a" href={c.url} target="_blank" rel="noopener" variant="light" leftSection={<IconExternalLink size={18} />} size="md" data-testid="certificate-verify-link">
              {t('vaccCertificate.card.openVerify')}
            </Button>
          </SimpleGrid>
          {c.revokedAt ? (
            <Badge color="orange" variant="light" size="lg">
              {t('vaccCertificate.card.revokedAt', { at: formatDateTime(c.revokedAt).slice(0, 16) })}
            </Badge>
          ) : (
            canRevoke && <RevokeForm id={c.id} personId={c.personId} />
          )}
        </Stack>
      )}
    </Modal>
  );
}

export function CertificateCard({ personId }: { personId: number }) {
  const { t } = useTranslation();
  const canRead = useCan('vaccination.read');
  const canIssue = useCan('vaccination.certify');
  const list = usePersonCertificates(personId);
  const issue = useIssueCertificate(personId);
  const [open, setOpen] = useState<number | null>(null);
  if (!canRead) return null;
  const data = list.data;
  return (
    <Card withBorder data-testid="certificates">
      <Group justify="space-between" mb="xs" wrap="wrap" gap="xs">
        <Group gap={6}>
          <IconCertificate size={20} aria-hidden />
          <Title order={2} size="h4">
            {t('vaccCertificate.card.title')}
          </Title>
        </Group>
        {canIssue && data && (
          <Button
            size="sm"
            leftSection={<IconCertificate size={16} />}
            loading={issue.isPending}
            disabled={data.doses === 0}
            onClick={() => issue.mutate(undefined, { onSuccess: (c) => setOpen(c.id) })}
            data-testid="certificate-issue"
          >
            {t('vaccCertificate.card.issue')}
          </Button>
        )}
      </Group>
      {list.error && <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
      {issue.error && <ErrorAlert error={issue.error} />}
      {data && data.doses === 0 && (
        <Text size="sm" c="dimmed">
          {t('vaccCertificate.card.noDoses')}
        </Text>
      )}
      {data && data.doses > 0 && data.certificates.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('vaccCertificate.card.none', { count: data.doses })}
        </Text>
      )}
      <Stack gap={4}>
        {data?.certificates.map((c) => (
          <Group key={c.id} justify="space-between" wrap="nowrap" gap="xs" data-testid="certificate-row">
            <div style={{ minWidth: 0 }}>
              <Anchor component="button" type="button" onClick={() => setOpen(c.id)} fw={500} size="sm">
                {t('vaccCertificate.card.row', { id: c.id, at: formatDateTime(c.issuedAt).slice(0, 16) })}
              </Anchor>
              <Text size="xs" c="dimmed">
                {t(`vaccCertificate.status.${c.status}`)} · {t('vaccCertificate.card.doses', { count: c.doses })}
                {c.issuedBy ? ` · ${c.issuedBy}` : ''}
              </Text>
            </div>
            {c.revokedAt ? (
              <Badge color="orange" variant="light">
                {t('vaccCertificate.card.revoked')}
              </Badge>
            ) : (
              <Button component="a" href={certificatePdfUrl(c.id)} target="_blank" rel="noopener" size="compact-sm" variant="subtle" leftSection={<IconPrinter size={14} />}>
                {t('vaccCertificate.card.printShort')}
              </Button>
            )}
          </Group>
        ))}
      </Stack>
      {open != null && <CertificateModal id={open} onClose={() => setOpen(null)} />}
    </Card>
  );
}
