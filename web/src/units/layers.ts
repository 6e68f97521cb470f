// The numeric layers the map can be coloured by, and the colour classes of a layer.
import type { Unit } from '../lib/types.ts';

export type LayerKey = 'population' | 'households' | 'density' | 'perHousehold' | 'agedUnder18' | 'aged65Plus' | 'share65';

export interface Layer {
  key: LayerKey;
  /** i18n key of the label */
  label: string;
  digits: number;
  /** Needs unit areas, i.e. polygons. */
  needsArea?: boolean;
  value(u: Unit, areaKm2?: number): number | null;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export const LAYERS: Layer[] = [
  { key: 'population', label: 'map.population', digits: 0, value: (u) => u.population },
  { key: 'households', label: 'map.households', digits: 0, value: (u) => u.households },
  { key: 'density', label: 'map.density', digits: 1, needsArea: true, value: (u, a) => (a ? u.population / a : null) },
  { key: 'perHousehold', label: 'map.perHousehold', digits: 2, value: (u) => ratio(u.population, u.households) },
  { key: 'agedUnder18', label: 'map.agedUnder18', digits: 0, value: (u) => u.agedUnder18 },
  { key: 'aged65Plus', label: 'map.aged65Plus', digits: 0, value: (u) => u.aged65Plus },
  { key: 'share65', label: 'map.share65', digits: 1, value: (u) => { const r = ratio(u.aged65Plus, u.population); return r == null ? null : r * 100; } },
];

export function layerOf(key: string | null | undefined): Layer {
  return LAYERS.find((l) => l.key === key) ?? LAYERS[0];
}

/** ColorBrewer "Blues", light to dark. */
const BLUES = ['#eff3ff', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#084594'];
export const NO_DATA_COLOR = '#e9ecef';

export interface ColorClass {
  from: number;
  to: number;
  color: string;
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

/** Equal-interval classes on round numbers (3–6 of them), so the legend reads easily. */
export function colorClasses(values: (number | null)[], target = 5): ColorClass[] {
  const v = values.filter((x): x is number => x != null && Number.isFinite(x));
  if (!v.length) return [];
  const min = Math.min(...v);
  const max = Math.max(...v);
  if (max === min) return [{ from: min, to: max, color: BLUES[4] }];
  const step = niceStep((max - min) / target);
  const start = Math.floor(min / step) * step;
  const bounds: number[] = [start];
  while (bounds[bounds.length - 1] < max) bounds.push(bounds[bounds.length - 1] + step);
  const n = bounds.length - 1;
  return bounds.slice(0, -1).map((from, i) => ({
    from,
    to: bounds[i + 1],
    color: BLUES[n === 1 ? 4 : Math.round(1 + (i * (BLUES.length - 2)) / (n - 1))],
  }));
}

export function colorOf(classes: ColorClass[], value: number | null): string {
  if (value == null || !classes.length) return NO_DATA_COLOR;
  for (const c of classes) if (value < c.to) return c.color;
  return classes[classes.length - 1].color;
}

/** "Huyện Tràng Định" → "Tràng Định", "Thành phố Lạng Sơn" → "TP. Lạng Sơn": labels that fit on a map. */
export function shortName(name: string): string {
  return name
    .replace(/^(Huyện|Quận|Xã) /, '')
    .replace(/^Thành phố /, 'TP. ')
    .replace(/^Thị xã /, 'TX. ')
    .replace(/^Thị trấn /, 'TT. ')
    .replace(/^Phường /, 'P. ');
}
