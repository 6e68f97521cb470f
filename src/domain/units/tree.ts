// The administrative-unit tree: parsing the GSO (dvhcvn) JSON, the geo boundary format and GeoJSON,
// and reconciling units with boundaries. Pure: callers read the files and write the database.
import { searchKey, normalizeName } from '../people/normalize.ts';

export type UnitLevel = 'province' | 'district' | 'commune' | 'village';

export interface Unit {
  code: string;
  parentCode: string | null;
  level: UnitLevel;
  type: string | null;
  name: string;
  nameSearch: string;
  path: string;
  depth: number;
}

export interface GsoProvince {
  level1_id: string;
  name: string;
  type?: string;
  level2s?: GsoLevel2[];
  level3s?: GsoLevel3[]; // two-level structure (from 7/2025): communes directly under the province
}
interface GsoLevel2 {
  level2_id: string;
  name: string;
  type?: string;
  level3s?: GsoLevel3[];
}
interface GsoLevel3 {
  level3_id: string;
  name: string;
  type?: string;
}

export class UnitFormatError extends Error {}

function unit(code: string, parent: Unit | null, level: UnitLevel, name: string, type: string | null): Unit {
  const clean = normalizeName(name);
  return {
    code,
    parentCode: parent?.code ?? null,
    level,
    type,
    name: clean,
    nameSearch: searchKey(clean),
    path: (parent?.path ?? '') + code + '/',
    depth: parent ? parent.depth + 1 : 0,
  };
}

/** Lists the provinces in a GSO JSON document ({data:[…]}) or a single province object. */
export function gsoProvinces(doc: unknown): GsoProvince[] {
  const list = Array.isArray((doc as { data?: unknown })?.data) ? (doc as { data: unknown[] }).data : [doc];
  const out = list.filter(
    (p): p is GsoProvince => typeof p === 'object' && p !== null && typeof (p as GsoProvince).level1_id === 'string',
  );
  if (!out.length) throw new UnitFormatError('no province (level1_id) found');
  return out;
}

/**
 * Flattens one province of the GSO format into units, parents before children. Supports the
 * three-level structure (level2s → level3s) and the two-level one (level3s directly under the province).
 */
export function unitsFromGso(doc: unknown, provinceCode: string): Unit[] {
  const province = gsoProvinces(doc).find((p) => p.level1_id === provinceCode);
  if (!province) throw new UnitFormatError(`province ${provinceCode} not in file`);
  const root = unit(province.level1_id, null, 'province', province.name, province.type ?? null);
  const units: Unit[] = [root];
  const seen = new Set([root.code]);
  const add = (u: Unit) => {
    if (seen.has(u.code)) throw new UnitFormatError(`duplicate unit code ${u.code}`);
    seen.add(u.code);
    units.push(u);
    return u;
  };
  for (const l2 of province.level2s ?? []) {
    if (!l2.level2_id || !l2.name) throw new UnitFormatError('level2 without id or name');
    const d = add(unit(l2.level2_id, root, 'district', l2.name, l2.type ?? null));
    for (const l3 of l2.level3s ?? []) {
      if (!l3.level3_id || !l3.name) throw new UnitFormatError('level3 without id or name');
      add(unit(l3.level3_id, d, 'commune', l3.name, l3.type ?? null));
    }
  }
  for (const l3 of province.level3s ?? []) {
    if (!l3.level3_id || !l3.name) throw new UnitFormatError('level3 without id or name');
    add(unit(l3.level3_id, root, 'commune', l3.name, l3.type ?? null));
  }
  return units;
}

/** A child unit (village / residential group) under a commune. */
export function childUnit(parent: Unit, code: string, name: string, type: string | null = 'Thôn'): Unit {
  if (parent.level !== 'commune' && parent.level !== 'village') {
    throw new UnitFormatError('villages belong under a commune');
  }
  return unit(code, parent, 'village', name, type);
}

export interface Boundary {
  unitCode: string;
  name: string | null;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
  bbox: [number, number, number, number];
}

function bboxOf(coords: unknown): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const walk = (c: unknown) => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      if (!Number.isFinite(x) || !Number.isFinite(y)) throw new UnitFormatError('non-numeric coordinate');
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    } else if (Array.isArray(c)) c.forEach(walk);
    else throw new UnitFormatError('malformed coordinates');
  };
  walk(coords);
  if (minX === Infinity) throw new UnitFormatError('empty geometry');
  return [minX, minY, maxX, maxY];
}

function geometry(type: unknown, coordinates: unknown): Boundary['geometry'] {
  if (type !== 'Polygon' && type !== 'MultiPolygon') throw new UnitFormatError(`unsupported geometry ${String(type)}`);
  const coords = typeof coordinates === 'string' ? JSON.parse(coordinates) : coordinates;
  return { type, coordinates: coords };
}

/**
 * Reads boundaries from the geo format ({level1_id, level2s:[{level2_id, coordinates, type}]},
 * coordinates possibly a JSON string) or from a GeoJSON FeatureCollection whose features carry
 * the unit code in properties (code, level2_id, level3_id, ma, id).
 */
export function boundariesFrom(doc: unknown): Boundary[] {
  const d = doc as Record<string, unknown>;
  const out: Boundary[] = [];
  if (Array.isArray(d?.level2s) || Array.isArray(d?.level3s)) {
    const items = [...((d.level2s as unknown[]) ?? []), ...((d.level3s as unknown[]) ?? [])] as Record<string, unknown>[];
    for (const it of items) {
      const code = String(it.level2_id ?? it.level3_id ?? '');
      if (!code) throw new UnitFormatError('boundary without unit code');
      const g = geometry(it.type, it.coordinates);
      out.push({ unitCode: code, name: (it.name as string) ?? null, geometry: g, bbox: bboxOf(g.coordinates) });
    }
    return out;
  }
  if (d?.type === 'FeatureCollection' && Array.isArray(d.features)) {
    for (const f of d.features as Record<string, any>[]) {
      const p = f.properties ?? {};
      const code = String(p.code ?? p.level3_id ?? p.level2_id ?? p.ma ?? p.id ?? f.id ?? '');
      if (!code) throw new UnitFormatError('feature without unit code');
      const g = geometry(f.geometry?.type, f.geometry?.coordinates);
      out.push({ unitCode: code, name: p.name ?? null, geometry: g, bbox: bboxOf(g.coordinates) });
    }
    return out;
  }
  throw new UnitFormatError('neither the geo format nor a GeoJSON FeatureCollection');
}

export interface Reconciliation {
  matched: string[];
  /** Boundaries whose code is not a known unit. */
  unknownBoundaries: { unitCode: string; name: string | null }[];
  /** Units of the boundary level without a boundary. */
  unitsWithoutBoundary: { code: string; name: string }[];
}

export function reconcile(units: Unit[], boundaries: Boundary[]): Reconciliation {
  const byCode = new Map(units.map((u) => [u.code, u]));
  const matched: string[] = [];
  const unknownBoundaries: Reconciliation['unknownBoundaries'] = [];
  const levels = new Set<UnitLevel>();
  for (const b of boundaries) {
    const u = byCode.get(b.unitCode);
    if (u) {
      matched.push(b.unitCode);
      levels.add(u.level);
    } else unknownBoundaries.push({ unitCode: b.unitCode, name: b.name });
  }
  const has = new Set(matched);
  const unitsWithoutBoundary = units
    .filter((u) => levels.has(u.level) && !has.has(u.code))
    .map((u) => ({ code: u.code, name: u.name }));
  return { matched, unknownBoundaries, unitsWithoutBoundary };
}
