// Child units with their figures, sorted by the chosen layer; a row opens the unit.
import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Unit } from '../lib/types.ts';
import { formatNumber } from '../lib/format.ts';
import type { Layer } from './layers.ts';

export interface ChildRow {
  unit: Unit;
  value: number | null;
}

export function ChildrenTable({ rows, layer, onOpen, search = '' }: { rows: ChildRow[]; layer: Layer; onOpen(u: Unit): void; search?: string }) {
  const { t } = useTranslation();
  const extra = layer.key !== 'population' && layer.key !== 'households';
  const canOpen = (u: Unit) => u.level !== 'village' || (u.childCount ?? 0) > 0;
  return (
    <Table.ScrollContainer minWidth={300}>
      <Table striped highlightOnHover verticalSpacing={6} fz="sm" data-testid="children-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={36}>{t('map.rank')}</Table.Th>
            <Table.Th>{t('map.unit')}</Table.Th>
            <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>{t('map.population')}</Table.Th>
            <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>{t('map.households')}</Table.Th>
            {extra && <Table.Th ta="right">{t(layer.label)}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map(({ unit, value }, i) => (
            <Table.Tr
              key={unit.code}
              className={canOpen(unit) ? 'clickable-row' : undefined}
              onClick={canOpen(unit) ? (e) => !(e.target as HTMLElement).closest('a') && onOpen(unit) : undefined}
              data-code={unit.code}
            >
              <Table.Td c="dimmed">{i + 1}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {canOpen(unit) ? (
                  <Text component={Link} to={`/units/${unit.code}${search}`} size="sm" c="blue.8" td="none">
                    {unit.name}
                  </Text>
                ) : (
                  unit.name
                )}
              </Table.Td>
              <Table.Td ta="right" className="tabular">{formatNumber(unit.population)}</Table.Td>
              <Table.Td ta="right" className="tabular">{formatNumber(unit.households)}</Table.Td>
              {extra && <Table.Td ta="right" className="tabular">{formatNumber(value, layer.digits)}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
