// Epidemic-level figures (issue 7) at Thanh Hóa scale (province 38: the real units from the shared
// data, 3.6 million people as the units' population, a 60-day outbreak), through the services the
// API routes call (no HTTP):
// 1. Rebuild the daily facts of every unit for 60 days from the raw rows (case_record: community /
//    quarantine by report date, needing oxygen, deaths by date of death; coverage from the
//    vaccination area's daily facts through coverageForLevels) — target < 60 s on PostgreSQL.
// 2. Recompute the level of every unit for one date from the daily facts (window sums, capacity
//    register, official levels, the engine with its explanation for each unit) — target < 1 s.
// 3. Keep current: one case changes, the next read rebuilds the stale days of the window only.
// The facts read case_record, vaccination_coverage_daily and admin_unit; the person table is not
// scanned, so the registry's 3.6 M people are the units' population (admin_unit.population) here.
//   BENCH_DATABASE_URL='postgresql://root@localhost/postgres?host=/var/run/postgresql' npm run bench -- levels
// The database `chongdich_bench_levels_38` is built once and reused (BENCH_LEVELS_REBUILD=1 rebuilds it);
// BENCH_LEVELS_CASES (default 120,000) sets the outbreak's size; BENCH_LEVELS_PGLITE=1 also runs on PGlite.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDb, type Db } from '../src/server/db/index.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { importAdminUnits } from '../src/server/modules/units/service.ts';
import { seedMissingLevelPolicies } from '../src/server/modules/levels/routes.ts';
import { addDays, ensureFacts, rebuildFacts } from '../src/server/modules/levels/facts.ts';
import { levelsOfProvince } from '../src/server/modules/levels/service.ts';
import { todayInVietnam } from '../src/server/modules/imports/service.ts';

const SHARED = process.env.SHARED_DATA_DIR ?? new URL('../../shared/data', import.meta.url).pathname;
const PC = '38';
const PEOPLE = 3_600_000;
const CASES = Number(process.env.BENCH_LEVELS_CASES ?? 120_000);
const DAYS = 60;
const DB_NAME = 'chongdich_bench_levels_38';
const adminUrl = process.env.BENCH_DATABASE_URL;
const today = todayInVietnam();
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
const secs = (t0: number) => (performance.now() - t0) / 1000;

async function adminQuery(sql: string) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}
function dbUrl(name: string) {
  const u = new URL(adminUrl!);
  u.pathname = '/' + name;
  return u.toString();
}

