// Setting up a province's territory: units from the GSO format, boundaries from the geo format or GeoJSON.
import type { Db } from '../../db/index.ts';
import { boundariesFrom, gsoProvinces, reconcile, unitsFromGso, type Reconciliation } from '../../../domain/units/tree.ts';
import { seedDefaultPolicies } from '../policies/service.ts';
import * as store from './store.ts';
import { storeGsoDistricts } from '../checkpoints/districts.ts';

export async function importAdminUnits(db: Db, doc: unknown, provinceCode: string) {
  const units = unitsFromGso(doc, provinceCode);
  const province = gsoProvinces(doc).find((p) => p.level1_id === provinceCode)!;
  return db.tx(async (q) => {
    await q.query(
      `INSERT INTO province (province_code, name) VALUES ($1, $2) ON CONFLICT (province_code) DO UPDATE SET name = EXCLUDED.name`,
      [provinceCode, units[0].name],
    );
    const r = await store.upsertUnits(q, provinceCode, units);
    await seedDefaultPolicies(q, provinceCode);
    // The country's districts, for the health declaration form (a traveller from another province names the district).
    await storeGsoDistricts(q, doc);
    return {
      province: { code: provinceCode, name: province.name },
      districts: units.filter((u) => u.level === 'district').length,
      communes: units.filter((u) => u.level === 'commune').length,
      ...r,
    };
  });
}

export async function importBoundaries(db: Db, doc: unknown, provinceCode: string, source: string): Promise<Reconciliation & { imported: number }> {
  const boundaries = boundariesFrom(doc);
  return db.tx(async (q) => {
    const rows = await q.query<{ code: string; parent_code: string | null; level: string; path: string; name: string; depth: number }>(
      'SELECT code, parent_code, level, path, name, depth FROM admin_unit WHERE province_code = $1',
      [provinceCode],
    );
    const units = rows.rows.map((r) => ({ code: r.code, parentCode: r.parent_code, level: r.level as 'district', type: null, name: r.name, nameSearch: '', path: r.path, depth: r.depth }));
    const rec = reconcile(units, boundaries);
    const keep = new Set(rec.matched);
    await store.upsertBoundaries(q, provinceCode, boundaries.filter((b) => keep.has(b.unitCode)), source);
    return { ...rec, imported: keep.size };
  });
}
