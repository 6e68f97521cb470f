// A barcode field for the sampling team: a handheld scanner types the code and presses Enter, a
// person can type it the same way. Each Enter hands the code over, clears the field and keeps the
// focus for the next tube. Where the phone's browser has a built-in barcode reader
// (BarcodeDetector: Chrome on Android), a camera button scans without any extra library.
import { forwardRef, useEffect, useImperativeHandle, useRef, useState, type ReactNode } from 'react';
import { ActionIcon, Button, Group, Modal, Stack, Text, TextInput, type TextInputProps } from '@mantine/core';
import { IconCamera, IconScan } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorCtor = new (opts?: { formats?: string[] }) => BarcodeDetectorLike;

function detectorClass(): BarcodeDetectorCtor | null {
  const c = (globalThis as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;
  return typeof c === 'function' && !!navigator.mediaDevices?.getUserMedia ? c : null;
}

/** A scanned or typed code as the server stores it: no spaces, upper case (scanners may send lower case). */
export function normaliseBarcode(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

export interface BarcodeInputHandle {
  focus(): void;
}

interface Props extends Omit<TextInputProps, 'onSubmit' | 'value' | 'onChange' | 'rightSection'> {
  onScan(code: string): void;
  /** Shown under the field (the last scan's outcome). */
  feedback?: ReactNode;
  busy?: boolean;
}

export const BarcodeInput = forwardRef<BarcodeInputHandle, Props>(function BarcodeInput({ onScan, feedback, busy, ...rest }, ref) {
  const { t } = useTranslation();
  const [value, setValue] = useState('');
  const [camera, setCamera] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const canCamera = detectorClass() !== null;
  useImperativeHandle(ref, () => ({ focus: () => input.current?.focus() }), []);

  const submit = (raw: string) => {
    const code = normaliseBarcode(raw);
    if (!code) return;
    setValue('');
    onScan(code);
    input.current?.focus();
  };

  return (
    <Stack gap={4}>
      <TextInput
        ref={input}
        size="lg"
        autoComplete="off"
        autoCorrect="off"
        autoCapitalize="characters"
        spellCheck={false}
        enterKeyHint="done"
        leftSection={<IconScan size={20} aria-hidden />}
        {...rest}
        value={value}
        onChange={(e) => setValue(e.currentTarget.value)}
        onKeyDown={(e) => {
          // Scanners end with Enter (some with Tab): both hand the code over.
          if (e.key === 'Enter' || (e.key === 'Tab' && value.trim())) {
            e.preventDefault();
            submit(value);
          }
        }}
        rightSectionWidth={canCamera ? 84 : 44}
        rightSection={
          <Group gap={2} wrap="nowrap">
            {canCamera && (
              <ActionIcon variant="subtle" size="lg" onClick={() => setCamera(true)} aria-label={t('testing.scan.camera')}>
                <IconCamera size={20} />
              </ActionIcon>
            )}
            <ActionIcon variant="filled" size="lg" loading={busy} onClick={() => submit(value)} aria-label={t('testing.scan.add')} disabled={!value.trim()}>
              ↵
            </ActionIcon>
          </Group>
        }
      />
      {feedback}
      {camera && (
        <CameraScanner
          onClose={() => {
            setCamera(false);
            input.current?.focus();
          }}
          onCode={(c) => {
            setCamera(false);
            submit(c);
          }}
        />
      )}
    </Stack>
  );
});

/** The back camera in a full-screen dialog, read a few times a second until a code is found. */
function CameraScanner({ onCode, onClose }: { onCode(code: string): void; onClose(): void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const done = useRef(onCode);
  done.current = onCode;
  useEffect(() => {
    const Detector = detectorClass();
    if (!Detector) return;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    const detector = new Detector({ formats: ['code_128', 'code_39', 'qr_code', 'ean_13', 'data_matrix'] });
    const tick = async () => {
      if (stopped || !video.current) return;
      try {
        const found = video.current.readyState >= 2 ? await detector.detect(video.current) : [];
        const code = found.find((b) => b.rawValue.trim())?.rawValue;
        if (code && !stopped) return done.current(code);
      } catch {
        // a frame the detector could not read: try the next one
      }
      timer = setTimeout(() => void tick(), 250);
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then((s) => {
        if (stopped) return s.getTracks().forEach((tr) => tr.stop());
        stream = s;
        video.current!.srcObject = s;
        void video.current!.play().then(() => void tick());
      })
      .catch(() => setError(t('testing.scan.noCamera')));
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, [t]);
  return (
    <Modal opened onClose={onClose} title={t('testing.scan.cameraTitle')} fullScreen>
      <Stack gap="sm">
        {error ? <Text c="red">{error}</Text> : <video ref={video} muted playsInline style={{ width: '100%', maxHeight: '70vh', background: '#000', borderRadius: 8 }} />}
        <Text size="sm" c="dimmed">
          {t('testing.scan.cameraHint')}
        </Text>
        <Button variant="default" size="md" onClick={onClose}>
          {t('app.close')}
        </Button>
      </Stack>
    </Modal>
  );
}
