// Drawing a zone on the map of the user's area: each click (or tap) adds a corner, the polygon
// closes itself; the corners are kept in longitude/latitude.
import { useMemo, useRef } from 'react';
import { Button, Group, Stack, Text } from '@mantine/core';
import { geoPath } from 'd3-geo';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/auth.tsx';
import { fitFeatures, rewind } from '../units/geo.ts';
import { useUnitMap } from '../units/queries.ts';

export type LonLat = [number, number];

/** A closed GeoJSON polygon from the corners, or null with fewer than three. */
export function polygonOf(corners: LonLat[]): GeoJSON.Polygon | null {
  if (corners.length < 3) return null;
  const round = (c: LonLat): LonLat => [Math.round(c[0] * 1e6) / 1e6, Math.round(c[1] * 1e6) / 1e6];
  const ring = corners.map(round);
  return { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
}

export function ZoneDrawMap({ corners, onChange }: { corners: LonLat[]; onChange(c: LonLat[]): void }) {
  const { t } = useTranslation();
  const me = useMe();
  const map = useUnitMap(me.unitCode);
  const svg = useRef<SVGSVGElement>(null);
  const shown = useMemo(() => {
    const f = (map.data?.features ?? []).map(rewind);
    return f.length ? f : map.data?.outline ? [rewind(map.data.outline)] : [];
  }, [map.data]);
  const fitted = useMemo(() => (shown.length ? fitFeatures(shown) : null), [shown]);
  if (!fitted) return <Text size="sm" c="dimmed">{t('zones.draw.noMap')}</Text>;
  const projected = corners.map((c) => fitted.projection(c)!);
  const poly = polygonOf(corners);
  const d = poly ? geoPath(fitted.projection)(rewind({ type: 'Feature', id: 'draft', geometry: poly, properties: {} } as never).geometry) : null;
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {t('zones.draw.title')}
      </Text>
      <Text size="xs" c="dimmed">
        {t('zones.draw.hint')}
      </Text>
      <svg
        ref={svg}
        viewBox={`0 0 ${fitted.width} ${fitted.height}`}
        width="100%"
        style={{ display: 'block', height: 'auto', maxHeight: 360, cursor: 'crosshair', border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8, touchAction: 'manipulation' }}
        data-testid="zone-draw-map"
        role="application"
        aria-label={t('zones.draw.title')}
        onClick={(e) => {
          const r = svg.current!.getBoundingClientRect();
          const scale = fitted.width / r.width;
          const x = (e.clientX - r.left) * scale;
          const y = (e.clientY - r.top) * (fitted.height / r.height);
          const lonLat = fitted.projection.invert?.([x, y]);
          if (lonLat) onChange([...corners, [lonLat[0], lonLat[1]]]);
        }}
      >
        {shown.map((f, i) => (
          <path key={f.id} d={fitted.paths[i]} fill="#f1f3f5" stroke="#adb5bd" strokeWidth={1} vectorEffect="non-scaling-stroke" />
        ))}
        {d && <path d={d} fill="#c92a2a" fillOpacity={0.25} stroke="#c92a2a" strokeWidth={2} vectorEffect="non-scaling-stroke" pointerEvents="none" />}
        {projected.map(([x, y], i) => (
          <circle key={i} cx={x} cy={y} r={6} fill="#c92a2a" pointerEvents="none" />
        ))}
      </svg>
      <Group gap="xs">
        <Text size="xs" c="dimmed" data-testid="zone-corners">
          {t('zones.draw.corners', { count: corners.length })}
        </Text>
        <Button size="compact-xs" variant="subtle" disabled={!corners.length} onClick={() => onChange(corners.slice(0, -1))}>
          {t('zones.draw.undo')}
        </Button>
        <Button size="compact-xs" variant="subtle" color="red" disabled={!corners.length} onClick={() => onChange([])}>
          {t('zones.draw.clear')}
        </Button>
      </Group>
    </Stack>
  );
}
