// Khoanh vùng / phong tỏa: zones as sets of communes and villages (people living there can be
// listed) with an optional drawn polygon for the map; lift dates follow the policy and the cases.
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError, badRequest, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { policyOn } from '../policies/service.ts';
import type { Scope } from '../units/store.ts';
import { canLift, plannedLiftDate } from '../../../domain/cases/zones.ts';
import { todayInVietnam } from '../imports/service.ts';

export interface ZoneRow {
  id: number;
  name: string;
  kind: 'lockdown' | 'zoned';
  unitCodes: string[];
  unitNames: string[];
  streets: string | null;
  geometry: unknown;
  startDate: string;
  lastCaseDate: string | null;
  plannedLiftDate: string;
  liftedDate: string | null;
  status: 'active' | 'lifted';
  reason: string | null;
  version: number;
  residents: number;
}

const COLS = `z.id, z.name, z.kind, z.unit_codes AS "unitCodes", z.streets, z.geometry, z.start_date AS "startDate", z.last_case_date AS "lastCaseDate",
  z.planned_lift_date AS "plannedLiftDate", z.lifted_date AS "liftedDate", z.status, z.reason, z.version,
  coalesce((SELECT array_agg(u.name ORDER BY u.name) FROM admin_unit u WHERE u.province_code = z.province_code AND u.code = ANY(z.unit_codes)), '{}') AS "unitNames",
  (SELECT count(*)::int FROM person p WHERE p.province_code = z.province_code AND (p.commune_code = ANY(z.unit_codes) OR p.village_code = ANY(z.unit_codes))) AS residents`;

export async function listZones(q: Queryable, scope: Scope, status?: string): Promise<ZoneRow[]> {
  const r = await q.query<ZoneRow>(
    `SELECT ${COLS} FROM zone z WHERE z.province_code = $1 AND z.unit_path LIKE $2 || '%' AND ($3::text IS NULL OR z.status = $3) ORDER BY z.status, z.start_date DESC, z.id DESC`,
    [scope.provinceCode, scope.path, status ?? null],
  );
  return r.rows;
}

export async function getZone(q: Queryable, scope: Scope, id: number): Promise<ZoneRow | null> {
  const r = await q.query<ZoneRow>(`SELECT ${COLS} FROM zone z WHERE z.province_code = $1 AND z.id = $2 AND z.unit_path LIKE $3 || '%'`, [scope.provinceCode, id, scope.path]);
  return r.rows[0] ?? null;
}

/** The longest common path prefix of units: a zone or a cluster belongs to the smallest unit holding them all. */
export function commonPath(paths: string[]): string {
  let prefix = paths[0];
  for (const p of paths) while (!p.startsWith(prefix)) prefix = prefix.slice(0, prefix.slice(0, -1).lastIndexOf('/') + 1);
  return prefix;
}

/** A GeoJSON Polygon or MultiPolygon with closed rings of [lon, lat] inside Viet Nam's bounding box. */
export function validGeometry(g: unknown): boolean {
  if (!g || typeof g !== 'object') return false;
  const { type, coordinates } = g as { type?: string; coordinates?: unknown };
  const ring = (r: unknown) =>
    Array.isArray(r) &&
    r.length >= 4 &&
    r.length <= 5000 &&
    r.every((pt) => Array.isArray(pt) && pt.length >= 2 && Number.isFinite(pt[0]) && Number.isFinite(pt[1]) && pt[0] >= 100 && pt[0] <= 118 && pt[1] >= 6 && pt[1] <= 25) &&
    r[0][0] === r[r.length - 1][0] &&
    r[0][1] === r[r.length - 1][1];
  const polygon = (p: unknown) => Array.isArray(p) && p.length >= 1 && p.length <= 50 && p.every(ring);
  if (type === 'Polygon') return polygon(coordinates);
  if (type === 'MultiPolygon') return Array.isArray(coordinates) && coordinates.length >= 1 && coordinates.length <= 50 && coordinates.every(polygon);
  return false;
}

async function lastCaseIn(q: Queryable, provinceCode: string, unitCodes: string[]): Promise<string | null> {
  const r = await q.query<{ d: string | null }>(
    `SELECT max(c.report_date) AS d FROM case_record c JOIN person p ON p.province_code = c.province_code AND p.id = c.person_id
      WHERE c.province_code = $1 AND (p.commune_code = ANY($2::text[]) OR p.village_code = ANY($2::text[])) AND c.status <> 'discarded'`,
    [provinceCode, unitCodes],
  );
  return r.rows[0]?.d ?? null;
}

async function liftDays(q: Queryable, provinceCode: string, date: string): Promise<number> {
  const p = await policyOn<{ days: number }>(q, provinceCode, 'zones.lift_after_days', date);
  if (!p) throw new AppError(409, 'conflict', [{ field: 'zones.lift_after_days', code: 'no_policy_in_force' }]);
  return p.value.days;
}

export interface ZoneInput {
  name: string;
  kind: 'lockdown' | 'zoned';
  unitCodes: string[];
  streets?: string | null;
  geometry?: unknown;
  startDate: string;
  reason?: string | null;
}

