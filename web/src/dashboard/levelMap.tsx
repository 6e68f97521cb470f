// The level colours of the map (Resolution 128) and their legend, shared by the dashboard and the public page.
import { Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ColorClass } from '../units/layers.ts';
import { LEVEL_COLORS, type LevelNumber } from '../levels/api.ts';

export const LEVEL_CLASSES: ColorClass[] = ([1, 2, 3, 4] as LevelNumber[]).map((n) => ({ from: n, to: n + 1, color: LEVEL_COLORS[n] }));

export function LevelLegend({ noneLabel }: { noneLabel?: string }) {
  const { t } = useTranslation();
  return (
    <Group gap={8} wrap="wrap" data-testid="level-legend">
      {([1, 2, 3, 4] as LevelNumber[]).map((n) => (
        <span key={n} style={{ display: 'inline-flex', alignItems: 'center', gap: 4, fontSize: 12 }}>
          <span style={{ width: 14, height: 14, borderRadius: 3, background: LEVEL_COLORS[n] }} />
          {t(`levels.name.${n}`)}
        </span>
      ))}
      {noneLabel && (
        <span style={{ display: 'inline-flex', alignItems: 'center', gap: 4, fontSize: 12 }}>
          <span style={{ width: 14, height: 14, borderRadius: 3, background: '#e9ecef', border: '1px solid #ced4da' }} />
          {noneLabel}
        </span>
      )}
    </Group>
  );
}

