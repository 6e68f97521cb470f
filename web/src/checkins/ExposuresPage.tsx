// "Tiếp xúc qua quét QR": suggested contacts of the open cases of the jurisdiction, from venue
// check-ins within ±1 h (policy), for the tracing team to accept or reject.
import { SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { useUrlParams } from '../lib/urlParams.ts';
import { useExposures } from './api.ts';
import { SuggestionList } from './SuggestionList.tsx';
import { OutboxCard } from './OutboxCard.tsx';

export default function ExposuresPage() {
  const { t } = useTranslation();
  const [params, update] = useUrlParams();
  const status = params.get('status') ?? 'suggested';
  const q = useExposures(status);
  return (
    <Stack gap="md" maw={900}>
      <div>
        <Title order={1} size="h2">
          {t('checkins.exposures.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('checkins.exposures.intro')}
        </Text>
      </div>
      <SegmentedControl
        value={status}
        onChange={(v) => update((n) => n.set('status', v))}
        data={(['suggested', 'accepted', 'rejected'] as const).map((s) => ({ value: s, label: t(`checkins.exposures.status.${s}`) }))}
      />
      {q.isPending && <PageLoader />}
      {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
      {q.data && <SuggestionList items={q.data.items} showCase />}
      <OutboxCard />
    </Stack>
  );
}