export async function createZone(q: Queryable, req: FastifyRequest, scope: Scope, userId: number, input: ZoneInput) {
  const today = todayInVietnam();
  if (input.startDate > today) throw badRequest([{ field: 'startDate', code: 'in_future' }]);
  if (input.geometry != null && !validGeometry(input.geometry)) throw badRequest([{ field: 'geometry', code: 'invalid_polygon' }]);
  const codes = [...new Set(input.unitCodes)];
  const units = await q.query<{ code: string; path: string; level: string }>(
    `SELECT code, path, level FROM admin_unit WHERE province_code = $1 AND code = ANY($2::text[]) AND path LIKE $3 || '%'`,
    [scope.provinceCode, codes, scope.path],
  );
  const found = new Map(units.rows.map((u) => [u.code, u]));
  const errors = codes.flatMap((c, i) => (!found.has(c) ? [{ field: `unitCodes.${i}`, code: 'unknown' }] : found.get(c)!.level === 'commune' || found.get(c)!.level === 'village' ? [] : [{ field: `unitCodes.${i}`, code: 'not_commune_or_village' }]));
  if (errors.length) throw badRequest(errors);
  const last = await lastCaseIn(q, scope.provinceCode, codes);
  const planned = plannedLiftDate({ startDate: input.startDate, lastCaseDate: last }, await liftDays(q, scope.provinceCode, input.startDate));
  const r = await q.query<{ id: number }>(
    `INSERT INTO zone (province_code, name, kind, unit_path, unit_codes, streets, geometry, start_date, last_case_date, planned_lift_date, reason, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [scope.provinceCode, input.name, input.kind, commonPath(units.rows.map((u) => u.path)), codes, input.streets ?? null, input.geometry == null ? null : JSON.stringify(input.geometry), input.startDate, last, planned, input.reason ?? null, userId],
  );
  await audit(q, req, { action: 'create', entity: 'zone', entityId: r.rows[0].id, details: { name: input.name, units: codes } });
  return (await getZone(q, scope, Number(r.rows[0].id)))!;
}

export async function extendZone(q: Queryable, req: FastifyRequest, scope: Scope, id: number, input: { to: string; reason: string; version: number }) {
  const z = await getZone(q, scope, id);
  if (!z) throw notFound();
  if (z.status !== 'active') throw new AppError(409, 'invalid_state', [{ field: 'status', code: z.status }]);
  if (input.to <= z.plannedLiftDate) throw badRequest([{ field: 'to', code: 'not_after_planned' }]);
  const r = await q.query(`UPDATE zone SET planned_lift_date = $3, reason = $4, version = version + 1 WHERE province_code = $1 AND id = $2 AND version = $5`, [
    scope.provinceCode,
    id,
    input.to,
    input.reason,
    input.version,
  ]);
  if (r.rowCount === 0) throw new AppError(409, 'stale', [{ field: 'version', code: 'stale' }]);
  await audit(q, req, { action: 'update', entity: 'zone', entityId: id, details: { extendedTo: input.to } });
  return (await getZone(q, scope, id))!;
}

export async function liftZone(q: Queryable, req: FastifyRequest, scope: Scope, id: number, input: { date: string; version: number; reason?: string | null }) {
  const z = await getZone(q, scope, id);
  if (!z) throw notFound();
  if (z.status !== 'active') throw new AppError(409, 'invalid_state', [{ field: 'status', code: z.status }]);
  if (input.date > todayInVietnam()) throw badRequest([{ field: 'date', code: 'in_future' }]);
  if (input.date < z.startDate) throw badRequest([{ field: 'date', code: 'before_start' }]);
  if (!canLift(z.plannedLiftDate, input.date) && !input.reason?.trim()) throw badRequest([{ field: 'reason', code: 'required_before_planned_date' }]);
  const r = await q.query(`UPDATE zone SET status = 'lifted', lifted_date = $3, version = version + 1 WHERE province_code = $1 AND id = $2 AND version = $4`, [
    scope.provinceCode,
    id,
    input.date,
    input.version,
  ]);
  if (r.rowCount === 0) throw new AppError(409, 'stale', [{ field: 'version', code: 'stale' }]);
  await audit(q, req, { action: 'update', entity: 'zone', entityId: id, details: { lifted: input.date, reason: input.reason ?? null } });
  return (await getZone(q, scope, id))!;
}

/** A new case in a zone's units pushes its planned lift date (never earlier than an extension). */
export async function noteCaseInZones(q: Queryable, provinceCode: string, person: { communeCode: string; villageCode?: string | null }, reportDate: string) {
  const days = await liftDays(q, provinceCode, reportDate);
  await q.query(
    `UPDATE zone SET last_case_date = greatest(coalesce(last_case_date, $4::date), $4::date),
            planned_lift_date = greatest(planned_lift_date, $4::date + $5::int)
      WHERE province_code = $1 AND status = 'active' AND (unit_codes && ARRAY[$2::text] OR ($3::text IS NOT NULL AND unit_codes && ARRAY[$3::text]))`,
    [provinceCode, person.communeCode, person.villageCode ?? null, reportDate, days],
  );
}

export async function zoneResidents(q: Queryable, scope: Scope, id: number, limit: number, offset: number) {
  const z = await getZone(q, scope, id);
  if (!z) return null;
  const r = await q.query<{ id: number; fullName: string; birthDate: string | null; phone: string | null; address: string | null; villageName: string | null }>(
    `SELECT p.id, p.full_name AS "fullName", p.birth_date AS "birthDate", p.phone, p.address, v.name AS "villageName"
       FROM person p LEFT JOIN admin_unit v ON v.province_code = p.province_code AND v.code = p.village_code
      WHERE p.province_code = $1 AND p.unit_path LIKE $2 || '%' AND (p.commune_code = ANY($3::text[]) OR p.village_code = ANY($3::text[]))
      ORDER BY p.household_id, p.id LIMIT $4 OFFSET $5`,
    [scope.provinceCode, scope.path, z.unitCodes, limit, offset],
  );
  return { zone: z, total: z.residents, items: r.rows };
}
