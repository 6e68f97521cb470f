// SQL for the admin-unit tree. Every read takes the caller's jurisdiction path and returns nothing outside it.
import type { Queryable } from '../../db/index.ts';
import type { Unit } from '../../../domain/units/tree.ts';
import type { Boundary } from '../../../domain/units/tree.ts';

export interface Scope {
  provinceCode: string;
  /** Path of the jurisdiction root, e.g. '20/178/'. */
  path: string;
}

const collator = new Intl.Collator('vi');
/** Vietnamese alphabetical order (the database collation may be C). */
export const byVietnameseName = (a: { name: string }, b: { name: string }) => collator.compare(a.name, b.name);

export interface UnitRow {
  code: string;
  parentCode: string | null;
  level: string;
  type: string | null;
  name: string;
  path: string;
  depth: number;
  population: number;
  households: number;
  agedUnder18: number;
  aged65Plus: number;
  childCount?: number;
  hasBoundary?: boolean;
  /** Name of the parent unit: set by the search, where two communes of a province can share a name. */
  parentName?: string | null;
}

const COLS = `u.code, u.parent_code AS "parentCode", u.level, u.type, u.name, u.path, u.depth, u.population, u.households,
  u.aged_under_18 AS "agedUnder18", u.aged_65_plus AS "aged65Plus"`;

export async function getUnit(q: Queryable, scope: Scope, code: string): Promise<UnitRow | null> {
  const r = await q.query<UnitRow>(
    `SELECT ${COLS} FROM admin_unit u WHERE u.province_code = $1 AND u.code = $2 AND u.path LIKE $3 || '%'`,
    [scope.provinceCode, code, scope.path],
  );
  return r.rows[0] ?? null;
}

export async function getUnitByPath(q: Queryable, provinceCode: string, path: string): Promise<UnitRow | null> {
  const r = await q.query<UnitRow>(`SELECT ${COLS} FROM admin_unit u WHERE u.province_code = $1 AND u.path = $2`, [provinceCode, path]);
  return r.rows[0] ?? null;
}

/** Ancestors from the root down to (and without) the unit, limited to the jurisdiction. */
export async function ancestors(q: Queryable, scope: Scope, unit: UnitRow): Promise<UnitRow[]> {
  const codes = unit.path.split('/').filter(Boolean).slice(0, -1);
  if (!codes.length) return [];
  const r = await q.query<UnitRow>(
    `SELECT ${COLS} FROM admin_unit u WHERE u.province_code = $1 AND u.code = ANY($2) AND u.path LIKE $3 || '%' ORDER BY u.depth`,
    [scope.provinceCode, codes, scope.path],
  );
  return r.rows;
}

export async function children(q: Queryable, scope: Scope, code: string): Promise<UnitRow[]> {
  const r = await q.query<UnitRow>(
    `SELECT ${COLS},
       (SELECT count(*)::int FROM admin_unit c WHERE c.province_code = u.province_code AND c.parent_code = u.code) AS "childCount",
       EXISTS (SELECT 1 FROM admin_boundary b WHERE b.province_code = u.province_code AND b.unit_code = u.code) AS "hasBoundary"
     FROM admin_unit u
     WHERE u.province_code = $1 AND u.parent_code = $2 AND u.path LIKE $3 || '%'`,
    [scope.provinceCode, code, scope.path],
  );
  return r.rows.sort(byVietnameseName);
}

export interface BoundaryVersion {
  code: string;
  /** When the boundary was last imported: a re-import makes cached drawings of it stale. */
  importedAt: string;
  bbox: [number, number, number, number];
}

/**
 * Which of a unit's children (or, with `own`, the unit itself) have a boundary, and since when:
 * no geometry, so a cached drawing can be checked cheaply.
 */
export async function boundaryVersions(q: Queryable, scope: Scope, code: string, own = false): Promise<BoundaryVersion[]> {
  const r = await q.query<BoundaryVersion>(
    `SELECT b.unit_code AS code, to_char(b.imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "importedAt", b.bbox
       FROM admin_boundary b
       JOIN admin_unit u ON u.province_code = b.province_code AND u.code = b.unit_code
      WHERE b.province_code = $1 AND ${own ? 'u.code' : 'u.parent_code'} = $2 AND u.path LIKE $3 || '%'
      ORDER BY b.unit_code`,
    [scope.provinceCode, code, scope.path],
  );
  return r.rows;
}

