// "Chuỗi lây nhiễm": every case of the area with the contacts traced from them, as a WebGL graph.
// The area and dates are asked of the server; colouring is done in the browser.
import { useMemo } from 'react';
import { Alert, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useQuery, keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useUrlParams } from '../lib/urlParams.ts';
import { useMe } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { DateField } from '../common/DateField.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { api } from '../lib/api.ts';
import { UnitSelect } from '../units/UnitSelect.tsx';
import { useUnit } from '../units/queries.ts';
import { ContactGraph } from './ContactGraph.tsx';
import type { ColourBy, GraphFilter } from './graphData.ts';
import { graphQuery } from './graphQuery.ts';

export default function GraphPage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const [params, updateParams] = useUrlParams();
  const unit = params.get('unit');
  const from = params.get('from');
  const to = params.get('to');
  const colourBy = (params.get('colour') as ColourBy | null) ?? 'status';
  const renderer = params.get('renderer');
  const unitInfo = useUnit(unit ?? '', !!unit);
  const set = (k: string, v: string | null) =>
    updateParams((next) => {
      if (v) next.set(k, v);
      else next.delete(k);
    });
  const res = useQuery({ ...graphQuery(unit, from, to), placeholderData: keepPreviousData });
  const filter = useMemo<GraphFilter>(() => ({ colourBy }), [colourBy]);
  const coversMany = me.unitPath.split('/').filter(Boolean).length <= 2;

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('nav.graph')}
      </Title>
      <Group gap="sm" align="flex-end" wrap="wrap">
        {coversMany && (
          <UnitSelect
            label={t('cases.area')}
            placeholder={t('cases.wholeArea')}
            value={unit}
            valueLabel={unitInfo.data ? [unitInfo.data.unit.name, unitInfo.data.ancestors.at(-1)?.name].filter(Boolean).join(', ') : unit}
            onChange={(code) => set('unit', code)}
            w={280}
          />
        )}
        <DateField label={t('cases.from')} value={from} onChange={(v) => set('from', v)} w={130} />
        <DateField label={t('cases.to')} value={to} onChange={(v) => set('to', v)} w={130} />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('graph.colourBy.label')}
          </Text>
          <SegmentedControl
            value={colourBy}
            onChange={(v) => set('colour', v === 'status' ? null : v)}
            data={(['status', 'degree', 'cluster'] as const).map((v) => ({ value: v, label: t(`graph.colourBy.${v}`) }))}
          />
        </Stack>
      </Group>
      {res.error && <ErrorAlert error={res.error} onRetry={() => void res.refetch()} />}
      {res.isPending && <PageLoader />}
      {res.data?.truncated && (
        <Alert color="yellow" variant="light">
          {t('graph.truncated')}
        </Alert>
      )}
      {res.data && (
        <ContactGraph
          payload={res.data}
          filter={filter}
          height="calc(100dvh - 260px)"
          renderer={renderer === 'points' || renderer === 'sigma' ? renderer : undefined}
          onOpenPerson={(personId) => navigate(`/people/${personId}`)}
          fetchNames={async (people) => {
            const r = await api<{ people: number[]; names: string[] }>('/cases/graph/names', { method: 'POST', body: { people } });
            return new Map(r.people.map((p, i) => [p, r.names[i]]));
          }}
        />
      )}
    </Stack>
  );
}