/** Units, population, a 60-day outbreak in a third of the communes, coverage facts per commune and week. */
async function build(db: Db) {
  const t0 = performance.now();
  await migrate(db);
  await importAdminUnits(db, JSON.parse(readFileSync(join(SHARED, 'admin-units/dvhcvn-2025-03-01.json'), 'utf8')), PC);
  await seedMissingLevelPolicies(db);
  const first = addDays(today, -(DAYS - 1));
  await db.exec(`
    -- 3.6 M people over the communes (uneven, by a hash of the code), summed up the tree.
    WITH w AS (SELECT code, 1 + (abs(hashtext(code)) % 9) AS w FROM admin_unit WHERE province_code = '${PC}' AND level = 'commune'),
         s AS (SELECT sum(w) AS t FROM w)
    UPDATE admin_unit u SET population = (w.w * ${PEOPLE} / s.t)::int, aged_65_plus = (w.w * ${PEOPLE} / s.t / 12)::int FROM w, s WHERE u.province_code = '${PC}' AND u.code = w.code;
    UPDATE admin_unit d SET population = x.p FROM (SELECT parent_code, sum(population)::int AS p FROM admin_unit WHERE province_code = '${PC}' AND level = 'commune' GROUP BY 1) x
     WHERE d.province_code = '${PC}' AND d.code = x.parent_code AND d.level = 'district';
    UPDATE admin_unit p SET population = (SELECT sum(population) FROM admin_unit WHERE province_code = '${PC}' AND level = 'commune') WHERE province_code = '${PC}' AND level = 'province';
    -- The outbreak: cases in one commune in three, rising over the 60 days; 70 % found in the community.
    CREATE TEMP TABLE hot AS SELECT row_number() OVER (ORDER BY code) - 1 AS k, code, path FROM admin_unit WHERE province_code = '${PC}' AND level = 'commune' AND abs(hashtext(code)) % 3 = 0;
    INSERT INTO case_record (province_code, person_id, unit_path, commune_code, status, basis, reported_via, definition_version, report_date, onset_date, detected_in, severity, outcome_date)
    SELECT '${PC}', g, h.path, h.code,
           CASE WHEN g % 333 = 0 THEN 'died' WHEN d.day < date '${today}' - 14 THEN 'recovered' ELSE 'confirmed' END,
           'pcr', 'lab', 1, d.day, d.day - 2, CASE WHEN g % 10 < 7 THEN 'community' ELSE 'quarantine' END,
           CASE WHEN g % 200 = 0 THEN 'critical' WHEN g % 33 = 0 THEN 'severe' WHEN g % 7 = 0 THEN 'moderate' ELSE 'mild' END,
           CASE WHEN g % 333 = 0 THEN d.day + 9 WHEN d.day < date '${today}' - 14 THEN d.day + 12 END
      FROM generate_series(1, ${CASES}) g
      -- day index grows like a square root of g: more cases towards the end of the 60 days.
      CROSS JOIN LATERAL (SELECT date '${first}' + least(${DAYS - 1}, floor(${DAYS} * sqrt(g::float / ${CASES})))::int AS day) d
      JOIN hot h ON h.k = (abs(hashtext(g::text)) % (SELECT count(*) FROM hot));
    UPDATE case_record SET outcome_date = NULL WHERE province_code = '${PC}' AND outcome_date > date '${today}';
    UPDATE case_record SET status = 'confirmed' WHERE province_code = '${PC}' AND status = 'died' AND outcome_date IS NULL;
    -- Coverage facts of the vaccination area: one change point per commune, age group and week.
    INSERT INTO vaccination_coverage_daily (province_code, commune_code, age_group, day, unit_path, population, at_least_one, fully, booster, booster_2)
    SELECT '${PC}', c.code, g.grp, date '${first}' + 7 * wk, c.path, (c.population * g.share)::int,
           (c.population * g.share * least(0.99, 0.6 + 0.04 * wk))::int, (c.population * g.share * least(0.95, 0.45 + 0.05 * wk))::int, (c.population * g.share * 0.02 * wk)::int, 0
      FROM admin_unit c
      CROSS JOIN (VALUES ('all', 1.0), ('18+', 0.72), ('50+', 0.3), ('65+', 0.08), ('12-17', 0.1), ('5-11', 0.1)) AS g(grp, share)
      CROSS JOIN generate_series(0, ${Math.ceil(DAYS / 7)}) wk
     WHERE c.province_code = '${PC}' AND c.level = 'commune';
    -- The capacity register: every district and one commune in two.
    INSERT INTO level_capacity (province_code, unit_code, day, vacant_beds, treatment_beds, icu_beds, mobile_stations, treatment_plan)
    SELECT '${PC}', code, date '${first}', 60 + abs(hashtext(code)) % 200, 400, 10 + abs(hashtext(code)) % 20, 2, true FROM admin_unit WHERE province_code = '${PC}' AND level = 'district';
    INSERT INTO level_capacity (province_code, unit_code, day, care_teams, oxygen_ready)
    SELECT '${PC}', code, date '${first}', 1 + abs(hashtext(code)) % 6, true FROM admin_unit WHERE province_code = '${PC}' AND level = 'commune' AND abs(hashtext(code)) % 2 = 0;
    ANALYZE;`);
  const n = await db.query<{ units: number; communes: number; cases: number }>(
    `SELECT (SELECT count(*)::int FROM admin_unit WHERE province_code = '${PC}') AS units, (SELECT count(*)::int FROM admin_unit WHERE province_code = '${PC}' AND level = 'commune') AS communes,
            (SELECT count(*)::int FROM case_record WHERE province_code = '${PC}') AS cases`,
  );
  console.log(`set-up: ${n.rows[0].units} units (${n.rows[0].communes} communes), ${PEOPLE.toLocaleString('en')} people, ${n.rows[0].cases.toLocaleString('en')} cases over ${DAYS} days, in ${secs(t0).toFixed(1)} s`);
}

