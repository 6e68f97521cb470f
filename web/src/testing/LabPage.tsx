// "Phòng xét nghiệm": the lab's day. Worklist of samples and pools received and waiting for a
// result (enter them one by one: scan, tap the result, Ct), bulk import of the PCR machine's
// export, conflicts held for review, and the follow-up of positive pools until every member has
// their own result.
import { useState } from 'react';
import { Badge, Group, Select, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconFileImport, IconListCheck, IconUsersGroup } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api.ts';
import { useUrlParams } from '../lib/urlParams.ts';
import { LabWorklist } from './LabWorklist.tsx';
import { ResultImport } from './ResultImport.tsx';
import { ConflictList } from './ConflictList.tsx';
import { FollowUpList } from './FollowUpList.tsx';
import type { Lab, LabCounts } from './api.ts';

type Tab = 'worklist' | 'import' | 'conflicts' | 'followup';

export default function LabPage() {
  const { t } = useTranslation();
  const [params, update] = useUrlParams();
  const tab = (params.get('tab') as Tab) ?? 'worklist';
  const labs = useQuery({ queryKey: ['testing', 'labs'], queryFn: ({ signal }) => api<{ items: Lab[] }>('/testing/labs', { signal }).then((r) => r.items) });
  const labId = params.get('lab') ?? (labs.data?.[0] ? String(labs.data[0].id) : null);
  const counts = useQuery({
    queryKey: ['testing', 'lab-counts', labId],
    queryFn: ({ signal }) => api<LabCounts>(`/testing/labs/${labId}/counts`, { signal }),
    enabled: !!labId,
    refetchInterval: 30_000,
  });
  const set = (k: string, v: string | null) =>
    update((next) => {
      if (v) next.set(k, v);
      else next.delete(k);
    });
  const [, force] = useState(0);
  const c = counts.data;
  return (
    <Stack gap="md" maw={1200}>
      <Group justify="space-between" align="flex-end" gap="sm">
        <div>
          <Title order={1} size="h2">
            {t('testing.lab.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('testing.lab.intro')}
          </Text>
        </div>
        <Select
          label={t('testing.lab.lab')}
          data={(labs.data ?? []).map((l) => ({ value: String(l.id), label: l.name }))}
          value={labId}
          onChange={(v) => (set('lab', v), force((x) => x + 1))}
          allowDeselect={false}
          w={280}
          disabled={!labs.data?.length}
          placeholder={labs.isPending ? t('app.loading') : t('testing.lab.noLab')}
          data-testid="lab-select"
        />
      </Group>
      <Tabs value={tab} onChange={(v) => set('tab', v === 'worklist' ? null : v)} keepMounted={false}>
        <Tabs.List style={{ flexWrap: 'nowrap', overflowX: 'auto', overflowY: 'hidden' }}>
          <Tabs.Tab value="worklist" leftSection={<IconListCheck size={16} />} rightSection={c ? <Badge size="sm" variant="light">{c.waiting}</Badge> : null}>
            {t('testing.lab.worklist')}
          </Tabs.Tab>
          <Tabs.Tab value="import" leftSection={<IconFileImport size={16} />}>
            {t('testing.lab.import')}
          </Tabs.Tab>
          <Tabs.Tab value="conflicts" leftSection={<IconAlertTriangle size={16} />} rightSection={c && c.conflicts > 0 ? <Badge size="sm" color="orange">{c.conflicts}</Badge> : null}>
            {t('testing.lab.conflicts')}
          </Tabs.Tab>
          <Tabs.Tab value="followup" leftSection={<IconUsersGroup size={16} />} rightSection={c && c.followUps > 0 ? <Badge size="sm" color="red">{c.followUps}</Badge> : null}>
            {t('testing.lab.followup')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="worklist" pt="sm">
          {labId && <LabWorklist labId={labId} />}
        </Tabs.Panel>
        <Tabs.Panel value="import" pt="sm">
          {labId && <ResultImport labId={labId} />}
        </Tabs.Panel>
        <Tabs.Panel value="conflicts" pt="sm">
          {labId && <ConflictList labId={labId} />}
        </Tabs.Panel>
        <Tabs.Panel value="followup" pt="sm">
          <FollowUpList labId={labId} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
