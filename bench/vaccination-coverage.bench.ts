// Vaccination coverage and sweep-list figures (issue 5), through the services the API routes call:
// 1. Coverage of every unit of Thanh Hóa (province 38: the province, its districts and every
//    commune, each by age group and dose) on a date, from the daily facts — target < 1 s.
// 2. The sweep list of a commune of 20,000 people — target < 300 ms.
// Also: the full rebuild of the facts, and the refresh a dose write does (one commune, from today).
// PostgreSQL only, in the database `chongdich_bench_vaccination_38` (real units from the shared
// data, 3.6 million synthetic people spread over the communes with a 2021–2022-like history of
// doses, one commune grown to 20,000 people; built once, reused by later runs).
//   BENCH_DATABASE_URL='postgresql://root@localhost/postgres?host=/var/run/postgresql' npx tsx bench/vaccination-coverage.bench.ts
// BENCH_VACC_PEOPLE (3,600,000) changes the registry; BENCH_VACC_REBUILD=1 builds the database again;
// BENCH_VACC_ONLY=sweep measures the sweep list alone.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDb, type Db } from '../src/server/db/index.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { importAdminUnits } from '../src/server/modules/units/service.ts';
import { seedMissingPolicies } from '../src/server/modules/policies/missing.ts';
import { rebuildCoverage, refreshCoverage } from '../src/server/modules/vaccination/coverageFacts.ts';
import { coverageReport, factsUnder } from '../src/server/modules/vaccination/coverage.ts';
import { sweepList, sweepUnit } from '../src/server/modules/vaccination/sweep.ts';
import { todayInVietnam } from '../src/server/modules/imports/service.ts';

const SHARED = process.env.SHARED_DATA_DIR ?? new URL('../../shared/data', import.meta.url).pathname;
const PEOPLE = Number(process.env.BENCH_VACC_PEOPLE ?? 3_600_000);
const BIG_COMMUNE = 20_000;
const DB_NAME = 'chongdich_bench_vaccination_38';
const PC = '38';
const adminUrl = process.env.BENCH_DATABASE_URL;
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
const secs = (t0: number) => (performance.now() - t0) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function adminQuery(sql: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await c.query(sql, params);
  } finally {
    await c.end();
  }
}

function dbUrl(name: string) {
  const u = new URL(adminUrl!);
  u.pathname = '/' + name;
  return u.toString();
}

