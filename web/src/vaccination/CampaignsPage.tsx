// "Chiến dịch tiêm chủng": campaigns with a target group (ages, a dose, priority groups) in a unit
// and a deadline — e.g. boosters for adults before 23/01/2022 (seed 003). Each shows its progress
// (people of the group with the dose / people of the group) over time, the pace of the last days,
// the projected completion date at that pace and a warning when it falls after the deadline.
import { useMemo, useState } from 'react';
import { Alert, Button, Card, Group, MultiSelect, NumberInput, Progress, Select, SimpleGrid, Stack, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconArrowLeft, IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api.ts';
import { formatDate, formatNumber, todayInVietnam } from '../lib/format.ts';
import { useUrlParams } from '../lib/urlParams.ts';
import { useCan } from '../auth/auth.tsx';
import { DateField } from '../common/DateField.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { UnitSelect } from '../units/UnitSelect.tsx';
import Chart, { encodeHTML } from '../testing/Chart.tsx';
import { DOSE_KINDS, PRIORITY_GROUPS, useCampaign, useCampaigns, type Campaign, type CampaignDetail, type CampaignTarget } from './supplyApi.ts';
import { CampaignBadge, Figure, supplyErrors } from './supplyShared.tsx';

const pct = (share: number) => `${formatNumber(share * 100, 1)} %`;

export function targetText(t: TFunction, target: CampaignTarget): string {
  const ages = target.maxAge != null ? t('vaccSupply.campaigns.agesRange', { min: target.minAge, max: target.maxAge }) : t('vaccSupply.campaigns.agesFrom', { min: target.minAge });
  const groups = target.priorityGroups?.length ? ' · ' + target.priorityGroups.map((g) => t(`vaccSupply.priorityGroups.${g}`)).join(', ') : '';
  const goal = target.goalPct != null && target.goalPct < 100 ? ' · ' + t('vaccSupply.campaigns.goalOf', { pct: formatNumber(target.goalPct, 1) }) : '';
  return `${t(`vaccSupply.doseKinds.${target.doseKind}`)} · ${ages}${groups}${goal}`;
}

function ProgressChart({ c }: { c: CampaignDetail }) {
  const { t } = useTranslation();
  const option = useMemo(() => {
    const p = c.progress;
    const today = c.series.at(-1)?.day ?? todayInVietnam();
    // The projection: a straight line from today at the current pace to the goal (or to the deadline when it never gets there).
    const end = p.projectedOn && p.state !== 'completed' ? p.projectedOn : null;
    const lastDay = [today, c.deadline, end ?? today].sort().at(-1)!;
    const days: string[] = [];
    for (let d = c.series[0]?.day ?? c.startsOn; d <= lastDay; d = new Date(Date.parse(d + 'T00:00:00Z') + 86_400_000).toISOString().slice(0, 10)) days.push(d);
    const doneBy = new Map(c.series.map((s) => [s.day, s.done]));
    const share = (n: number) => (p.target > 0 ? Math.round((n / p.target) * 10_000) / 100 : 0);
    const projection = days.map((d) => {
      if (d < today || p.pacePerDay <= 0 || p.state === 'completed') return null;
      const n = Math.min(p.goal, p.done + p.pacePerDay * Math.round((Date.parse(d) - Date.parse(today)) / 86_400_000));
      return share(n);
    });
    return {
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      legend: { top: 0 },
      tooltip: {
        trigger: 'axis',
        formatter: (ps: { axisValue: string; seriesName: string; value: number | null; marker: string }[]) =>
          `${formatDate(ps[0]?.axisValue)}<br/>` +
          ps
            .filter((x) => x.value != null)
            .map((x) => `${x.marker}${encodeHTML(x.seriesName)}: <b>${formatNumber(x.value, 1)} %</b>`)
            .join('<br/>'),
      },
      xAxis: { type: 'category', data: days, axisLabel: { formatter: (d: string) => formatDate(d).slice(0, 5) } },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value} %' } },
      series: [
        {
          name: t('vaccSupply.campaigns.chartDone'),
          type: 'line',
          symbol: 'none',
          areaStyle: { opacity: 0.15 },
          color: '#2f9e44',
          data: days.map((d) => (doneBy.has(d) ? share(doneBy.get(d)!) : null)),
          markLine: {
            symbol: 'none',
            label: { formatter: t('vaccSupply.campaigns.deadlineMark'), position: 'insideEndTop' },
            lineStyle: { color: '#e03131', type: 'solid' },
            data: [{ xAxis: c.deadline }],
          },
        },
        { name: t('vaccSupply.campaigns.chartProjection'), type: 'line', symbol: 'none', color: '#f08c00', lineStyle: { type: 'dashed' }, data: projection },
        { name: t('vaccSupply.campaigns.chartGoal'), type: 'line', symbol: 'none', color: '#868e96', lineStyle: { type: 'dotted', width: 1 }, data: days.map(() => share(p.goal)) },
      ],
    };
  }, [c, t]);
  return <Chart option={option} height={280} testId="campaign-chart" />;
}

