// The districts of every province of the country, read from the national GSO units file (dvhcvn)
// the deployment imports its own province from: a traveller who came from another province can name
// the district, which the province's list of level 3–4 areas may name (declarations.high_risk_areas).
// The two-level structure (from 1/7/2025) has no districts: the list is then empty.
import { normalizeName } from '../people/normalize.ts';
import { gsoProvinces } from '../units/tree.ts';

export interface GsoDistrict {
  provinceCode: string;
  code: string;
  name: string;
}

/** Every district with a well-formed GSO code (2-digit province, 3-digit district), in the file's order; duplicates once. */
export function gsoDistricts(doc: unknown): GsoDistrict[] {
  const out: GsoDistrict[] = [];
  const seen = new Set<string>();
  for (const p of gsoProvinces(doc)) {
    if (!/^[0-9]{2}$/.test(p.level1_id)) continue;
    for (const d of p.level2s ?? []) {
      if (typeof d?.level2_id !== 'string' || !/^[0-9]{3}$/.test(d.level2_id) || typeof d.name !== 'string' || !d.name.trim()) continue;
      const k = `${p.level1_id}|${d.level2_id}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ provinceCode: p.level1_id, code: d.level2_id, name: normalizeName(d.name) });
    }
  }
  return out;
}
