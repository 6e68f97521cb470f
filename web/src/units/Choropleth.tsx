// SVG choropleth of a unit's children: one path per child polygon, coloured by a layer.
// Mouse: hover shows the figures, click opens the unit. Touch: first tap shows, second tap opens.
import { useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { Paper, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { UnitFeature } from '../lib/types.ts';
import { formatNumber } from '../lib/format.ts';
import { geoPath } from 'd3-geo';
import { fitFeatures, rewind } from './geo.ts';
import { colorOf, shortName, type ColorClass, type Layer } from './layers.ts';

/** Areas drawn over the map (zones and lockdowns), not coloured by the layer and not clickable. */
export interface MapOverlay {
  id: string;
  label: string;
  geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon;
  color: string;
}

interface Props {
  overlays?: MapOverlay[];
  features: UnitFeature[];
  /** The unit's own boundary, drawn (not coloured) when its children have none. */
  outline?: UnitFeature | null;
  layer: Layer;
  values: Map<string, number | null>;
  classes: ColorClass[];
  ariaLabel: string;
  onOpen?(code: string): void;
  maxHeight?: number | string;
}

export function Choropleth({ features, outline, overlays = [], layer, values, classes, ariaLabel, onOpen, maxHeight = '70vh' }: Props) {
  const { t } = useTranslation();
  const shown = useMemo(() => (features.length ? features : outline ? [outline] : []), [features, outline]);
  const fitted = useMemo(() => fitFeatures(shown), [shown]);
  const box = useRef<HTMLDivElement>(null);
  const lastPointer = useRef<string>('mouse');
  const [active, setActive] = useState<{ code: string; x: number; y: number; boxWidth: number } | null>(null);
  const isOutline = !features.length;
  const overlayPaths = useMemo(() => {
    const path = geoPath(fitted.projection).digits(1);
    return overlays.map((o) => ({ ...o, d: path(rewind({ type: 'Feature', id: o.id, geometry: o.geometry, properties: {} } as unknown as UnitFeature).geometry) ?? '' }));
  }, [overlays, fitted]);

  const place = (e: PointerEvent, code: string) => {
    const r = box.current!.getBoundingClientRect();
    setActive({ code, x: e.clientX - r.left, y: e.clientY - r.top, boxWidth: r.width });
  };

  const activeFeature = active ? shown.find((f) => f.id === active.code) : null;

  return (
    <div
      ref={box}
      // Capping the width (not the SVG's height) keeps the aspect ratio, so the HTML labels stay on their shapes.
      style={{ position: 'relative', width: '100%', margin: '0 auto', maxWidth: typeof maxHeight === 'number' ? (maxHeight * fitted.width) / fitted.height : `calc(${maxHeight} * ${fitted.width / fitted.height})` }} onPointerLeave={(e) => e.pointerType === 'mouse' && setActive(null)}>
      <svg
        viewBox={`0 0 ${fitted.width} ${fitted.height}`}
        width="100%"
        style={{ display: 'block', height: 'auto' }}
        role="img"
        aria-label={ariaLabel}
        data-testid="choropleth"
      >
        {shown.map((f, i) => (
          <path
            key={f.id}
            d={fitted.paths[i]}
            data-code={f.id}
            className={isOutline ? undefined : 'choropleth-path'}
            fill={isOutline ? '#f1f3f5' : colorOf(classes, values.get(f.id) ?? null)}
            stroke={isOutline ? '#495057' : '#ffffff'}
            strokeWidth={isOutline ? 2 : 1}
            strokeLinejoin="round"
            vectorEffect="non-scaling-stroke"
            data-active={active?.code === f.id}
            tabIndex={isOutline ? undefined : 0}
            role={isOutline ? undefined : 'link'}
            aria-label={isOutline ? f.properties.name : `${f.properties.name}: ${t(layer.label)} ${formatNumber(values.get(f.id), layer.digits)}`}
            onPointerDown={(e) => (lastPointer.current = e.pointerType)}
            onPointerMove={isOutline ? undefined : (e) => e.pointerType === 'mouse' && place(e, f.id)}
            onClick={
              isOutline
                ? undefined
                : (e) => {
                    if (lastPointer.current === 'touch' && active?.code !== f.id) {
                      const r = box.current!.getBoundingClientRect();
                      setActive({ code: f.id, x: e.clientX - r.left, y: e.clientY - r.top, boxWidth: r.width });
                    } else onOpen?.(f.id);
                  }
            }
            onKeyDown={(e: KeyboardEvent) => {
              if (e.key === 'Enter') onOpen?.(f.id);
            }}
          />
        ))}
        {overlayPaths.map((o) => (
          <path key={o.id} d={o.d} fill={o.color} fillOpacity={0.25} stroke={o.color} strokeWidth={2} strokeDasharray="6 4" vectorEffect="non-scaling-stroke" pointerEvents="none" data-testid="map-overlay">
            <title>{o.label}</title>
          </path>
        ))}
      </svg>
      {shown.map((f, i) =>
        // Shapes narrower than a label would only be covered by it; their name is in the tooltip and the table.
        fitted.widths[i] < 0.09 && shown.length > 1 ? null : (
          <span key={f.id} className="map-label" style={{ left: `${fitted.anchors[i][0] * 100}%`, top: `${fitted.anchors[i][1] * 100}%` }} aria-hidden>
            {shortName(f.properties.name)}
          </span>
        ),
      )}
      {active && activeFeature && (
        <Paper
          shadow="md"
          withBorder
          p="xs"
          role="tooltip"
          style={{
            position: 'absolute',
            left: Math.min(active.x + 12, Math.max(0, active.boxWidth - 220)),
            top: active.y + 12,
            width: 210,
            pointerEvents: 'none',
            zIndex: 2,
          }}
        >
          <Text fw={600} size="sm">
            {activeFeature.properties.name}
          </Text>
          <Text size="sm">
            {t(layer.label)}: <b className="tabular">{formatNumber(values.get(active.code), layer.digits)}</b>
          </Text>
          {layer.key !== 'population' && (
            <Text size="sm">
              {t('map.population')}: <span className="tabular">{formatNumber(activeFeature.properties.population)}</span>
            </Text>
          )}
          <Text size="xs" c="dimmed">
            {t(lastPointer.current === 'touch' ? 'map.tapAgain' : 'map.clickToOpen')}
          </Text>
        </Paper>
      )}
    </div>
  );
}

export function Legend({ classes, layer, missing }: { classes: ColorClass[]; layer: Layer; missing: boolean }) {
  const { t } = useTranslation();
  return (
    <div aria-label={t('map.legend')} data-testid="legend" style={{ display: 'flex', flexWrap: 'wrap', gap: '4px 12px', fontSize: 12 }}>
      {classes.map((c) => (
        <span key={c.from} style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
          <span style={{ width: 14, height: 14, borderRadius: 3, background: c.color, border: '1px solid #ced4da' }} />
          <span className="tabular">
            {formatNumber(c.from, layer.digits)}
            {c.to !== c.from && ` – ${formatNumber(c.to, layer.digits)}`}
          </span>
        </span>
      ))}
      {missing && (
        <span style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
          <span style={{ width: 14, height: 14, borderRadius: 3, background: '#e9ecef', border: '1px solid #ced4da' }} />
          {t('map.noData')}
        </span>
      )}
    </div>
  );
}
