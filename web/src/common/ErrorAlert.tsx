// An API error as the user should read it: the server's message is already in their language;
// per-field details are listed under it.
import { Alert, Button, List } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../lib/api.ts';
import { currentLang } from '../i18n/index.ts';

/** Some server messages carry both languages as "Tiếng Việt / English": keep the reader's half. */
export function pickLang(message: string): string {
  const parts = message.split(' / ');
  if (parts.length !== 2) return message;
  return currentLang() === 'en' ? parts[1] : parts[0];
}

export function ErrorAlert({ error, onRetry, notFoundText }: { error: unknown; onRetry?: () => void; notFoundText?: string }) {
  const { t } = useTranslation();
  const notFound = error instanceof ApiError && error.status === 404;
  const message = notFound && notFoundText ? notFoundText : error instanceof Error ? error.message : t('app.error');
  const fields = error instanceof ApiError && !notFound ? error.fields : [];
  return (
    <Alert color={notFound ? 'yellow' : 'red'} icon={<IconAlertTriangle size={18} />} title={notFound ? undefined : t('app.error')} role="alert">
      {message}
      {fields.length > 0 && (
        <List size="sm" mt={4}>
          {fields.map((f, i) => (
            <List.Item key={i}>{f.message?.includes(' / ') ? pickLang(f.message) : `${f.field}: ${t(`fieldErrors.${f.code}`, { defaultValue: f.message ?? f.code })}`}</List.Item>
          ))}
        </List>
      )}
      {onRetry && !notFound && (
        <Button size="xs" variant="light" color="red" ml="md" onClick={onRetry}>
          {t('app.retry')}
        </Button>
      )}
    </Alert>
  );
}
