import { Button, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Stack align="center" py="xl" gap="md">
      <Title order={2}>404</Title>
      <Text>{t('app.notFound')}</Text>
      <Button component={Link} to="/" variant="light">
        {t('app.backHome')}
      </Button>
    </Stack>
  );
}
