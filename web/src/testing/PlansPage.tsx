// "Kế hoạch lấy mẫu": a district officer sets, for a date, the groups to sample (strata) with their
// risk weights; the server proposes the sample size of each group (freedom from disease at the
// design prevalence, corrected for the group's size, shared out by risk under the budget), then
// draws the people from the registry with a seed anyone can re-run, and gives a list per site.
import { useState } from 'react';
import { Badge, Button, Card, Group, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useUrlParams } from '../lib/urlParams.ts';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { formatDate, formatNumber } from '../lib/format.ts';
import { usePlans } from './api.ts';
import { PlanForm } from './PlanForm.tsx';
import { PlanDetail } from './PlanDetail.tsx';

export default function PlansPage() {
  const { t } = useTranslation();
  const phone = useMediaQuery('(max-width: 48em)');
  const [params, update] = useUrlParams();
  const openId = params.get('plan') ? Number(params.get('plan')) : null;
  const creating = params.get('new') === '1';
  const plans = usePlans();
  const open = (id: number | null, isNew = false) =>
    update((next) => {
      next.delete('plan');
      next.delete('new');
      if (id != null) next.set('plan', String(id));
      if (isNew) next.set('new', '1');
    });

  return (
    <Stack gap="md" maw={1300}>
      <Group justify="space-between" gap="xs" className="no-print">
        <div>
          <Title order={1} size="h2">
            {t('testing.plans.title')}
          </Title>
          <Text size="sm" c="dimmed" maw={760}>
            {t('testing.plans.intro')}
          </Text>
        </div>
        {!creating && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => open(null, true)}>
            {t('testing.plans.new')}
          </Button>
        )}
      </Group>

      {creating && (
        <Card withBorder className="no-print">
          <Title order={2} size="h4" mb="sm">
            {t('testing.plans.new')}
          </Title>
          <PlanForm onCancel={() => open(null)} onCreated={(id) => open(id)} />
        </Card>
      )}

      {openId != null && !creating && <PlanDetail id={openId} onClose={() => open(null)} />}

      {!creating && openId == null && (
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">
            {t('testing.plans.list')}
          </Title>
          {plans.isPending ? (
            <PageLoader />
          ) : plans.error ? (
            <ErrorAlert error={plans.error} onRetry={() => void plans.refetch()} />
          ) : plans.data.length === 0 ? (
            <Text c="dimmed" data-testid="plans-empty">
              {t('testing.plans.empty')}
            </Text>
          ) : phone ? (
            <Stack gap="xs" data-testid="plans">
              {plans.data.map((p) => (
                <UnstyledButton key={p.id} onClick={() => open(p.id)} p="sm" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}>
                  <Group justify="space-between" wrap="nowrap">
                    <div>
                      <Text fw={600}>{p.name}</Text>
                      <Text size="sm" c="dimmed">
                        {formatDate(p.planDate)} · {p.unitName} · {t('testing.plans.summary', { strata: p.strata, total: formatNumber(p.people) })}
                      </Text>
                    </div>
                    <Badge variant="light" color={p.status === 'drawn' ? 'green' : p.status === 'closed' ? 'gray' : 'blue'}>
                      {t(`testing.plans.status.${p.status}`)}
                    </Badge>
                  </Group>
                </UnstyledButton>
              ))}
            </Stack>
          ) : (
            <Table striped highlightOnHover verticalSpacing={6} data-testid="plans">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('testing.plans.date')}</Table.Th>
                  <Table.Th>{t('testing.plans.name')}</Table.Th>
                  <Table.Th>{t('testing.plans.unit')}</Table.Th>
                  <Table.Th ta="right">{t('testing.plans.strataCount')}</Table.Th>
                  <Table.Th ta="right">{t('testing.plans.totalSample')}</Table.Th>
                  <Table.Th ta="right">{t('testing.plans.collected')}</Table.Th>
                  <Table.Th>{t('testing.plans.statusLabel')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {plans.data.map((p) => (
                  <Table.Tr key={p.id} className="clickable-row" onClick={() => open(p.id)}>
                    <Table.Td className="tabular">{formatDate(p.planDate)}</Table.Td>
                    <Table.Td>{p.name}</Table.Td>
                    <Table.Td>{p.unitName}</Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(p.strata)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(p.people)}
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatNumber(p.collected)}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={p.status === 'drawn' ? 'green' : p.status === 'closed' ? 'gray' : 'blue'}>
                        {t(`testing.plans.status.${p.status}`)}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
      )}
    </Stack>
  );
}
