// The demo's population made in the generator thread (a full province) and in the main thread
// (small demos) is the same: the same people with the same ids, and the same vaccination history
// prepared from them, byte for byte; the ids come from the person sequence, which moves past them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DB_KINDS, createTestDb } from '../helpers/db.ts';
import { SHARED_DATA } from '../helpers/app.ts';
import type { Db } from '../../src/server/db/index.ts';
import { importAdminUnits } from '../../src/server/modules/units/service.ts';
import { ADMIN_UNITS_FILE } from '../../src/server/demo/index.ts';
import { generatePopulation } from '../../src/server/demo/population.ts';
import { readVaccinationInput } from '../../src/server/demo/vaccination.ts';
import { planDemoVaccination, prepareVaccination } from '../../src/server/demo/vaccinationCsv.ts';

const units = JSON.parse(readFileSync(join(SHARED_DATA, ADMIN_UNITS_FILE), 'utf8'));
const ids = {
  lotBase: 1000,
  vaccinatorId: 7,
  team: { id: 9, unitCode: '06184' },
  coverage: { from: '2021-01-01', horizon: '2028-01-05', products: { codes: ['astrazeneca', 'pfizer', 'moderna', 'vero_cell', 'sputnik_v', 'janssen'], doses: [2, 2, 2, 2, 2, 1] } },
};
const today = '2026-12-01';

for (const kind of DB_KINDS) {
  describe(`demo population on ${kind}`, () => {
    const dbs: Db[] = [];
    afterAll(async () => {
      for (const db of dbs) await db.close();
    });

    async function build(useWorker: boolean) {
      const db = await createTestDb(kind);
      dbs.push(db);
      await importAdminUnits(db, units, '20');
      // A person of another province first: the demo's ids start after the sequence's.
      await db.query(`INSERT INTO province (province_code, name) VALUES ('99', 'Thử') ON CONFLICT DO NOTHING`);
      await db.query(`INSERT INTO person (province_code, natural_key, full_name, name_search, commune_code, unit_path) VALUES ('99', 'k1', 'Nguyễn An', 'nguyen an', '00001', '99/')`);
      const pop = await generatePopulation(db, { provinceCode: '20', scale: 0.002, seed: 2021, asOf: today, vaccination: true, useWorker });
      try {
        const prepared = await pop.vaccination!.prepare(ids);
        const people = (await db.query<{ id: number; natural_key: string; birth_date: string; unit_path: string }>(`SELECT id, natural_key, birth_date, unit_path FROM person WHERE province_code = '20' ORDER BY id`)).rows;
        return { db, pop, prepared, people };
      } finally {
        await pop.vaccination!.dispose();
      }
    }

    it('gives the same people and the same prepared history in the worker thread and in this one', async () => {
      const here = await build(false);
      const there = await build(true);
      expect([here.pop.madeIn, there.pop.madeIn]).toEqual(['main', 'worker']);
      expect(there.pop.people).toBe(here.pop.people);
      expect(here.pop.people).toBeGreaterThan(1000);
      expect(there.people).toEqual(here.people);
      expect(there.prepared.counts).toEqual(here.prepared.counts);
      expect(here.prepared.counts.doses).toBeGreaterThan(500);
      expect(Buffer.from(there.prepared.dosesCsv).equals(Buffer.from(here.prepared.dosesCsv))).toBe(true);
      expect(Buffer.from(there.prepared.profilesCsv).equals(Buffer.from(here.prepared.profilesCsv))).toBe(true);
      expect(Buffer.from(there.prepared.visitsCsv).equals(Buffer.from(here.prepared.visitsCsv))).toBe(true);
      expect(here.prepared.coverageCsv!.length).toBeGreaterThan(1000);
      expect(Buffer.from(there.prepared.coverageCsv!).equals(Buffer.from(here.prepared.coverageCsv!))).toBe(true);
      expect(there.prepared.plan).toEqual(here.prepared.plan);

      // The history prepared from the residents as made is the one the database's population gives.
      const input = await readVaccinationInput(here.db, '20');
      const args = { provinceCode: '20', today, seed: 2021, communes: input.communes };
      const fromDb = prepareVaccination(args, planDemoVaccination(args, input.households), ids);
      expect(Buffer.from(fromDb.dosesCsv).equals(Buffer.from(here.prepared.dosesCsv))).toBe(true);
      expect(fromDb.plan).toEqual(here.prepared.plan);
    }, 240_000);

    it('loads an empty table without its secondary indexes and unique constraints, and puts every one back', async () => {
      const db = await createTestDb(kind);
      dbs.push(db);
      await importAdminUnits(db, units, '20');
      const shape = async () =>
        (
          await db.query<{ name: string; def: string }>(
            `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('person', 'household')
             UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid IN (to_regclass('person'), to_regclass('household'))
             ORDER BY 1, 2`,
          )
        ).rows;
      const before = await shape();
      expect(before.some((x) => x.def.startsWith('UNIQUE (province_code, natural_key)'))).toBe(true);
      const pop = await generatePopulation(db, { provinceCode: '20', scale: 0.002, seed: 2021, asOf: today });
      expect(pop.people).toBeGreaterThan(1000);
      expect(await shape()).toEqual(before);
      // The unique key holds again: the same natural key is refused.
      const p = (await db.query<{ natural_key: string }>(`SELECT natural_key FROM person WHERE province_code = '20' LIMIT 1`)).rows[0];
      await expect(db.query(`INSERT INTO person (province_code, natural_key, full_name, name_search, commune_code, unit_path) VALUES ('20', $1, 'A', 'a', '06184', '20/')`, [p.natural_key])).rejects.toThrow();
    }, 120_000);

    it('takes the ids after the sequence and moves it past them', async () => {
      const { db, people } = await build(true);
      const other = (await db.query<{ id: number }>(`SELECT id FROM person WHERE province_code = '99'`)).rows[0].id;
      expect(people[0].id).toBeGreaterThan(other);
      expect(people.at(-1)!.id - people[0].id).toBe(people.length - 1);
      const next = await db.query<{ id: number }>(`INSERT INTO person (province_code, natural_key, full_name, name_search, commune_code, unit_path) VALUES ('99', 'k2', 'Lê Bình', 'le binh', '00001', '99/') RETURNING id`);
      expect(next.rows[0].id).toBeGreaterThan(people.at(-1)!.id);
    });
  });
}
