// Dated policy versions: seeding defaults, reading the version in force, adding a new version.
import { Value } from 'typebox/value';
import type { Queryable } from '../../db/index.ts';
import { badRequest, notFound } from '../../errors.ts';
import { POLICY_DEFINITIONS, policyDefinition } from '../../../domain/policies/defaults.ts';
import { parseCalendarDate } from '../../../domain/people/normalize.ts';
import { planNewVersion, versionOn, type PolicyVersion } from '../../../domain/policies/registry.ts';

const COLS = `key, version, effective_from AS "effectiveFrom", effective_to AS "effectiveTo", value, source, note`;

export async function seedDefaultPolicies(q: Queryable, provinceCode: string) {
  for (const def of POLICY_DEFINITIONS) {
    const defaults = [...def.defaults].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    for (let i = 0; i < defaults.length; i++) {
      const d = defaults[i];
      const to = d.effectiveTo ?? defaults[i + 1]?.effectiveFrom ?? null;
      await q.query(
        `INSERT INTO policy_version (province_code, key, version, effective_from, effective_to, value, source, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
        [provinceCode, def.key, i + 1, d.effectiveFrom, to, JSON.stringify(d.value), d.source, d.note ?? null],
      );
    }
  }
}

export async function listVersions(q: Queryable, provinceCode: string, key?: string): Promise<PolicyVersion[]> {
  const r = await q.query<PolicyVersion>(
    `SELECT ${COLS} FROM policy_version WHERE province_code = $1 AND ($2::text IS NULL OR key = $2) ORDER BY key, version`,
    [provinceCode, key ?? null],
  );
  return r.rows;
}

/** The version of a policy in force on a date (YYYY-MM-DD); other areas read their rules through this. */
export async function policyOn<T = unknown>(q: Queryable, provinceCode: string, key: string, date: string): Promise<(PolicyVersion & { value: T }) | null> {
  return versionOn(await listVersions(q, provinceCode, key), date) as (PolicyVersion & { value: T }) | null;
}

export async function addVersion(
  q: Queryable,
  provinceCode: string,
  key: string,
  input: { effectiveFrom: string; value: unknown; source: string; note?: string },
  userId: number,
): Promise<PolicyVersion> {
  const def = policyDefinition(key);
  if (!def) throw notFound();
  if (parseCalendarDate(input.effectiveFrom) !== input.effectiveFrom) throw badRequest([{ field: 'effectiveFrom', code: 'invalid_date' }]);
  if (!Value.Check(def.schema, input.value)) {
    const fields = [...Value.Errors(def.schema, input.value)].slice(0, 20).map((e) => ({
      field: 'value' + (e.instancePath || '').replace(/\//g, '.'),
      code: e.keyword,
      message: e.message,
    }));
    throw badRequest(fields);
  }
  await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [provinceCode + ':' + key]);
  const existing = await listVersions(q, provinceCode, key);
  const plan = planNewVersion(existing, input.effectiveFrom);
  if (!plan.ok) throw badRequest([{ field: 'effectiveFrom', code: plan.reason }]);
  if (plan.close) {
    await q.query('UPDATE policy_version SET effective_to = $4 WHERE province_code = $1 AND key = $2 AND version = $3', [provinceCode, key, plan.close.version, input.effectiveFrom]);
  }
  const r = await q.query<PolicyVersion>(
    `INSERT INTO policy_version (province_code, key, version, effective_from, value, source, note, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLS}`,
    [provinceCode, key, plan.version, input.effectiveFrom, JSON.stringify(input.value), input.source, input.note ?? null, userId],
  );
  return r.rows[0];
}
