// "Phòng xét nghiệm": the lab's day. Worklist of samples and pools received and waiting for a
// result (enter them one by one: scan, tap the result, Ct), bulk import of the PCR machine's
// export, conflicts held for review, and the follow-up of positive pools until every member has
// their own result.
import { useState } from 'react';
import { Badge, Button, Card, Group, Select, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconFileImport, IconListCheck, IconPlus, IconUsersGroup } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useUrlParams } from '../lib/urlParams.ts';
import { LabWorklist } from './LabWorklist.tsx';
import { ResultImport } from './ResultImport.tsx';
import { ConflictList } from './ConflictList.tsx';
import { FollowUpList } from './FollowUpList.tsx';
import { useConflicts, useFollowUps, useLabs, useWorklist } from './api.ts';
import { LabForm } from './LabForm.tsx';

type Tab = 'worklist' | 'import' | 'conflicts' | 'followup';

export default function LabPage() {
  const { t } = useTranslation();
  const [params, update] = useUrlParams();
  const tab = (params.get('tab') as Tab) ?? 'worklist';
  const labs = useLabs();
  const active = (labs.data ?? []).filter((l) => l.active);
  const labId = params.get('lab') ?? (active[0] ? String(active[0].id) : null);
  // The badges read the same queries the tabs show (one request each).
  const worklist = useWorklist(labId);
  const conflicts = useConflicts();
  const followUps = useFollowUps({ state: 'open' });
  const set = (k: string, v: string | null) =>
    update((next) => {
      if (v) next.set(k, v);
      else next.delete(k);
    });
  const [adding, setAdding] = useState(false);
  const c = { waiting: worklist.data?.items.length, overdue: worklist.data?.counts.overdue ?? 0, conflicts: conflicts.data?.length ?? 0, followUps: followUps.data?.length ?? 0 };
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
          data={active.map((l) => ({ value: String(l.id), label: l.name }))}
          value={labId}
          onChange={(v) => set('lab', v)}
          allowDeselect={false}
          w={280}
          disabled={!labs.data?.length}
          placeholder={labs.isPending ? t('app.loading') : t('testing.lab.noLab')}
          data-testid="lab-select"
        />
      </Group>
      {!adding ? (
        <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => setAdding(true)} w="fit-content">
          {t('testing.lab.add')}
        </Button>
      ) : (
        <Card withBorder maw={720}>
          <Title order={2} size="h5" mb="xs">
            {t('testing.lab.add')}
          </Title>
          <LabForm onDone={(lab) => (setAdding(false), lab && set('lab', String(lab.id)))} />
        </Card>
      )}
      {labs.data && !active.length && !adding && <Text c="dimmed">{t('testing.lab.noLabHint')}</Text>}
      {labId && (
        <Tabs value={tab} onChange={(v) => set('tab', v === 'worklist' ? null : v)} keepMounted={false}>
          <Tabs.List style={{ flexWrap: 'nowrap', overflowX: 'auto', overflowY: 'hidden' }}>
            <Tabs.Tab value="worklist" leftSection={<IconListCheck size={16} />} rightSection={c.waiting != null ? <Badge size="sm" variant="light" color={c.overdue ? 'red' : undefined}>{c.waiting}</Badge> : null}>
              {t('testing.lab.worklist')}
            </Tabs.Tab>
            <Tabs.Tab value="import" leftSection={<IconFileImport size={16} />}>
              {t('testing.lab.import')}
            </Tabs.Tab>
            <Tabs.Tab value="conflicts" leftSection={<IconAlertTriangle size={16} />} rightSection={c.conflicts > 0 ? <Badge size="sm" color="orange">{c.conflicts}</Badge> : null}>
              {t('testing.lab.conflicts')}
            </Tabs.Tab>
            <Tabs.Tab value="followup" leftSection={<IconUsersGroup size={16} />} rightSection={c.followUps > 0 ? <Badge size="sm" color="red">{c.followUps}</Badge> : null}>
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
            <ConflictList />
          </Tabs.Panel>
          <Tabs.Panel value="followup" pt="sm">
            <FollowUpList />
          </Tabs.Panel>
        </Tabs>
      )}
    </Stack>
  );
}