/** People over the communes (ids in order), then 20,000 more in the first commune, with their households and a history of doses. */
async function build(db: Db) {
  const t0 = performance.now();
  await migrate(db);
  await importAdminUnits(db, JSON.parse(readFileSync(join(SHARED, 'admin-units/dvhcvn-2025-03-01.json'), 'utf8')), PC);
  await seedMissingPolicies(db, ['vaccination.products', 'vaccination.boosters']);
  const secondary = ['person_phone', 'person_household', 'person_unit', 'person_name_prefix', 'person_name_short', 'person_name_rev', 'person_name_trgm'];
  const defs = await db.query<{ def: string }>(`SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'person' AND indexname = ANY($1::text[])`, [secondary]);
  for (const i of secondary) await db.exec(`DROP INDEX IF EXISTS ${i}`);
  const communes = `(SELECT row_number() OVER (ORDER BY code) - 1 AS k, code, path FROM admin_unit WHERE province_code = '${PC}' AND level = 'commune')`;
  const ncommunes = `(SELECT count(*) FROM admin_unit WHERE province_code = '${PC}' AND level = 'commune')`;
  const step = 500_000;
  for (let from = 1; from <= PEOPLE; from += step) {
    const to = Math.min(PEOPLE, from + step - 1);
    await db.exec(`
      INSERT INTO person (province_code, natural_key, full_name, name_search, birth_date, sex, commune_code, unit_path, household_id, address)
      SELECT '${PC}', 'vb-' || g, 'Người ' || g, 'nguoi ' || md5(g::text), date '1935-01-01' + (g::bigint * 7919 % 31000)::int, CASE WHEN g % 2 = 0 THEN 'M' ELSE 'F' END,
             c.code, c.path, 'HH' || (g / 4), 'Số ' || (g / 4 % 300 + 1) || ' thôn ' || (g % 12 + 1)
        FROM generate_series(${from}, ${to}) g JOIN ${communes} c ON c.k = g % ${ncommunes}`);
    console.log(`  people ${to.toLocaleString('en')} (${secs(t0).toFixed(0)} s)`);
  }
  await db.exec(`
    INSERT INTO person (province_code, natural_key, full_name, name_search, birth_date, sex, commune_code, unit_path, household_id, address)
    SELECT '${PC}', 'vbig-' || g, 'Người lớn ' || g, 'nguoi lon ' || md5(g::text), date '1935-01-01' + (g::bigint * 7919 % 31000)::int, CASE WHEN g % 2 = 0 THEN 'M' ELSE 'F' END,
           c.code, c.path, 'BIG' || (g / 4), 'Số ' || (g / 4 % 400 + 1) || ' ngõ ' || (g % 20 + 1)
      FROM generate_series(1, ${BIG_COMMUNE}) g JOIN ${communes} c ON c.k = 0`);
  for (const d of defs.rows) await db.exec(d.def);
  await db.exec(`INSERT INTO household (province_code, household_id, commune_code, unit_path, address) SELECT DISTINCT ON (household_id) province_code, household_id, commune_code, unit_path, address FROM person WHERE province_code = '${PC}' ORDER BY household_id, id`);
  const lot = await db.query<{ id: number }>(`INSERT INTO vaccine_lot (province_code, product_code, lot_number, doses_received) VALUES ('${PC}', 'astrazeneca', 'BENCH-AZ', 10000000) RETURNING id`);
  const booster = await db.query<{ id: number }>(`INSERT INTO vaccine_lot (province_code, product_code, lot_number, doses_received) VALUES ('${PC}', 'pfizer', 'BENCH-PF', 10000000) RETURNING id`);
  // Adults and teenagers: 85 % a first dose from mid-2021 (coverage differs by commune), 90 % of them a second
  // after 10 weeks, half of those a booster in 2022; the first commune (the big one) is behind.
  await db.exec(`
    CREATE TEMP TABLE bench_dose AS
      SELECT p.id, p.unit_path, p.commune_code, date '2021-07-01' + (p.id * 37 % 150)::int AS d1, p.id % 100 AS r, (hashtext(p.commune_code) & 15) AS cr
        FROM person p WHERE p.province_code = '${PC}' AND p.birth_date < date '2009-06-01';
    INSERT INTO vaccine_dose (province_code, person_id, unit_path, commune_code, product_code, lot_id, dose_kind, given_on, source)
      SELECT '${PC}', id, unit_path, commune_code, 'astrazeneca', ${lot.rows[0].id}, 'primary_1', d1, 'demo' FROM bench_dose WHERE r < CASE WHEN commune_code = (SELECT code FROM ${communes} c WHERE c.k = 0) THEN 40 ELSE 70 + cr END;
    INSERT INTO vaccine_dose (province_code, person_id, unit_path, commune_code, product_code, lot_id, dose_kind, given_on, source)
      SELECT '${PC}', b.id, b.unit_path, b.commune_code, 'astrazeneca', ${lot.rows[0].id}, 'primary_2', b.d1 + 70, 'demo' FROM bench_dose b
       WHERE b.r < 63 + b.cr AND EXISTS (SELECT 1 FROM vaccine_dose d WHERE d.province_code = '${PC}' AND d.person_id = b.id);
    INSERT INTO vaccine_dose (province_code, person_id, unit_path, commune_code, product_code, lot_id, dose_kind, given_on, source)
      SELECT '${PC}', b.id, b.unit_path, b.commune_code, 'pfizer', ${booster.rows[0].id}, 'booster_1', b.d1 + 250, 'demo' FROM bench_dose b
       WHERE b.r < 35 + b.cr AND EXISTS (SELECT 1 FROM vaccine_dose d WHERE d.province_code = '${PC}' AND d.person_id = b.id AND d.dose_kind = 'primary_2');
    ANALYZE;`);
  const n = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM vaccine_dose WHERE province_code = '${PC}'`);
  console.log(`  ${n.rows[0].n.toLocaleString('en')} doses (${secs(t0).toFixed(0)} s)`);
  const tr = performance.now();
  await db.tx((q) => rebuildCoverage(q, PC, { onProgress: (d, t) => d % 100 === 0 && console.log(`  coverage facts ${d}/${t} communes (${secs(tr).toFixed(0)} s)`) }));
  await db.exec('ANALYZE vaccination_coverage_daily');
  const rebuild = secs(tr);
  await db.query(`CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text)`);
  await db.query(`INSERT INTO bench_meta VALUES ('rebuild_s', $1), ('built_on', $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [rebuild.toFixed(1), todayInVietnam()]);
  console.log(`built in ${secs(t0).toFixed(0)} s (coverage facts rebuilt in ${rebuild.toFixed(1)} s)`);
}

