import { useState, type FormEvent } from 'react';
import { Alert, Box, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from './auth.tsx';
import { LanguageSwitch } from '../shell/LanguageSwitch.tsx';

export function LoginPage() {
  const { t } = useTranslation();
  const { me, login, sessionExpired } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (me) return <Navigate to={from} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!username.trim() || !password) return setError(t('login.required'));
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
      navigate(from === '/login' ? '/' : from, { replace: true });
    } catch (err) {
      setError(err instanceof Error ? err.message : t('app.error'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Box mih="100vh" bg="gray.0" px="md">
      <Group justify="flex-end" py="sm">
        <LanguageSwitch />
      </Group>
      <Center mih="calc(100vh - 120px)">
        <Paper withBorder shadow="sm" p="xl" w="100%" maw={400}>
          <form onSubmit={submit} noValidate>
            <Stack gap="md">
              <Group gap="sm" wrap="nowrap">
                <IconShieldCheck size={36} color="var(--mantine-color-red-7)" aria-hidden />
                <div>
                  <Title order={1} size="h3">
                    {t('app.name')}
                  </Title>
                  <Text size="sm" c="dimmed">
                    {t('app.tagline')}
                  </Text>
                </div>
              </Group>
              <Title order={2} size="h4">
                {t('login.title')}
              </Title>
              {sessionExpired && !error && (
                <Alert color="yellow" variant="light">
                  {t('login.sessionExpired')}
                </Alert>
              )}
              {error && (
                <Alert color="red" variant="light" role="alert">
                  {error}
                </Alert>
              )}
              <TextInput label={t('login.username')} name="username" autoComplete="username" autoCapitalize="none" value={username} onChange={(e) => setUsername(e.currentTarget.value)} required />
              <PasswordInput label={t('login.password')} name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} required />
              <Button type="submit" loading={busy} fullWidth size="md">
                {t('login.submit')}
              </Button>
            </Stack>
          </form>
        </Paper>
      </Center>
    </Box>
  );
}
