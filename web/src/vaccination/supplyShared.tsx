// Pieces shared by the lots, allocations and campaigns pages: error messages of the supply part in
// the reader's language, state badges, the big figures.
import { Badge, Paper, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../lib/api.ts';
import { formatNumber } from '../lib/format.ts';
import type { AllocationState, CampaignState } from './supplyApi.ts';

/** Field → message for a failed write; codes of this part first, then the app's own. */
export function supplyErrors(err: unknown, t: TFunction): { fields: Record<string, string>; general: string | null } {
  if (!(err instanceof ApiError)) return { fields: {}, general: err ? t('app.error') : null };
  const fields: Record<string, string> = {};
  for (const f of err.fields) {
    const text = t(`vaccSupply.errors.${f.code}`, { defaultValue: t(`fieldErrors.${f.code}`, { defaultValue: f.message ?? f.code }) });
    fields[f.field] = fields[f.field] ? `${fields[f.field]}; ${text}` : text;
  }
  const general = err.fields.length ? Object.values(fields).join(' · ') : err.message;
  return { fields, general };
}

const ALLOCATION_COLORS: Record<AllocationState, string> = { completed: 'green', completed_late: 'teal', open: 'blue', due_soon: 'orange', overdue: 'red' };
export function AllocationBadge({ state }: { state: AllocationState }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={ALLOCATION_COLORS[state]} data-state={state}>
      {t(`vaccSupply.allocations.state.${state}`)}
    </Badge>
  );
}

const CAMPAIGN_COLORS: Record<CampaignState, string> = { completed: 'green', on_track: 'blue', will_not_finish: 'red', stalled: 'orange', missed: 'red', not_started: 'gray', closed: 'gray' };
export function CampaignBadge({ state }: { state: CampaignState }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={CAMPAIGN_COLORS[state]} data-state={state}>
      {t(`vaccSupply.campaigns.state.${state}`)}
    </Badge>
  );
}

export function Figure({ label, value, hint, color }: { label: string; value: number | string; hint?: string; color?: string }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={color} className="tabular">
        {typeof value === 'number' ? formatNumber(value) : value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}
