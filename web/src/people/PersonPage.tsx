// A person's record and their household; household members link to each other.
import type { ReactNode } from 'react';
import { Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconArrowLeft, IconHome } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { PageLoader } from '../common/PageLoader.tsx';
import { ageOn, formatDate, formatPhone, todayInVietnam } from '../lib/format.ts';
import type { Person } from '../lib/types.ts';
import { usePerson } from './queries.ts';
import { useMe } from '../auth/auth.tsx';
import { PersonTracing } from '../cases/PersonTracing.tsx';
import { DuplicatesCard } from './DuplicatesCard.tsx';
import { CertificateCard } from '../vaccination/CertificateCard.tsx';
import { VaccinationCard } from '../vaccination/VaccinationCard.tsx';

export default function PersonPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const phone = useMediaQuery('(max-width: 48em)');
  const q = usePerson(id);
  const canReadCases = useMe().permissions.includes('cases.read');
  const back = (
    <Button variant="subtle" leftSection={<IconArrowLeft size={16} />} onClick={() => (window.history.length > 1 ? navigate(-1) : navigate('/people'))} px={0} w="fit-content">
      {t('person.back')}
    </Button>
  );
  if (q.isPending) return <PageLoader />;
  if (q.error)
    return (
      <Stack>
        {back}
        <ErrorAlert error={q.error} notFoundText={t('person.notFound')} onRetry={() => void q.refetch()} />
      </Stack>
    );
  const { person: p, household: h } = q.data;
  const today = todayInVietnam();
  const age = ageOn(p.birthDate, today);
  const field = (label: string, value: ReactNode) => (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={500} className="tabular">
        {value ?? '—'}
      </Text>
    </div>
  );

  return (
    <Stack gap="md" maw={1000}>
      {back}
      <Group gap="sm">
        <Title order={1} size="h2">
          {p.fullName}
        </Title>
        {p.sex && (
          <Badge variant="light" color={p.sex === 'F' ? 'pink' : 'blue'}>
            {t(`person.${p.sex}`)}
          </Badge>
        )}
      </Group>
      <Card withBorder>
        <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
          {field(t('person.cccd'), p.cccd)}
          {field(t('person.birthDate'), p.birthDate ? `${formatDate(p.birthDate)}${age != null ? ` (${age} ${t('person.age').toLowerCase()})` : ''}` : null)}
          {field(t('person.sex'), p.sex ? t(`person.${p.sex}`) : null)}
          {field(t('person.phone'), p.phone ? <Anchor href={`tel:${p.phone}`}>{formatPhone(p.phone)}</Anchor> : null)}
          {field(t('person.village'), p.villageName)}
          {field(t('person.commune'), p.communeName)}
          {field(t('person.householdId'), p.householdId)}
        </SimpleGrid>
        <div style={{ marginTop: 'var(--mantine-spacing-md)' }}>{field(t('person.address'), p.address)}</div>
      </Card>

      <DuplicatesCard person={p} />
      {canReadCases && <PersonTracing personId={p.id} />}
      <VaccinationCard personId={p.id} />
      <CertificateCard personId={p.id} />

      <Card withBorder data-testid="household">
        <Group gap="xs" mb="sm">
          <IconHome size={20} aria-hidden />
          <Title order={2} size="h4">
            {t('person.household')}
          </Title>
          {h && (
            <Text c="dimmed" size="sm" className="tabular">
              {t('person.householdId')}: {h.householdId}
            </Text>
          )}
        </Group>
        {!h ? (
          <Text c="dimmed">{t('person.noHousehold')}</Text>
        ) : (
          <Stack gap="sm">
            <Text size="sm">{h.address || [h.villageName, h.communeName].filter(Boolean).join(', ')}</Text>
            <Text fw={600} size="sm">
              {t('person.members', { count: h.members.length })}
            </Text>
            {phone ? (
              <Stack gap={6}>
                {h.members.map((m) => (
                  <MemberCard key={m.id} m={m} current={m.id === p.id} today={today} />
                ))}
              </Stack>
            ) : (
              <Table striped verticalSpacing={6}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('person.fullName')}</Table.Th>
                    <Table.Th>{t('person.sex')}</Table.Th>
                    <Table.Th>{t('person.birthDate')}</Table.Th>
                    <Table.Th>{t('person.age')}</Table.Th>
                    <Table.Th>{t('person.cccd')}</Table.Th>
                    <Table.Th>{t('person.phone')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {h.members.map((m) => (
                    <Table.Tr key={m.id} data-testid="household-member">
                      <Table.Td>
                        {m.id === p.id ? (
                          <Group gap={6}>
                            <Text fw={600}>{m.fullName}</Text>
                            <Badge size="xs" variant="outline">
                              {t('person.thisPerson')}
                            </Badge>
                          </Group>
                        ) : (
                          <Anchor component={Link} to={`/people/${m.id}`}>
                            {m.fullName}
                          </Anchor>
                        )}
                      </Table.Td>
                      <Table.Td>{m.sex ? t(`person.${m.sex}`) : '—'}</Table.Td>
                      <Table.Td className="tabular">{formatDate(m.birthDate)}</Table.Td>
                      <Table.Td className="tabular">{ageOn(m.birthDate, today) ?? '—'}</Table.Td>
                      <Table.Td className="tabular">{m.cccd ?? '—'}</Table.Td>
                      <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                        {formatPhone(m.phone)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Stack>
        )}
      </Card>
    </Stack>
  );
}

function MemberCard({ m, current, today }: { m: Person; current: boolean; today: string }) {
  const { t } = useTranslation();
  const age = ageOn(m.birthDate, today);
  return (
    <Card withBorder padding="xs" data-testid="household-member" bg={current ? 'blue.0' : undefined}>
      <Group justify="space-between" wrap="nowrap">
        {current ? (
          <Text fw={600}>{m.fullName}</Text>
        ) : (
          <Anchor component={Link} to={`/people/${m.id}`} fw={600}>
            {m.fullName}
          </Anchor>
        )}
        {current && (
          <Badge size="xs" variant="outline">
            {t('person.thisPerson')}
          </Badge>
        )}
      </Group>
      <Text size="sm" className="tabular">
        {[m.sex ? t(`person.${m.sex}`) : null, m.birthDate ? `${formatDate(m.birthDate)}${age != null ? ` (${age})` : ''}` : null].filter(Boolean).join(' · ')}
      </Text>
      {(m.cccd || m.phone) && (
        <Text size="sm" c="dimmed" className="tabular">
          {[m.cccd, m.phone ? formatPhone(m.phone) : null].filter(Boolean).join(' · ')}
        </Text>
      )}
    </Card>
  );
}
