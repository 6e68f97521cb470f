// The schedule engine and the dose checks at registry scale, and the status service other parts
// read (sweep lists, certificates, cases):
//   - checkDose for 1,000,000 dose rows (what the import does row by row);
//   - scheduleStatus for 1,000,000 people;
//   - vaccinationStatusOf for a commune of 20,000 people with 50,000 doses, on PGlite and (with
//     BENCH_DATABASE_URL) PostgreSQL: one query and the engine; target well under the sweep
//     list's 300 ms.
//   npx tsx bench/vaccination-schedule.bench.ts
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { openDb, type Db } from '../src/server/db/index.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { seedDefaultPolicies } from '../src/server/modules/policies/service.ts';
import { vaccinationStatusOf } from '../src/server/modules/vaccination/status.ts';
import { loadVaccinationPolicies } from '../src/server/modules/vaccination/policies.ts';
import { checkDose } from '../src/domain/vaccination/doses.ts';
import { policiesOn, scheduleStatus } from '../src/domain/vaccination/schedule.ts';
import { BOOSTERS_DEFAULTS, PRODUCTS_DEFAULTS } from '../src/domain/vaccination/policies.ts';
import type { DoseFact } from '../src/domain/vaccination/types.ts';

const N = 1_000_000;
const PEOPLE = 20_000;
const versions = { products: PRODUCTS_DEFAULTS, boosters: BOOSTERS_DEFAULTS };
const load = () => os.loadavg()[0].toFixed(2);

function pure() {
  const byDate = new Map<string, ReturnType<typeof policiesOn>>();
  const pol = (d: string) => byDate.get(d) ?? (byDate.set(d, policiesOn(versions, d)), byDate.get(d)!);
  const d1: DoseFact = { kind: 'primary_1', productCode: 'pfizer', givenOn: '2021-08-01' };
  const d2: DoseFact = { kind: 'primary_2', productCode: 'pfizer', givenOn: '2021-08-22' };
  let t0 = performance.now();
  let errors = 0;
  for (let i = 0; i < N; i++) {
    const day = `2022-01-${String(1 + (i % 28)).padStart(2, '0')}`;
    const r = checkDose({ birthDate: '1980-05-10', existing: [d1, d2], dose: { kind: 'booster_1', productCode: 'moderna', givenOn: day }, today: '2022-07-01' }, pol(day));
    errors += r.errors.length;
  }
  const check = performance.now() - t0;
  console.log(`FIGURE vaccination.check_dose_1m ${(check / 1000).toFixed(2)} s for ${N.toLocaleString('en')} rows (${errors} refused; load ${load()})`);
  const p = policiesOn(versions, '2022-07-01')!;
  t0 = performance.now();
  let due = 0;
  for (let i = 0; i < N; i++) {
    const s = scheduleStatus({ birthDate: `19${50 + (i % 50)}-03-01`, doses: i % 3 === 0 ? [d1] : [d1, d2], on: '2022-07-01' }, p.products, p.boosters);
    if (s.state === 'overdue' || s.state === 'due') due++;
  }
  const sched = performance.now() - t0;
  console.log(`FIGURE vaccination.schedule_status_1m ${(sched / 1000).toFixed(2)} s for ${N.toLocaleString('en')} people (${due} due or overdue; load ${load()})`);
}

async function service(kind: string, db: Db) {
  await migrate(db);
  await db.query(`INSERT INTO province (province_code, name) VALUES ('99', 'Bench') ON CONFLICT DO NOTHING`);
  await db.tx((q) => seedDefaultPolicies(q, '99'));
  await db.query(
    `INSERT INTO person (province_code, natural_key, full_name, name_search, birth_date, commune_code, unit_path)
     SELECT '99', 'b' || g, 'Người ' || g, 'nguoi ' || g, date '1950-01-01' + (g % 20000), 'C1', '99/D1/C1/' FROM generate_series(1, ${PEOPLE}) g`,
  );
  await db.query(
    `INSERT INTO vaccine_dose (province_code, person_id, unit_path, commune_code, product_code, lot_id, dose_kind, given_on)
     SELECT '99', p.id, p.unit_path, 'C1', 'pfizer', 1, k.kind, date '2021-08-01' + k.off + (p.id % 30)::int
       FROM person p CROSS JOIN (VALUES ('primary_1', 0), ('primary_2', 21), ('booster_1', 140)) AS k(kind, off)
      WHERE p.province_code = '99' AND (k.kind = 'primary_1' OR (k.kind = 'primary_2' AND p.id % 10 <> 0) OR (k.kind = 'booster_1' AND p.id % 2 = 0))`,
  );
  await db.query('ANALYZE person').catch(() => undefined);
  await db.query('ANALYZE vaccine_dose').catch(() => undefined);
  const ids = (await db.query<{ id: number }>(`SELECT id FROM person WHERE province_code = '99'`)).rows.map((r) => Number(r.id));
  const doses = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM vaccine_dose WHERE province_code = '99'`)).rows[0].n;
  const policies = await loadVaccinationPolicies(db, '99', '2022-07-01');
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const m = await vaccinationStatusOf(db, '99', ids, '2022-07-01', policies);
    times.push(performance.now() - t0);
    if (m.size !== PEOPLE) throw new Error('missing people');
  }
  times.sort((a, b) => a - b);
  console.log(`FIGURE vaccination.status_of_commune.${kind} ${times[2].toFixed(0)} ms median of 5, max ${times[4].toFixed(0)} ms (${PEOPLE.toLocaleString('en')} people, ${doses.toLocaleString('en')} doses; load ${load()})`);
}

pure();
await service('pglite', await openDb({ memory: true })).then(() => undefined);
const adminUrl = process.env.BENCH_DATABASE_URL;
if (adminUrl) {
  const name = `chongdich_bench_vsched_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = '/' + name;
  const db = await openDb({ databaseUrl: url.toString() });
  try {
    await service('postgres', db);
  } finally {
    await db.close();
    await admin.query(`DROP DATABASE ${name}`);
    await admin.end();
  }
}