function ProjectionAlert({ c }: { c: Campaign }) {
  const { t } = useTranslation();
  const p = c.progress;
  const vars = { pace: formatNumber(p.pacePerDay, 1), days: p.paceDays, projected: formatDate(p.projectedOn), deadline: formatDate(c.deadline), required: formatNumber(p.requiredPerDay ?? 0, 1), remaining: formatNumber(p.remaining) };
  const color = p.state === 'will_not_finish' || p.state === 'missed' ? 'red' : p.state === 'stalled' ? 'orange' : p.state === 'completed' ? 'green' : 'blue';
  return (
    <Alert color={color} icon={color === 'red' || color === 'orange' ? <IconAlertTriangle size={18} /> : undefined} data-testid="projection" data-state={p.state}>
      {t(`vaccSupply.campaigns.projection.${p.state}`, vars)}
    </Alert>
  );
}

function Detail({ id, onBack }: { id: number; onBack: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const canManage = useCan('vaccination.manage');
  const q = useCampaign(id);
  const close = useMutation({
    mutationFn: () => api(`/vaccination/campaigns/${id}`, { method: 'PATCH', body: { status: 'closed' } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['vaccSupply'] }),
    onError: (e) => notifications.show({ color: 'red', message: supplyErrors(e, t).general }),
  });
  if (q.isPending) return <PageLoader />;
  if (q.error) return <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />;
  const c = q.data;
  const p = c.progress;
  return (
    <Stack gap="md">
      <Group justify="space-between" gap="xs">
        <Button variant="subtle" leftSection={<IconArrowLeft size={16} />} onClick={onBack} px={0}>
          {t('vaccSupply.campaigns.back')}
        </Button>
        {canManage && c.status === 'active' && (
          <Button variant="light" color="gray" size="xs" loading={close.isPending} onClick={() => close.mutate()}>
            {t('vaccSupply.campaigns.close')}
          </Button>
        )}
      </Group>
      <div>
        <Group gap="xs">
          <Title order={2} size="h3">
            {c.name}
          </Title>
          <CampaignBadge state={p.state} />
        </Group>
        <Text size="sm" c="dimmed">
          {c.unitName} · {targetText(t, c.target)} · {t('vaccSupply.campaigns.period', { from: formatDate(c.startsOn), to: formatDate(c.deadline) })}
        </Text>
        {c.progressUnit.code !== c.unitCode && (
          <Text size="sm" c="dimmed">
            {t('vaccSupply.campaigns.progressOf', { unit: c.progressUnit.name })}
          </Text>
        )}
        {c.source && (
          <Text size="xs" c="dimmed">
            {t('vaccSupply.campaigns.sourceLabel')}: {c.source}
          </Text>
        )}
      </div>
      <ProjectionAlert c={c} />
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" data-testid="campaign-figures">
        <Figure label={t('vaccSupply.campaigns.done')} value={pct(p.share)} hint={t('vaccSupply.campaigns.doneOf', { done: formatNumber(p.done), target: formatNumber(p.target) })} color="green.8" />
        <Figure label={t('vaccSupply.campaigns.remaining')} value={p.remaining} />
        <Figure label={t('vaccSupply.campaigns.pace')} value={formatNumber(p.pacePerDay, 1)} hint={t('vaccSupply.campaigns.paceHint', { days: p.paceDays })} />
        <Figure label={t('vaccSupply.campaigns.projectedOn')} value={p.projectedOn ? formatDate(p.projectedOn) : '—'} color={p.state === 'will_not_finish' ? 'red.8' : undefined} hint={t('vaccSupply.campaigns.daysLeft', { count: Math.max(0, p.daysLeft) })} />
      </SimpleGrid>
      <Card withBorder>
        <Title order={3} size="h4" mb="xs">
          {t('vaccSupply.campaigns.chartTitle')}
        </Title>
        <ProgressChart c={c} />
      </Card>
    </Stack>
  );
}

function NewCampaign({ onClose, onCreated }: { onClose: () => void; onCreated: (id: number) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [unit, setUnit] = useState<string | null>(null);
  const [minAge, setMinAge] = useState<number | string>(18);
  const [maxAge, setMaxAge] = useState<number | string>('');
  const [doseKind, setDoseKind] = useState<string | null>('booster_1');
  const [groups, setGroups] = useState<string[]>([]);
  const [goalPct, setGoalPct] = useState<number | string>(100);
  const [startsOn, setStartsOn] = useState<string | null>(todayInVietnam());
  const [deadline, setDeadline] = useState<string | null>(null);
  const [source, setSource] = useState('');
  const save = useMutation({
    mutationFn: () =>
      api<CampaignDetail>('/vaccination/campaigns', {
        method: 'POST',
        body: {
          name: name.trim(),
          unitCode: unit ?? '',
          target: {
            minAge: Number(minAge),
            ...(maxAge !== '' ? { maxAge: Number(maxAge) } : {}),
            doseKind: doseKind ?? '',
            ...(groups.length ? { priorityGroups: groups } : {}),
            ...(goalPct !== '' && Number(goalPct) !== 100 ? { goalPct: Number(goalPct) } : {}),
          },
          startsOn: startsOn ?? '',
          deadline: deadline ?? '',
          source: source.trim() || null,
        },
      }),
    onSuccess: (c) => {
      void qc.invalidateQueries({ queryKey: ['vaccSupply'] });
      notifications.show({ color: 'green', message: t('vaccSupply.campaigns.saved', { name: c.name }) });
      onCreated(c.id);
    },
  });
  const errs = supplyErrors(save.error, t);
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t('vaccSupply.campaigns.new')}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label={t('vaccSupply.campaigns.name')} placeholder={t('vaccSupply.campaigns.namePlaceholder')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={errs.fields.name} required maxLength={200} />
            <UnitSelect label={t('vaccSupply.campaigns.unit')} value={unit} onChange={(c) => setUnit(c)} levels={['province', 'district', 'commune']} error={errs.fields.unitCode} required />
            <Select
              label={t('vaccSupply.campaigns.doseKind')}
              data={DOSE_KINDS.map((k) => ({ value: k, label: t(`vaccSupply.doseKinds.${k}`) }))}
              value={doseKind}
              onChange={setDoseKind}
              error={errs.fields['target.doseKind']}
              required
            />
            <Group grow gap="sm" align="flex-start">
              <NumberInput label={t('vaccSupply.campaigns.minAge')} value={minAge} onChange={setMinAge} min={0} max={120} allowDecimal={false} error={errs.fields['target.minAge']} required />
              <NumberInput label={t('vaccSupply.campaigns.maxAge')} placeholder={t('vaccSupply.campaigns.noLimit')} value={maxAge} onChange={setMaxAge} min={0} max={120} allowDecimal={false} error={errs.fields['target.maxAge']} />
            </Group>
            <MultiSelect
              label={t('vaccSupply.campaigns.priorityGroups')}
              placeholder={groups.length ? undefined : t('vaccSupply.campaigns.everyone')}
              data={PRIORITY_GROUPS.map((g) => ({ value: g, label: t(`vaccSupply.priorityGroups.${g}`) }))}
              value={groups}
              onChange={setGroups}
              clearable
            />
            <NumberInput label={t('vaccSupply.campaigns.goalPct')} value={goalPct} onChange={setGoalPct} min={1} max={100} suffix=" %" decimalScale={1} error={errs.fields['target.goalPct']} />
            <DateField label={t('vaccSupply.campaigns.startsOn')} value={startsOn} onChange={setStartsOn} error={errs.fields.startsOn} required />
            <DateField label={t('vaccSupply.campaigns.deadline')} value={deadline} onChange={setDeadline} error={errs.fields.deadline} required />
            <TextInput label={t('vaccSupply.campaigns.sourceLabel')} placeholder={t('vaccSupply.campaigns.sourcePlaceholder')} value={source} onChange={(e) => setSource(e.currentTarget.value)} maxLength={500} />
          </SimpleGrid>
          {save.error != null && (
            <Alert color="red" icon={<IconAlertTriangle size={18} />} role="alert">
              {errs.general}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('vaccSupply.campaigns.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

export default function CampaignsPage() {
  const { t } = useTranslation();
  const canManage = useCan('vaccination.manage');
  const [params, update] = useUrlParams();
  const openId = params.get('campaign') ? Number(params.get('campaign')) : null;
  const creating = params.get('new') === '1';
  const campaigns = useCampaigns();
  const open = (id: number | null, isNew = false) =>
    update((next) => {
      next.delete('campaign');
      next.delete('new');
      if (id != null) next.set('campaign', String(id));
      if (isNew) next.set('new', '1');
    });
  return (
    <Stack gap="md" maw={1300}>
      <Group justify="space-between" gap="xs">
        <div>
          <Title order={1} size="h2">
            {t('vaccSupply.campaigns.title')}
          </Title>
          <Text size="sm" c="dimmed" maw={760}>
            {t('vaccSupply.campaigns.intro')}
          </Text>
        </div>
        {canManage && !creating && openId == null && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => open(null, true)}>
            {t('vaccSupply.campaigns.new')}
          </Button>
        )}
      </Group>
      {creating && <NewCampaign onClose={() => open(null)} onCreated={(id) => open(id)} />}
      {openId != null && !creating && <Detail id={openId} onBack={() => open(null)} />}
      {!creating && openId == null && (
        <Card withBorder>
          {campaigns.isPending ? (
            <PageLoader />
          ) : campaigns.error ? (
            <ErrorAlert error={campaigns.error} onRetry={() => void campaigns.refetch()} />
          ) : campaigns.data.length === 0 ? (
            <Text c="dimmed" data-testid="campaigns-empty">
              {t('vaccSupply.campaigns.empty')}
            </Text>
          ) : (
            <Stack gap="sm" data-testid="campaigns">
              {campaigns.data.map((c) => (
                <UnstyledButton key={c.id} onClick={() => open(c.id)} p="sm" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }} data-testid="campaign">
                  <Group justify="space-between" wrap="nowrap" align="flex-start">
                    <div>
                      <Text fw={600}>{c.name}</Text>
                      <Text size="sm" c="dimmed">
                        {c.progressUnit.name} · {targetText(t, c.target)}
                      </Text>
                    </div>
                    <CampaignBadge state={c.progress.state} />
                  </Group>
                  <Progress value={c.progress.share * 100} color={c.progress.state === 'will_not_finish' || c.progress.state === 'missed' ? 'red' : 'green'} mt="xs" size="lg" aria-label={pct(c.progress.share)} />
                  <Text size="sm" mt={4}>
                    {t('vaccSupply.campaigns.listLine', {
                      pct: pct(c.progress.share),
                      done: formatNumber(c.progress.done),
                      target: formatNumber(c.progress.target),
                      deadline: formatDate(c.deadline),
                      projected: c.progress.projectedOn ? formatDate(c.progress.projectedOn) : '—',
                    })}
                  </Text>
                </UnstyledButton>
              ))}
            </Stack>
          )}
        </Card>
      )}
    </Stack>
  );
}
