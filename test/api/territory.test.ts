// Territory import on every database: GSO units (3-level and 2-level), boundaries with mismatches
// reported (Thanh Hóa has 27 polygons for 26 districts), idempotent re-import, bad files refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, DB_KINDS } from '../helpers/db.ts';
import { SHARED_DATA } from '../helpers/app.ts';
import { importAdminUnits, importBoundaries } from '../../src/server/modules/units/service.ts';
import { UnitFormatError } from '../../src/domain/units/tree.ts';
import type { Db } from '../../src/server/db/index.ts';

const units = JSON.parse(readFileSync(join(SHARED_DATA, 'admin-units/dvhcvn-2025-03-01.json'), 'utf8'));
const geo38 = JSON.parse(readFileSync(join(SHARED_DATA, 'geo/38.json'), 'utf8'));

for (const kind of DB_KINDS) {
  describe(`territory import on ${kind}`, () => {
    let db: Db;
    beforeAll(async () => {
      db = await createTestDb(kind);
    });
    afterAll(async () => db?.close());

    it('imports Thanh Hóa with 26 districts and every commune, then changes nothing on re-import', async () => {
      const first = await importAdminUnits(db, units, '38');
      expect(first).toMatchObject({ districts: 26, communes: 549, inserted: 576, updated: 0 });
      const again = await importAdminUnits(db, units, '38');
      expect(again).toMatchObject({ inserted: 0, updated: 0 });
      const policies = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM policy_version WHERE province_code = '38'`);
      expect(policies.rows[0].n).toBeGreaterThan(0);
    });

    it('imports 26 boundaries and reports the 27th polygon that matches no unit, without failing', async () => {
      const r = await importBoundaries(db, geo38, '38', 'geo/38.json');
      expect(r.imported).toBe(26);
      expect(r.unknownBoundaries).toEqual([{ unitCode: '405', name: 'Huyện Đông Sơn' }]);
      expect(r.unitsWithoutBoundary).toEqual([]);
      const stored = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM admin_boundary WHERE province_code = '38'`);
      expect(stored.rows[0].n).toBe(26);
    });

    it('supports the two-level structure (province → commune, from 7/2025)', async () => {
      const twoLevel = { level1_id: '96', name: 'Tỉnh Thử Nghiệm', level3s: [{ level3_id: '99001', name: 'Xã Một' }, { level3_id: '99002', name: 'Phường Hai', type: 'Phường' }] };
      const r = await importAdminUnits(db, twoLevel, '96');
      expect(r).toMatchObject({ districts: 0, communes: 2 });
      const rows = await db.query<{ code: string; path: string; level: string }>(`SELECT code, path, level FROM admin_unit WHERE province_code = '96' ORDER BY path`);
      expect(rows.rows).toEqual([
        { code: '96', path: '96/', level: 'province' },
        { code: '99001', path: '96/99001/', level: 'commune' },
        { code: '99002', path: '96/99002/', level: 'commune' },
      ]);
    });

    it('refuses malformed files and writes nothing', async () => {
      const before = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_unit');
      await expect(importAdminUnits(db, { data: [] }, '38')).rejects.toThrow(UnitFormatError);
      await expect(importAdminUnits(db, units, '99')).rejects.toThrow(UnitFormatError);
      await expect(importBoundaries(db, { type: 'FeatureCollection', features: [{ properties: { code: '380' }, geometry: { type: 'LineString', coordinates: [] } }] }, '38', 'x')).rejects.toThrow(UnitFormatError);
      const after = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_unit');
      expect(after.rows).toEqual(before.rows);
    });
  });
}
