// "Xác minh giấy chứng nhận tiêm chủng": the public page a certificate's QR code opens (/xac-minh,
// no login), light and for a phone. The code is in the URL fragment, which the browser never
// sends to the server: the signature is checked here, with WebCrypto, against the provinces'
// published keys, fetched once and kept in localStorage, so a checkpoint without a connection can
// still check. A code can also be pasted, read from a photo, or scanned with the camera.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Card, Container, FileButton, Group, Loader, SimpleGrid, Stack, Table, Text, Textarea, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconCamera, IconCircleCheck, IconCircleX, IconPhoto, IconShieldCheck, IconWifiOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../shell/LanguageSwitch.tsx';
import { formatDate, formatDateTime } from '../lib/format.ts';
import { extractCode, verifyCertificate, type CertificateContent, type VerifyFailure } from '../../../src/domain/vaccination/certificate.ts';
import { loadKeys, NoKeysError, type LoadedKeys } from './certificateApi.ts';

type Outcome =
  | { kind: 'checking' }
  | { kind: 'valid'; content: CertificateContent; provinceName: string; revoked: boolean; keys: LoadedKeys }
  | { kind: 'invalid'; reason: VerifyFailure; keys: LoadedKeys }
  | { kind: 'no_keys' };

async function check(code: string): Promise<Outcome> {
  let keys: LoadedKeys;
  try {
    keys = await loadKeys();
  } catch (e) {
    if (e instanceof NoKeysError) return { kind: 'no_keys' };
    throw e;
  }
  let r = await verifyCertificate(code, keys.keys);
  // A key published after the kept copy was made: ask the server once more, when there is one.
  if (!r.ok && r.reason === 'unknown_kid' && keys.source === 'cache') {
    const fresh = await loadKeys({ fresh: true }).catch(() => null);
    if (fresh && fresh.source === 'network') {
      keys = fresh;
      r = await verifyCertificate(code, keys.keys);
    }
  }
  if (!r.ok) return { kind: 'invalid', reason: r.reason, keys };
  const revoked = (keys.revoked[r.content.issuerCode] ?? []).includes(r.content.id);
  return { kind: 'valid', content: r.content, provinceName: r.key.provinceName, revoked, keys };
}

/** The QR code in an image's pixels, or null. jsQR is loaded only when a QR is read. */
async function decodeQr(data: ImageData): Promise<string | null> {
  const { default: jsQR } = await import('jsqr');
  return jsQR(data.data, data.width, data.height, { inversionAttempts: 'attemptBoth' })?.data ?? null;
}

async function decodeImageFile(file: File): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  // Phone photos are large: 1200 px on the long side is plenty for a QR code.
  const scale = Math.min(1, 1200 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return decodeQr(ctx.getImageData(0, 0, canvas.width, canvas.height));
}

