// Boundaries as the map draws them: simplified together for the size of the map (shared borders
// stay shared), rounded to the precision that size needs, and kept per database until a boundary
// is imported again. The stored boundaries stay as imported.
import type { Db } from '../../db/index.ts';
import { digitsFor, simplifyTogether, toleranceFor, type AreaGeometry } from '../../../domain/units/simplify.ts';
import * as store from './store.ts';

/**
 * The map's drawing width (the SVG's viewBox is 1000 units wide, shown at up to about 900 CSS
 * pixels, on phones at two or three device pixels each): a dropped vertex lies within half a
 * viewBox unit of the drawn border.
 */
export const MAP_PIXELS = 2000;
/** Drawings kept per database: a province has one map per unit with drawn children or outline. */
const MAX_DRAWINGS = 256;

export interface DrawnBoundary {
  code: string;
  geometry: AreaGeometry;
  bbox: [number, number, number, number];
}

const caches = new WeakMap<Db, Map<string, Promise<DrawnBoundary[]>>>();

/**
 * The boundaries of a unit's children (or, with `own`, of the unit itself) within the caller's
 * jurisdiction, simplified for drawing. Cached by the set of boundaries and their import times,
 * so a re-import is drawn anew and two callers who see the same boundaries share the drawing.
 */
export async function drawnBoundaries(db: Db, scope: store.Scope, code: string, own = false): Promise<DrawnBoundary[]> {
  const versions = await store.boundaryVersions(db, scope, code, own);
  if (!versions.length) return [];
  const key = `${scope.provinceCode}|${own ? 'own' : 'children'}|${code}|${versions.map((v) => `${v.code}@${v.importedAt}`).join(',')}`;
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key); // most recently used last
    cache.set(key, hit);
    return hit;
  }
  const drawing = draw(db, scope, versions);
  cache.set(key, drawing);
  if (cache.size > MAX_DRAWINGS) cache.delete(cache.keys().next().value!);
  drawing.catch(() => cache.delete(key));
  return drawing;
}

async function draw(db: Db, scope: store.Scope, versions: store.BoundaryVersion[]): Promise<DrawnBoundary[]> {
  const geometries = await store.boundaryGeometries(db, scope, versions.map((v) => v.code));
  const present = versions.filter((v) => geometries.has(v.code));
  if (!present.length) return [];
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const { bbox } of present) {
    box[0] = Math.min(box[0], bbox[0]);
    box[1] = Math.min(box[1], bbox[1]);
    box[2] = Math.max(box[2], bbox[2]);
    box[3] = Math.max(box[3], bbox[3]);
  }
  const tolerance = toleranceFor(box, MAP_PIXELS);
  const simplified = simplifyTogether(
    present.map((v) => geometries.get(v.code) as AreaGeometry),
    { tolerance, digits: digitsFor(tolerance) },
  );
  return present.map((v, i) => ({ code: v.code, geometry: simplified[i], bbox: v.bbox }));
}
