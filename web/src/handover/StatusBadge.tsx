// The state of a hand-over at a glance: waiting for the other commune, accepted, returned.
import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { HandoverStatus } from './api.ts';

const COLOR: Record<HandoverStatus, string> = { pending: 'orange', accepted: 'teal', returned: 'red' };

export function HandoverStatusBadge({ status }: { status: HandoverStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLOR[status]} variant="light" style={{ flexShrink: 0 }} data-testid="handover-status">
      {t(`handover.status.${status}`)}
    </Badge>
  );
}
