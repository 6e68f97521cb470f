// An optional photo (a rapid test cassette), taken with the phone camera or picked from the gallery.
import { useState } from 'react';
import { Button, FileButton, Group, Image, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCamera, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { photoToBody } from './photo.ts';
import type { PhotoBody } from './api.ts';

/** Optional photo of the test cassette, shrunk on the phone before it is sent. */
export function PhotoField({ value, onChange, error }: { value: PhotoBody | null; onChange(v: PhotoBody | null): void; error?: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  return (
    <Stack gap={4}>
      <Group gap="sm" align="center">
        <FileButton
          accept="image/*"
          capture="environment"
          onChange={async (f) => {
            if (!f) return;
            setBusy(true);
            try {
              onChange(await photoToBody(f));
            } catch {
              notifications.show({ color: 'red', message: t('testing.rapid.photoError') });
            } finally {
              setBusy(false);
            }
          }}
        >
          {(props) => (
            <Button {...props} variant="light" leftSection={<IconCamera size={18} />} loading={busy} size="md">
              {value ? t('testing.rapid.photoAgain') : t('testing.rapid.photo')}
            </Button>
          )}
        </FileButton>
        {value && (
          <Group gap={4}>
            <Image src={`data:${value.contentType};base64,${value.dataBase64}`} alt={t('testing.rapid.photo')} h={64} w="auto" radius="sm" />
            <Button variant="subtle" color="red" size="xs" leftSection={<IconX size={14} />} onClick={() => onChange(null)}>
              {t('testing.rapid.photoRemove')}
            </Button>
          </Group>
        )}
      </Group>
      <Text size="xs" c={error ? 'red' : 'dimmed'}>
        {error ?? t('testing.rapid.photoHint')}
      </Text>
    </Stack>
  );
}
