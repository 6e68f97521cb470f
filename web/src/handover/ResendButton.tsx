// The sender hands a returned contact over again (after calling the other commune, or once the
// registry has where they really live), with a message saying what changed.
import { useState } from 'react';
import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconSend } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api.ts';
import type { OutgoingHandover } from './api.ts';
import { handoverErrorText } from './errors.ts';
import { newRequestId } from './requestId.ts';

export function ResendButton({ h, size = 'xs' }: { h: OutgoingHandover; size?: 'xs' | 'md' }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const phone = useMediaQuery('(max-width: 48em)');
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  const [requestId, setRequestId] = useState(newRequestId);
  const m = useMutation({
    mutationFn: () => api<OutgoingHandover>(`/handovers/${h.id}/resend`, { method: 'POST', body: { requestId, message: message.trim() || null } }),
    onSuccess: (sent) => {
      notifications.show({ color: 'green', message: t('handover.resent', { commune: sent.toUnitName ?? '' }) });
      setOpen(false);
      setMessage('');
      setRequestId(newRequestId());
      void qc.invalidateQueries({ queryKey: ['handovers'] });
      void qc.invalidateQueries({ queryKey: ['case', String(h.caseId)] });
    },
  });
  return (
    <>
      <Button size={size} h={size === 'md' ? 48 : undefined} variant="light" leftSection={<IconSend size={16} />} onClick={() => setOpen(true)}>
        {t('handover.resend')}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('handover.resendTitle', { name: h.contactName })} fullScreen={phone} centered>
        <Stack gap="sm">
          <Text size="sm">{t('handover.resendHint')}</Text>
          <Textarea label={t('handover.message')} value={message} onChange={(e) => setMessage(e.currentTarget.value)} autosize minRows={3} maxLength={1000} data-autofocus />
          {m.error && <Alert color="red" variant="light">{handoverErrorText(m.error, t)}</Alert>}
          <Group grow>
            <Button variant="default" h={48} onClick={() => setOpen(false)}>
              {t('app.cancel')}
            </Button>
            <Button h={48} onClick={() => m.mutate()} loading={m.isPending}>
              {t('handover.resend')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
