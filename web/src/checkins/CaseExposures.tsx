// On a case's page: the people who checked in at the same venues as the case within the window.
import { Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCan } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { formatDate } from '../lib/format.ts';
import { useCaseExposures } from './api.ts';
import { SuggestionList } from './SuggestionList.tsx';

export function CaseExposures({ caseId }: { caseId: number }) {
  const can = useCan('checkins.trace');
  return can ? <Inner caseId={caseId} /> : null;
}

function Inner({ caseId }: { caseId: number }) {
  const { t } = useTranslation();
  const q = useCaseExposures(caseId);
  return (
    <Paper withBorder p="md" radius="md" data-testid="case-exposures">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('checkins.exposures.caseTitle')}
        </Title>
        {q.error && <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />}
        {q.data && (
          <Text size="sm" c="dimmed">
            {t('checkins.exposures.caseSummary', { visits: q.data.match.caseVisits, from: formatDate(q.data.match.range.from.slice(0, 10)), minutes: q.data.match.windowMinutes })}
          </Text>
        )}
        {q.data && <SuggestionList items={q.data.items} />}
      </Stack>
    </Paper>
  );
}