async function run(kind: 'postgres' | 'pglite', db: Db) {
  const from = addDays(today, -(DAYS - 1));
  const units = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM admin_unit WHERE province_code = '${PC}'`)).rows[0].n;
  // 1. Rebuild 60 days.
  const l0 = load();
  let t = performance.now();
  const r = await db.tx((q) => rebuildFacts(q, PC, from, today));
  const rebuild = secs(t);
  console.log(`[${kind}] rebuild ${r.days} days × ${units} units = ${r.rows.toLocaleString('en')} fact rows in ${rebuild.toFixed(2)} s (cases ${r.ms.cases} ms, coverage ${r.ms.coverage} ms, manual/villages ${r.ms.manual} ms; load ${l0} before, ${load()} after)`);
  console.log(`FIGURE levels.rebuild_60_days.${kind} ${rebuild.toFixed(2)} s (target < 60 s; ${units} units, ${CASES.toLocaleString('en')} cases)`);

  // 2. Recompute every unit for one date from the facts (engine + explanation per unit), 5 times.
  const times: number[] = [];
  let rows: Awaited<ReturnType<typeof levelsOfProvince>> = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    rows = await db.tx((q) => levelsOfProvince(q, PC, today, today, false));
    times.push(secs(t));
  }
  times.sort((a, b) => a - b);
  const byLevel = [1, 2, 3, 4].map((n) => rows.filter((x) => x.proposed === n).length);
  if (rows.length !== units) throw new Error(`expected ${units} units, got ${rows.length}`);
  console.log(`[${kind}] recompute ${rows.length} units for ${today}: median ${(times[2] * 1000).toFixed(0)} ms, max ${(times[4] * 1000).toFixed(0)} ms; proposals by level 1–4: ${byLevel.join(' / ')}`);
  console.log(`FIGURE levels.recompute_all_units.${kind} ${(times[2] * 1000).toFixed(0)} ms median of 5, max ${(times[4] * 1000).toFixed(0)} ms (target < 1 s; ${rows.length} units)`);

  // 3. Keep current: a case changes; the next read of the date rebuilds only the window's stale days.
  await db.query(`UPDATE case_record SET severity = 'severe', updated_at = now() WHERE province_code = '${PC}' AND id = (SELECT min(id) FROM case_record WHERE province_code = '${PC}' AND report_date = $1::date)`, [today]);
  t = performance.now();
  const rebuilt = await db.tx(async (q) => {
    const x = await ensureFacts(q, PC, addDays(today, -6), today, today);
    await levelsOfProvince(q, PC, today, today, false);
    return x;
  });
  const keep = secs(t);
  console.log(`[${kind}] after a case change: days ${rebuilt?.from}…${rebuilt?.to} rebuilt and every unit recomputed in ${keep.toFixed(2)} s`);
  console.log(`FIGURE levels.read_after_change.${kind} ${keep.toFixed(2)} s (7-day window rebuilt + recompute of ${units} units)`);
}

async function main() {
  if (!adminUrl) {
    console.log('BENCH_DATABASE_URL is not set: the levels benchmark runs on PostgreSQL (set it to run).');
  } else {
    const exists = (await adminQuery(`SELECT 1 FROM pg_database WHERE datname = '${DB_NAME}'`)).rows.length > 0;
    if (exists && process.env.BENCH_LEVELS_REBUILD === '1') await adminQuery(`DROP DATABASE ${DB_NAME} WITH (FORCE)`);
    const fresh = !exists || process.env.BENCH_LEVELS_REBUILD === '1';
    if (fresh) await adminQuery(`CREATE DATABASE ${DB_NAME}`);
    const db = await openDb({ databaseUrl: dbUrl(DB_NAME) });
    try {
      // Dates move with today: a database built on another day is rebuilt.
      const built = fresh ? null : (await db.query<{ d: string | null }>(`SELECT max(report_date)::text AS d FROM case_record WHERE province_code = '${PC}'`).catch(() => ({ rows: [{ d: null }] }))).rows[0]?.d;
      if (!fresh && built !== today) {
        await db.close();
        await adminQuery(`DROP DATABASE ${DB_NAME} WITH (FORCE)`);
        await adminQuery(`CREATE DATABASE ${DB_NAME}`);
        const db2 = await openDb({ databaseUrl: dbUrl(DB_NAME) });
        await build(db2);
        await run('postgres', db2);
        await db2.close();
        return;
      }
      if (fresh) await build(db);
      else await migrate(db);
      await run('postgres', db);
    } finally {
      await db.close().catch(() => undefined);
    }
  }
  if (process.env.BENCH_LEVELS_PGLITE === '1') {
    const dir = mkdtempSync(join(tmpdir(), 'chongdich-bench-levels-'));
    const db = await openDb({ dataDir: dir });
    try {
      await build(db);
      await run('pglite', db);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