function CameraScanner({ onCode, onClose }: { onCode: (text: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let live = true;
    const canvas = document.createElement('canvas');
    const tick = async () => {
      const v = video.current;
      if (!live || !v) return;
      if (v.readyState >= 2 && v.videoWidth > 0) {
        const scale = Math.min(1, 800 / Math.max(v.videoWidth, v.videoHeight));
        canvas.width = Math.round(v.videoWidth * scale);
        canvas.height = Math.round(v.videoHeight * scale);
        const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
        ctx.drawImage(v, 0, 0, canvas.width, canvas.height);
        const text = await decodeQr(ctx.getImageData(0, 0, canvas.width, canvas.height));
        if (text && live) return onCode(text);
      }
      timer = setTimeout(() => void tick(), 250);
    };
    navigator.mediaDevices
      ?.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then((s) => {
        stream = s;
        if (!live || !video.current) return;
        video.current.srcObject = s;
        void video.current.play().catch(() => {});
        void tick();
      })
      .catch(() => live && setError(t('vaccCertificate.verify.cameraError')));
    if (!navigator.mediaDevices) setError(t('vaccCertificate.verify.cameraError'));
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, [onCode, t]);
  return (
    <Card withBorder padding="xs" data-testid="verify-camera">
      {error ? (
        <Alert color="yellow" icon={<IconAlertTriangle size={18} />}>
          {error}
        </Alert>
      ) : (
        <video ref={video} muted playsInline style={{ width: '100%', borderRadius: 6, background: '#000' }} aria-label={t('vaccCertificate.verify.camera')} />
      )}
      <Button mt="xs" fullWidth variant="default" onClick={onClose}>
        {t('vaccCertificate.verify.stopCamera')}
      </Button>
    </Card>
  );
}

function KeysNote({ keys }: { keys: LoadedKeys }) {
  const { t } = useTranslation();
  return (
    <Group gap={6} wrap="nowrap" data-testid="verify-keys-source" data-source={keys.source}>
      {keys.source === 'cache' && <IconWifiOff size={14} color="var(--mantine-color-dimmed)" aria-hidden />}
      <Text size="xs" c="dimmed">
        {keys.source === 'cache' ? t('vaccCertificate.verify.keysCached', { at: formatDateTime(keys.fetchedAt).slice(0, 16) }) : t('vaccCertificate.verify.keysFetched')}
      </Text>
    </Group>
  );
}

function ValidCard({ o }: { o: Extract<Outcome, { kind: 'valid' }> }) {
  const { t } = useTranslation();
  const c = o.content;
  const color = o.revoked ? 'orange' : 'green';
  return (
    <Card withBorder data-testid="verify-result" data-result={o.revoked ? 'revoked' : 'valid'} style={{ borderColor: `var(--mantine-color-${color}-6)`, borderWidth: 2 }}>
      <Group gap="sm" wrap="nowrap" mb="sm">
        <ThemeIcon size={44} radius="xl" color={color} variant="light">
          {o.revoked ? <IconAlertTriangle size={28} /> : <IconCircleCheck size={28} />}
        </ThemeIcon>
        <div>
          <Text fw={700} size="lg" c={`${color}.8`}>
            {o.revoked ? t('vaccCertificate.verify.revoked') : t('vaccCertificate.verify.valid')}
          </Text>
          <Text size="sm">{o.revoked ? t('vaccCertificate.verify.revokedHint') : t('vaccCertificate.verify.validHint', { issuer: c.issuerName })}</Text>
        </div>
      </Group>
      <Stack gap={6}>
        <div>
          <Text size="xs" c="dimmed">
            {t('vaccCertificate.fullName')}
          </Text>
          <Text fw={700} size="xl" data-testid="verify-name">
            {c.fullName}
          </Text>
        </div>
        <Group gap="xl">
          <div>
            <Text size="xs" c="dimmed">
              {t('vaccCertificate.birthDate')}
            </Text>
            <Text fw={500} className="tabular" data-testid="verify-birth">
              {formatDate(c.birthDate)}
            </Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              {t('vaccCertificate.number')}
            </Text>
            <Text fw={500} className="tabular">
              {c.id}
            </Text>
          </div>
        </Group>
        <Badge size="lg" color={c.status === 'partial' ? 'orange' : 'green'} variant="light" style={{ alignSelf: 'flex-start', height: 'auto', whiteSpace: 'normal', paddingBlock: 4 }} data-testid="verify-status">
          {t(`vaccCertificate.status.${c.status}`)}
        </Badge>
        <Table striped verticalSpacing={4} fz="sm" data-testid="verify-doses">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('vaccCertificate.dose')}</Table.Th>
              <Table.Th>{t('vaccCertificate.date')}</Table.Th>
              <Table.Th>{t('vaccCertificate.vaccine')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {c.doses.map((d, i) => (
              <Table.Tr key={i}>
                <Table.Td>{t(`vaccCertificate.kind.${d.kind}`)}</Table.Td>
                <Table.Td className="tabular">{formatDate(d.date)}</Table.Td>
                <Table.Td>{d.productName}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="xs" c="dimmed">
          {t('vaccCertificate.verify.issued', { issuer: o.provinceName, at: formatDateTime(new Date(c.issuedAt * 1000).toISOString()).slice(0, 10) })}
        </Text>
        <Alert color="blue" variant="light" p="xs">
          <Text size="sm">{t('vaccCertificate.verify.compareId')}</Text>
        </Alert>
        <KeysNote keys={o.keys} />
      </Stack>
    </Card>
  );
}

export default function VerifyPage() {
  const { t } = useTranslation();
  const [input, setInput] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [camera, setCamera] = useState(false);
  const [readError, setReadError] = useState<string | null>(null);
  const run = useRef(0);
  const top = useRef<HTMLDivElement>(null);
  // A result after a paste or a scan at the bottom of a phone screen: bring it into view.
  useEffect(() => {
    if (outcome && outcome.kind !== 'checking') top.current?.scrollIntoView?.({ block: 'start' });
  }, [outcome]);

  const verify = useCallback(
    (text: string) => {
      const code = extractCode(text);
      setReadError(null);
      if (!code) return;
      const n = ++run.current;
      setOutcome({ kind: 'checking' });
      void check(code)
        .catch(() => ({ kind: 'invalid', reason: 'malformed', keys: { keys: [], revoked: {}, fetchedAt: new Date().toISOString(), source: 'cache' } }) as Outcome)
        .then((o) => n === run.current && setOutcome(o));
    },
    [],
  );

  // The code the QR opened the page with, and any later link opened in the same tab.
  useEffect(() => {
    const fromHash = () => {
      const h = window.location.hash.slice(1);
      if (h) verify(decodeURIComponent(h));
    };
    fromHash();
    window.addEventListener('hashchange', fromHash);
    return () => window.removeEventListener('hashchange', fromHash);
  }, [verify]);

  const onScanned = useCallback(
    (text: string) => {
      setCamera(false);
      setInput(text);
      verify(text);
    },
    [verify],
  );

  const onImage = async (file: File | null) => {
    if (!file) return;
    try {
      const text = await decodeImageFile(file);
      if (!text) return setReadError(t('vaccCertificate.verify.noQrInImage'));
      setInput(text);
      verify(text);
    } catch {
      setReadError(t('vaccCertificate.verify.noQrInImage'));
    }
  };

  return (
    <Container size={520} px="sm" py="md">
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
            {t('vaccCertificate.verify.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('vaccCertificate.verify.intro')}
          </Text>
        </div>

        <div ref={top} />
        {outcome?.kind === 'checking' && (
          <Group gap="xs">
            <Loader size="sm" />
            <Text size="sm">{t('vaccCertificate.verify.checking')}</Text>
          </Group>
        )}
        {outcome?.kind === 'valid' && <ValidCard o={outcome} />}
        {outcome?.kind === 'invalid' && (
          <Card withBorder data-testid="verify-result" data-result="invalid" data-reason={outcome.reason} style={{ borderColor: 'var(--mantine-color-red-6)', borderWidth: 2 }}>
            <Group gap="sm" wrap="nowrap" align="flex-start">
              <ThemeIcon size={44} radius="xl" color="red" variant="light">
                <IconCircleX size={28} />
              </ThemeIcon>
              <div>
                <Text fw={700} size="lg" c="red.8">
                  {t('vaccCertificate.verify.invalid')}
                </Text>
                <Text size="sm">{t(`vaccCertificate.verify.reason.${outcome.reason}`)}</Text>
              </div>
            </Group>
            <Stack mt="sm" gap={4}>
              <KeysNote keys={outcome.keys} />
            </Stack>
          </Card>
        )}
        {outcome?.kind === 'no_keys' && (
          <Alert color="yellow" icon={<IconWifiOff size={18} />} data-testid="verify-result" data-result="no_keys">
            {t('vaccCertificate.verify.noKeys')}
          </Alert>
        )}

        <Card withBorder>
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
              <Button size="md" leftSection={<IconCamera size={18} />} onClick={() => setCamera((c) => !c)} variant={camera ? 'filled' : 'light'}>
                {t('vaccCertificate.verify.scan')}
              </Button>
              <FileButton onChange={(f) => void onImage(f)} accept="image/*">
                {(props) => (
                  <Button {...props} size="md" variant="light" leftSection={<IconPhoto size={18} />} data-testid="verify-image">
                    {t('vaccCertificate.verify.fromImage')}
                  </Button>
                )}
              </FileButton>
            </SimpleGrid>
            {camera && <CameraScanner onCode={onScanned} onClose={() => setCamera(false)} />}
            {readError && (
              <Alert color="yellow" p="xs">
                {readError}
              </Alert>
            )}
            <form
              onSubmit={(e) => {
                e.preventDefault();
                verify(input);
              }}
            >
              <Stack gap="xs">
                <Textarea
                  label={t('vaccCertificate.verify.pasteLabel')}
                  placeholder={t('vaccCertificate.verify.pastePlaceholder')}
                  autosize
                  minRows={2}
                  maxRows={6}
                  value={input}
                  onChange={(e) => setInput(e.currentTarget.value)}
                  name="code"
                  spellCheck={false}
                  autoCapitalize="off"
                  autoCorrect="off"
                />
                <Button type="submit" size="md" disabled={!input.trim()}>
                  {t('vaccCertificate.verify.check')}
                </Button>
              </Stack>
            </form>
          </Stack>
        </Card>
        <Text size="xs" c="dimmed">
          {t('vaccCertificate.verify.privacy')}
        </Text>
      </Stack>
    </Container>
  );
}