/** The geometries of the given units' boundaries, within the jurisdiction. */
export async function boundaryGeometries(q: Queryable, scope: Scope, codes: string[]): Promise<Map<string, Boundary['geometry']>> {
  if (!codes.length) return new Map();
  const r = await q.query<{ code: string; geometry: Boundary['geometry'] }>(
    `SELECT b.unit_code AS code, b.geometry FROM admin_boundary b
       JOIN admin_unit u ON u.province_code = b.province_code AND u.code = b.unit_code
      WHERE b.province_code = $1 AND b.unit_code = ANY($2) AND u.path LIKE $3 || '%'`,
    [scope.provinceCode, codes, scope.path],
  );
  return new Map(r.rows.map((row) => [row.code, row.geometry]));
}

export async function searchUnits(q: Queryable, scope: Scope, key: string, limit = 20): Promise<UnitRow[]> {
  const r = await q.query<UnitRow>(
    `SELECT ${COLS}, pu.name AS "parentName" FROM admin_unit u
       LEFT JOIN admin_unit pu ON pu.province_code = u.province_code AND pu.code = u.parent_code
      WHERE u.province_code = $1 AND u.path LIKE $2 || '%' AND u.name_search LIKE '%' || $3 || '%'
      ORDER BY u.depth, u.name LIMIT $4`,
    [scope.provinceCode, scope.path, key, limit],
  );
  return r.rows;
}

/** Inserts or renames units (parents first). Returns how many were new. */
export async function upsertUnits(q: Queryable, provinceCode: string, units: Unit[]): Promise<{ inserted: number; updated: number }> {
  let inserted = 0;
  let updated = 0;
  const chunk = 500;
  for (let i = 0; i < units.length; i += chunk) {
    const part = units.slice(i, i + chunk);
    const r = await q.query<{ inserted: boolean }>(
      `INSERT INTO admin_unit (province_code, code, parent_code, level, type, name, name_search, path, depth)
       SELECT $1, x.code, x.parent_code, x.level, x.type, x.name, x.name_search, x.path, x.depth
         FROM jsonb_to_recordset($2::jsonb) AS x(code text, parent_code text, level text, type text, name text, name_search text, path text, depth int)
       ON CONFLICT (province_code, code) DO UPDATE
         SET name = EXCLUDED.name, name_search = EXCLUDED.name_search, type = EXCLUDED.type
         WHERE (admin_unit.name, admin_unit.type) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.type)
       RETURNING (xmax = 0) AS inserted`,
      [
        provinceCode,
        JSON.stringify(part.map((u) => ({ code: u.code, parent_code: u.parentCode, level: u.level, type: u.type, name: u.name, name_search: u.nameSearch, path: u.path, depth: u.depth }))),
      ],
    );
    for (const row of r.rows) row.inserted ? inserted++ : updated++;
  }
  return { inserted, updated };
}

export async function upsertBoundaries(q: Queryable, provinceCode: string, boundaries: Boundary[], source: string) {
  for (const b of boundaries) {
    await q.query(
      `INSERT INTO admin_boundary (province_code, unit_code, geometry, bbox, source) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (province_code, unit_code) DO UPDATE SET geometry = EXCLUDED.geometry, bbox = EXCLUDED.bbox, source = EXCLUDED.source, imported_at = now()`,
      [provinceCode, b.unitCode, JSON.stringify(b.geometry), b.bbox, source],
    );
  }
}

/**
 * Recomputes population, households and age groups for every unit from the person registry:
 * counts per leaf path, then rolled up to every ancestor by path prefix.
 */
export async function refreshUnitStats(q: Queryable, provinceCode: string, asOf: string = new Date().toISOString().slice(0, 10)) {
  await q.query(
    `WITH leaf AS (
       SELECT unit_path,
              count(*) AS pop,
              count(DISTINCT household_id) AS hh,
              count(*) FILTER (WHERE birth_date > ($2::date - interval '18 years')) AS u18,
              count(*) FILTER (WHERE birth_date <= ($2::date - interval '65 years')) AS o65
         FROM person WHERE province_code = $1 GROUP BY unit_path
     ), rolled AS (
       SELECT a.code, coalesce(sum(l.pop), 0) AS pop, coalesce(sum(l.hh), 0) AS hh,
              coalesce(sum(l.u18), 0) AS u18, coalesce(sum(l.o65), 0) AS o65
         FROM admin_unit a LEFT JOIN leaf l ON l.unit_path LIKE a.path || '%'
        WHERE a.province_code = $1
        GROUP BY a.code
     )
     UPDATE admin_unit a SET population = r.pop, households = r.hh, aged_under_18 = r.u18, aged_65_plus = r.o65
       FROM rolled r WHERE a.province_code = $1 AND a.code = r.code`,
    [provinceCode, asOf],
  );
}