async function main() {
  if (!adminUrl) {
    console.log('BENCH_DATABASE_URL is not set: the vaccination coverage benchmark runs on PostgreSQL only (skipped)');
    return;
  }
  const exists = (await adminQuery(`SELECT 1 FROM pg_database WHERE datname = $1`, [DB_NAME])).rowCount;
  if (exists && process.env.BENCH_VACC_REBUILD === '1') await adminQuery(`DROP DATABASE ${DB_NAME} WITH (FORCE)`);
  if (!exists || process.env.BENCH_VACC_REBUILD === '1') await adminQuery(`CREATE DATABASE ${DB_NAME}`);
  const db = await openDb({ databaseUrl: dbUrl(DB_NAME) });
  try {
    const built = !exists || process.env.BENCH_VACC_REBUILD === '1' ? false : (await db.query(`SELECT 1 FROM pg_tables WHERE tablename = 'bench_meta'`)).rowCount > 0;
    if (!built) await build(db);
    else await migrate(db);
    const people = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM person WHERE province_code = $1`, [PC])).rows[0].n;
    const facts = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM vaccination_coverage_daily WHERE province_code = $1`, [PC])).rows[0].n;
    const units = await db.query<{ code: string; name: string; level: string; path: string }>(`SELECT code, name, level, path FROM admin_unit WHERE province_code = $1 AND level <> 'village' ORDER BY path`, [PC]);
    const province = units.rows.find((u) => u.level === 'province')!;
    const scope = { provinceCode: PC, path: province.path };
    console.log(`registry: ${people.toLocaleString('en')} people, ${units.rows.length} units, ${facts.toLocaleString('en')} fact rows; load ${load()}`);
    const today = todayInVietnam();
    const days = ['2021-09-30', '2022-01-23', '2022-06-30', today];

    if (process.env.BENCH_VACC_ONLY !== 'sweep') {
      // 1. Every unit (province, districts, communes) by age group and dose, on a date.
      const every: number[] = [];
      for (let round = 0; round < 3; round++) {
        for (const day of days) {
          const t0 = performance.now();
          const m = await factsUnder(db, PC, units.rows.map((u) => u.path), day);
          every.push(performance.now() - t0);
          if (m.size !== units.rows.length) throw new Error('a unit is missing');
        }
      }
      const pv = (await factsUnder(db, PC, [province.path], '2022-01-23')).get(province.path)!;
      console.log(`  province on 23/01/2022: 18+ ${pv['18+'].population.toLocaleString('en')} people, ${((100 * pv['18+'].atLeastOne) / pv['18+'].population).toFixed(1)} % one dose, ${((100 * pv['18+'].fully) / pv['18+'].population).toFixed(1)} % fully`);
      const report: number[] = [];
      for (const day of days) {
        const t0 = performance.now();
        await coverageReport(db, scope, province, day, false);
        report.push(performance.now() - t0);
      }
      console.log(`FIGURE vaccination_coverage_every_unit_ms_postgres: ${median(every).toFixed(0)} ms median (max ${Math.max(...every).toFixed(0)}) of ${every.length}, ${units.rows.length} units × 6 groups × 4 measures on a date, ${people.toLocaleString('en')} people (target < 1000); load ${load()}`);
      console.log(`FIGURE vaccination_coverage_province_page_ms_postgres: ${median(report).toFixed(0)} ms median of ${report.length}, the province with its districts (GET /api/vaccination/coverage) (no target)`);

      // The refresh a dose write does: one commune, from today.
      const big = units.rows.find((u) => u.level === 'commune' && u.code === (units.rows.filter((x) => x.level === 'commune').map((x) => x.code).sort()[0]))!;
      const avg = units.rows.filter((u) => u.level === 'commune')[100];
      for (const [label, c] of [['avg', avg], ['big', big]] as const) {
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          const t0 = performance.now();
          await db.tx((q) => refreshCoverage(q, PC, [c.code], today));
          times.push(performance.now() - t0);
        }
        const n = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM person WHERE province_code = $1 AND commune_code = $2`, [PC, c.code])).rows[0].n;
        console.log(`FIGURE vaccination_coverage_refresh_dose_write_${label}_ms_postgres: ${median(times).toFixed(0)} ms median of 5, one commune of ${n.toLocaleString('en')} people from today (a dose write's refresh) (no target)`);
      }
      const back: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        await db.tx((q) => refreshCoverage(q, PC, [avg.code], '2021-07-01'));
        back.push(performance.now() - t0);
      }
      console.log(`FIGURE vaccination_coverage_refresh_from_2021_avg_ms_postgres: ${median(back).toFixed(0)} ms median of 3, one commune from 1/7/2021 (a back-dated dose) (no target)`);
      const rebuildS = (await db.query<{ value: string }>(`SELECT value FROM bench_meta WHERE key = 'rebuild_s'`)).rows[0]?.value;
      console.log(`FIGURE vaccination_coverage_rebuild_s_postgres: ${rebuildS} s, every commune from the doses when the database was built (no target)`);
    }

    // 2. The sweep list of the commune whose size is closest to 20,000 (its size is printed).
    const near = (
      await db.query<{ code: string; n: number }>(
        `SELECT commune_code AS code, count(*)::int AS n FROM person WHERE province_code = $1 GROUP BY 1 ORDER BY abs(count(*) - ${BIG_COMMUNE}), 1 LIMIT 1`,
        [PC],
      )
    ).rows[0];
    const unit = await sweepUnit(db, scope, near.code);
    const sweep: number[] = [];
    const cpu: number[] = [];
    const json: number[] = [];
    let listed = 0;
    let bytes = 0;
    const loadBefore = load();
    for (let i = 0; i < 7; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const l = await sweepList(db, PC, unit);
      sweep.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      listed = l.counts.people + l.counts.refused;
      const j0 = performance.now();
      bytes = JSON.stringify(l).length;
      json.push(performance.now() - j0);
    }
    console.log(
      `FIGURE vaccination_sweep_list_20k_ms_postgres: ${median(sweep).toFixed(0)} ms median (best ${Math.min(...sweep).toFixed(0)}) of 7, commune ${near.code} of ${near.n.toLocaleString('en')} people (the closest to ${BIG_COMMUNE.toLocaleString('en')}), ${listed.toLocaleString('en')} on the list (target < 300), of which the process's CPU ${median(cpu).toFixed(0)} ms (the rest: waiting for PostgreSQL); load ${loadBefore} before, ${load()} after`,
    );
    console.log(`FIGURE vaccination_sweep_list_json: ${(bytes / 1e6).toFixed(1)} MB, written in ${median(json).toFixed(0)} ms median (the whole commune's list as the API sends it; the phone page asks for one village) (no target)`);
  } finally {
    await db.close();
  }
}

await main();
