// Shared pieces of the testing area: policy lookups, unit filters, dates in Viet Nam, errors.
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError, notFound } from '../../errors.ts';
import { policyOn } from '../policies/service.ts';
import { getUnit, type Scope, type UnitRow } from '../units/store.ts';
import { provinceRootPath } from '../imports/store.ts';
import { todayInVietnam } from '../imports/service.ts';

export interface Actor {
  id: number;
  username: string;
}

export const actorOf = (req: FastifyRequest): Actor => ({ id: req.user!.id, username: req.user!.username });

export { todayInVietnam };

/** The calendar day in Viet Nam of an instant. */
export const dayInVietnam = (at: Date | string) => todayInVietnam(typeof at === 'string' ? new Date(at) : at);

export async function policy<T>(q: Queryable, provinceCode: string, key: string, date: string) {
  const p = await policyOn<T>(q, provinceCode, key, date);
  if (!p) throw new AppError(409, 'conflict', [{ field: key, code: 'no_policy_in_force' }]);
  return p;
}

export const fieldError = (status: 400 | 404 | 409 | 422, field: string, code: string, message?: string) =>
  new AppError(status, status === 400 ? 'validation' : status === 404 ? 'not_found' : status === 409 ? 'conflict' : 'validation', [{ field, code, ...(message ? { message } : {}) }]);

/** A unit inside the caller's jurisdiction, or 404. */
export async function unitIn(q: Queryable, scope: Scope, code: string): Promise<UnitRow> {
  const u = await getUnit(q, scope, code);
  if (!u) throw notFound();
  return u;
}

/** The whole province (for reads that are not personal, like labs, zones for area risk). */
export async function provinceScope(q: Queryable, provinceCode: string): Promise<Scope> {
  return { provinceCode, path: (await provinceRootPath(q, provinceCode)) ?? `${provinceCode}/` };
}

/** The commune a unit path belongs to: the unit itself when it is a commune or above, else its commune. */
export async function communeOfPath(q: Queryable, provinceCode: string, path: string): Promise<{ code: string; path: string }> {
  const r = await q.query<{ code: string; path: string; level: string }>(
    `SELECT code, path, level FROM admin_unit WHERE province_code = $1 AND $2 LIKE path || '%' AND level IN ('commune', 'district', 'province') ORDER BY depth DESC LIMIT 1`,
    [provinceCode, path],
  );
  const u = r.rows[0];
  return u ? { code: u.code, path: u.path } : { code: path.split('/').filter(Boolean).pop() ?? provinceCode, path };
}

export const iso = (d: unknown): string | null => (d == null ? null : d instanceof Date ? d.toISOString() : new Date(String(d)).toISOString());

/** Runs fn inside a savepoint: an error rolls back only what fn did. */
export async function savepoint<T>(q: Queryable, name: string, fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  await q.query(`SAVEPOINT ${name}`);
  try {
    const value = await fn();
    await q.query(`RELEASE SAVEPOINT ${name}`);
    return { ok: true, value };
  } catch (error) {
    await q.query(`ROLLBACK TO SAVEPOINT ${name}`);
    return { ok: false, error };
  }
}
