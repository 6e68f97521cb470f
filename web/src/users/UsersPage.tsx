// Users of the caller's jurisdiction, and a form to create one with a role and a jurisdiction.
import { useState, type FormEvent } from 'react';
import { Badge, Button, Card, Grid, Group, Paper, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { fieldErrors } from '../common/fieldErrors.ts';
import { api } from '../lib/api.ts';
import { formatDateTime } from '../lib/format.ts';
import type { UserRow } from '../lib/types.ts';
import { UnitSelect } from '../units/UnitSelect.tsx';

const ROLES = ['province_admin', 'command_staff', 'district_officer', 'commune_officer', 'health_worker', 'lab_technician', 'vaccinator', 'community_team', 'checkpoint_officer', 'viewer'];

export default function UsersPage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['users'], queryFn: ({ signal }) => api<UserRow[]>('/users', { signal }) });
  const phone = useMediaQuery('(max-width: 48em)');
  const lockedNow = (u: UserRow) => u.lockedUntil && new Date(u.lockedUntil) > new Date();
  const status = (u: UserRow) =>
    !u.active ? (
      <Badge color="gray" variant="light">
        {t('users.inactive')}
      </Badge>
    ) : lockedNow(u) ? (
      <Badge color="orange" variant="light">
        {t('users.locked', { until: formatDateTime(u.lockedUntil) })}
      </Badge>
    ) : (
      <Badge color="green" variant="light">
        {t('users.active')}
      </Badge>
    );
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('users.title')}
      </Title>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Card withBorder padding="sm">
            {q.error ? (
              <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />
            ) : (
              <>
                <Text fw={600} mb="xs">
                  {q.data ? t('users.count', { count: q.data.length }) : t('app.loading')}
                </Text>
                {phone ? (
                  <Stack gap={6} data-testid="users-table">
                    {(q.data ?? []).map((u) => (
                      <Paper key={u.id} withBorder p="xs">
                        <Group justify="space-between" wrap="nowrap" gap="xs">
                          <Text fw={600}>
                            {u.fullName} <Text span c="dimmed" ff="monospace" size="sm">{u.username}</Text>
                          </Text>
                          {status(u)}
                        </Group>
                        <Text size="sm" c="dimmed">
                          {t(`roles.${u.role}`, { defaultValue: u.role })} · {u.unitName}
                        </Text>
                      </Paper>
                    ))}
                  </Stack>
                ) : (
                  <Table.ScrollContainer minWidth={640}>
                    <Table striped verticalSpacing={6} fz="sm" data-testid="users-table">
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>{t('users.username')}</Table.Th>
                          <Table.Th>{t('users.fullName')}</Table.Th>
                          <Table.Th>{t('users.role')}</Table.Th>
                          <Table.Th>{t('users.unit')}</Table.Th>
                          <Table.Th>{t('users.status')}</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {(q.data ?? []).map((u) => (
                          <Table.Tr key={u.id}>
                            <Table.Td ff="monospace">{u.username}</Table.Td>
                            <Table.Td>{u.fullName}</Table.Td>
                            <Table.Td>{t(`roles.${u.role}`, { defaultValue: u.role })}</Table.Td>
                            <Table.Td>{u.unitName}</Table.Td>
                            <Table.Td style={{ whiteSpace: 'nowrap' }}>{status(u)}</Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                )}
              </>
            )}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Card withBorder padding="sm">
            <Title order={2} size="h4" mb="sm">
              {t('users.create')}
            </Title>
            <CreateUserForm />
          </Card>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function CreateUserForm() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const empty = { username: '', fullName: '', password: '', role: 'commune_officer', unitCode: null as string | null };
  const [f, setF] = useState(empty);
  const m = useMutation({
    mutationFn: () => api<{ id: number }>('/users', { method: 'POST', body: { ...f, unitCode: f.unitCode ?? '' } }),
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('users.created', { username: f.username }) });
      setF(empty);
      void qc.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const errs = fieldErrors(m.error, t);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput label={t('users.username')} value={f.username} onChange={(e) => setF({ ...f, username: e.currentTarget.value })} error={errs.username} required autoCapitalize="none" autoComplete="off" name="username" />
        <TextInput label={t('users.fullName')} value={f.fullName} onChange={(e) => setF({ ...f, fullName: e.currentTarget.value })} error={errs.fullName} required name="fullName" />
        <PasswordInput label={t('users.password')} value={f.password} onChange={(e) => setF({ ...f, password: e.currentTarget.value })} error={errs.password} required autoComplete="new-password" name="password" />
        <Select label={t('users.role')} data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))} value={f.role} onChange={(v) => setF({ ...f, role: v ?? f.role })} error={errs.role} allowDeselect={false} required />
        <UnitSelect label={t('users.unit')} placeholder={t('users.unitSearch')} value={f.unitCode} onChange={(code) => setF({ ...f, unitCode: code })} error={errs.unitCode} required />
        {m.error && !Object.keys(errs).length && <ErrorAlert error={m.error} />}
        <Button type="submit" loading={m.isPending}>
          {t('users.create')}
        </Button>
      </Stack>
    </form>
  );
}
