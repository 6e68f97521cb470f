// "Cách ly": centralised facilities with their occupancy, and the quarantine / isolation orders of
// the jurisdiction with their decisions, daily checks and release.
import { Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { FacilitiesSection } from './FacilitiesSection.tsx';
import { OrdersSection } from './OrdersSection.tsx';

export default function QuarantinePage() {
  const { t } = useTranslation();
  return (
    <Stack gap="lg" maw={1400}>
      <div>
        <Title order={1} size="h2">
          {t('quarantine.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('quarantine.intro')}
        </Text>
      </div>
      <FacilitiesSection />
      <OrdersSection />
    </Stack>
  );
}
