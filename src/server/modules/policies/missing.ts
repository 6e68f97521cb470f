// Default versions of policies a province has no version of yet: a database made before an area
// existed gets that area's defaults on start (only for keys without any version, so nothing an
// administrator set is touched). Each area calls it from its plugin's onReady hook with its keys.
import type { Queryable } from '../../db/index.ts';
import { policyDefinition } from '../../../domain/policies/defaults.ts';

export async function seedMissingPolicies(q: Queryable, keys: string[]) {
  const missing = await q.query<{ province: string; key: string }>(
    `SELECT p.province_code AS province, k.key FROM province p CROSS JOIN unnest($1::text[]) AS k(key)
      WHERE NOT EXISTS (SELECT 1 FROM policy_version v WHERE v.province_code = p.province_code AND v.key = k.key)`,
    [keys],
  );
  for (const m of missing.rows) {
    const def = policyDefinition(m.key);
    if (!def) continue;
    const defaults = [...def.defaults].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    for (const [i, d] of defaults.entries()) {
      await q.query(
        `INSERT INTO policy_version (province_code, key, version, effective_from, effective_to, value, source, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
        [m.province, m.key, i + 1, d.effectiveFrom, d.effectiveTo ?? defaults[i + 1]?.effectiveFrom ?? null, JSON.stringify(d.value), d.source, d.note ?? null],
      );
    }
  }
}
