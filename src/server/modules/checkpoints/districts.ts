// The country's districts (gso_district, migration 012) for the declaration form: written from the
// national units file when the deployment's province is imported (units/service.ts), read by the
// public form when a traveller names the province they came from.
import type { Queryable } from '../../db/index.ts';
import { gsoDistricts } from '../../../domain/checkpoints/districts.ts';

/** Replaces the stored districts of every province the file has (a file of one province touches that one only). */
export async function storeGsoDistricts(q: Queryable, doc: unknown): Promise<number> {
  const all = gsoDistricts(doc);
  const provinces = [...new Set(all.map((d) => d.provinceCode))];
  if (!provinces.length) return 0;
  await q.query(`DELETE FROM gso_district WHERE province_code = ANY($1::text[])`, [provinces]);
  await q.query(
    `INSERT INTO gso_district (province_code, code, name) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
    [all.map((d) => d.provinceCode), all.map((d) => d.code), all.map((d) => d.name)],
  );
  return all.length;
}

export async function districtsOf(q: Queryable, provinceCode: string): Promise<{ code: string; name: string }[]> {
  const r = await q.query<{ code: string; name: string }>(`SELECT code, name FROM gso_district WHERE province_code = $1`, [provinceCode]);
  const coll = new Intl.Collator('vi');
  return r.rows.sort((a, b) => coll.compare(a.name, b.name));
}

export async function districtName(q: Queryable, provinceCode: string, code: string): Promise<string | null> {
  const r = await q.query<{ name: string }>(`SELECT name FROM gso_district WHERE province_code = $1 AND code = $2`, [provinceCode, code]);
  return r.rows[0]?.name ?? null;
}
