// "Tra cứu người dân": one box for a name without diacritics, a CCCD or a phone number.
import { useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useUrlParams } from '../lib/urlParams.ts';
import { useMe } from '../auth/auth.tsx';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { ApiError } from '../lib/api.ts';
import { formatDate, formatPhone } from '../lib/format.ts';
import { UnitSelect } from '../units/UnitSelect.tsx';
import { useUnit } from '../units/queries.ts';
import { PersonCard, personPlace } from './PersonLine.tsx';
import { SEARCH_LIMIT, usePeopleSearch } from './queries.ts';

export default function SearchPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, updateParams] = useUrlParams();
  const q = params.get('q') ?? '';
  const commune = params.get('commune');
  const [text, setText] = useState(q);
  const [debounced] = useDebouncedValue(text, 350);
  const phone = useMediaQuery('(max-width: 48em)');
  // A commune officer's jurisdiction is one commune: no filter to choose.
  const coversManyCommunes = me.unitPath.split('/').filter(Boolean).length <= 2;

  useEffect(() => {
    if (debounced.trim() === q) return;
    updateParams((next) => {
      if (debounced.trim()) next.set('q', debounced.trim());
      else next.delete('q');
    });
    // Only typing moves the query into the URL; reading the URL back is done by `q` above.
  }, [debounced]);

  const communeUnit = useUnit(commune ?? '', coversManyCommunes && !!commune);
  const res = usePeopleSearch(q, commune);
  const tooShort = res.error instanceof ApiError && res.error.status === 400;
  const items = res.data?.items ?? [];

  return (
    <Stack gap="md" maw={1100}>
      <Title order={1} size="h2">
        {t('search.title')}
      </Title>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          updateParams((next) => {
            if (text.trim()) next.set('q', text.trim());
          });
        }}
      >
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            aria-label={t('search.title')}
            placeholder={t('search.placeholder')}
            leftSection={res.isFetching ? <Loader size={16} /> : <IconSearch size={18} />}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            size="md"
            autoFocus
            type="search"
            inputMode="search"
            autoComplete="off"
            style={{ flex: '1 1 320px' }}
            name="q"
          />
          {coversManyCommunes && (
            <UnitSelect
              label={t('search.commune')}
              placeholder={t('search.allCommunes')}
              levels={['commune']}
              value={commune}
              valueLabel={communeUnit.data ? [communeUnit.data.unit.name, communeUnit.data.ancestors.at(-1)?.name].filter(Boolean).join(', ') : commune}
              onChange={(code) => {
                updateParams((next) => {
                  if (code) next.set('commune', code);
                  else next.delete('commune');
                });
              }}
              size="md"
              style={{ flex: '1 1 240px', maxWidth: phone ? undefined : 320 }}
            />
          )}
        </Group>
      </form>
      {!q && (
        <Text c="dimmed" size="sm">
          {t('search.hint')}
        </Text>
      )}
      {tooShort && (
        <Alert color="yellow" variant="light">
          {t('search.tooShort')}
        </Alert>
      )}
      {res.error && !tooShort && <ErrorAlert error={res.error} onRetry={() => void res.refetch()} />}
      {res.data && q && !tooShort && (
        <Stack gap="sm">
          <Group gap="xs">
            <Text size="sm" fw={600} data-testid="result-count">
              {t('search.results', { count: items.length })}
            </Text>
            {res.data.kind && (
              <Badge variant="light" size="sm">
                {t(`search.kind.${res.data.kind}`)}
              </Badge>
            )}
          </Group>
          {items.length === 0 && <Text c="dimmed">{t('search.noResults', { q })}</Text>}
          {items.length >= SEARCH_LIMIT && (
            <Text size="sm" c="dimmed">
              {t('search.more', { count: SEARCH_LIMIT })}
            </Text>
          )}
          {phone ? (
            <Stack gap="xs">
              {items.map((p) => (
                <PersonCard key={p.id} p={p} />
              ))}
            </Stack>
          ) : (
            items.length > 0 && (
              <Table striped highlightOnHover verticalSpacing={6}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('person.fullName')}</Table.Th>
                    <Table.Th>{t('person.sex')}</Table.Th>
                    <Table.Th>{t('person.birthDate')}</Table.Th>
                    <Table.Th>{t('person.cccd')}</Table.Th>
                    <Table.Th>{t('person.phone')}</Table.Th>
                    <Table.Th>{t('person.address')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((p) => (
                    <Table.Tr key={p.id} data-testid="person-result">
                      <Table.Td>
                        <Anchor component={Link} to={`/people/${p.id}`} fw={600}>
                          {p.fullName}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{p.sex ? t(`person.${p.sex}`) : '—'}</Table.Td>
                      <Table.Td className="tabular">{formatDate(p.birthDate)}</Table.Td>
                      <Table.Td className="tabular">{p.cccd ?? '—'}</Table.Td>
                      <Table.Td className="tabular" style={{ whiteSpace: 'nowrap' }}>
                        {formatPhone(p.phone)}
                      </Table.Td>
                      <Table.Td>{personPlace(p) || '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )
          )}
        </Stack>
      )}
    </Stack>
  );
}
