// How one person reads in a list: name, sex and birth date, CCCD, phone, where they live.
import { Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Person } from '../lib/types.ts';
import { formatDate, formatPhone } from '../lib/format.ts';

export function personPlace(p: Person): string {
  return [p.villageName, p.communeName].filter(Boolean).join(', ');
}

/** A result as a card, for phones. */
export function PersonCard({ p }: { p: Person }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="sm" component={Link} to={`/people/${p.id}`} style={{ textDecoration: 'none', display: 'block' }} data-testid="person-result">
      <Stack gap={2}>
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text fw={600} c="blue.8">
            {p.fullName}
          </Text>
          {p.sex && (
            <Badge variant="light" color={p.sex === 'F' ? 'pink' : 'blue'} size="sm">
              {t(`person.${p.sex}`)}
            </Badge>
          )}
        </Group>
        <Text size="sm" className="tabular">
          {t('person.birthDate')}: {formatDate(p.birthDate)}
        </Text>
        {p.cccd && (
          <Text size="sm" className="tabular">
            {t('person.cccd')}: {p.cccd}
          </Text>
        )}
        {p.phone && (
          <Text size="sm" className="tabular">
            {t('person.phone')}: {formatPhone(p.phone)}
          </Text>
        )}
        <Text size="sm" c="dimmed">
          {personPlace(p) || '—'}
        </Text>
      </Stack>
    </Paper>
  );
}
