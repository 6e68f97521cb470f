// Testing and lab figures (issue 4), through the services the API routes call (no HTTP):
// 1. Import of 80,000 pooled-specimen results — 8,000 pools of 10, one row per pool as a lab
//    machine exports them — from a CSV through the import job of POST /api/testing/results/import
//    (checkResultsFile → createResultsJob → runResultsImport), then the deconvolution list of the
//    positive pools (GET /api/testing/follow-ups?jobId=…) and a re-import of the same file (every
//    row unchanged). Fresh PGlite in a temporary directory, and a fresh database on the PostgreSQL
//    server of BENCH_DATABASE_URL.
// 2. A sampling plan with a 10,000-person draw from a Thanh Hóa-sized registry (province 38,
//    3.6 million people): plan creation + draw, for a district and for the whole province, on
//    PostgreSQL only, in the database `chongdich_bench_testing_38` (real units from the shared data,
//    synthetic people spread over the communes; built once, reused by later runs).
//   npm run bench -- testing
//   BENCH_DATABASE_URL='postgresql://root@localhost/postgres?host=/var/run/postgresql' npm run bench -- testing
// BENCH_TESTING_POOLS (default 8000) and BENCH_TESTING_POOL_SIZE (10) change the import; BENCH_TESTING_ENGINES=pglite
// or =postgres runs the import on one engine only (=none: the draw only); BENCH_TESTING_PEOPLE (3,600,000) and
// BENCH_TESTING_REBUILD=1 change / rebuild the registry of the draw.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FastifyRequest } from 'fastify';
import { openDb, type Db } from '../src/server/db/index.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { importAdminUnits } from '../src/server/modules/units/service.ts';
import { seedMissingTestingPolicies } from '../src/server/modules/testing/routes.ts';
import { checkResultsFile, createResultsJob, runResultsImport, type ResultsImporter } from '../src/server/modules/testing/resultImport.ts';
import { listFollowUps } from '../src/server/modules/testing/worklists.ts';
import { createPlan, drawPlan } from '../src/server/modules/testing/plans.ts';

const SHARED = process.env.SHARED_DATA_DIR ?? new URL('../../shared/data', import.meta.url).pathname;
const POOLS = Number(process.env.BENCH_TESTING_POOLS ?? 8000);
const POOL_SIZE = Number(process.env.BENCH_TESTING_POOL_SIZE ?? 10);
/** One pool in 50 positive (2 %): 160 positive pools, 1,600 people to re-sample. */
const POSITIVE_EVERY = 50;
const ENGINES = (process.env.BENCH_TESTING_ENGINES ?? 'pglite,postgres').split(',');
const DRAW_PEOPLE = Number(process.env.BENCH_TESTING_PEOPLE ?? 3_600_000);
const DRAW_SIZE = 10_000;
const TARGET_IMPORT_S = 15;
const TARGET_DRAW_S = 2;
const adminUrl = process.env.BENCH_DATABASE_URL;
const req = { user: null, ip: '127.0.0.1', headers: {} } as unknown as FastifyRequest;
const actor = { id: 1, username: 'bench' };

const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
const secs = (t0: number) => (performance.now() - t0) / 1000;

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

async function loadUnits(db: Db, province: string) {
  await importAdminUnits(db, JSON.parse(readFileSync(join(SHARED, 'admin-units/dvhcvn-2025-03-01.json'), 'utf8')), province);
  await seedMissingTestingPolicies(db);
}

/** `n` synthetic people of province `pc` spread over its communes (ids in order), indexes built after the rows. */
async function insertPeople(db: Db, pc: string, n: number, prefix: string) {
  const secondary = ['person_phone', 'person_household', 'person_unit', 'person_name_prefix', 'person_name_short', 'person_name_rev', 'person_name_trgm'];
  const defs = await db.query<{ def: string }>(`SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'person' AND indexname = ANY($1::text[])`, [secondary]);
  for (const i of secondary) await db.exec(`DROP INDEX IF EXISTS ${i}`);
  const step = 500_000;
  for (let from = 1; from <= n; from += step) {
    const to = Math.min(n, from + step - 1);
    await db.exec(`
      INSERT INTO person (province_code, natural_key, full_name, name_search, birth_date, sex, commune_code, unit_path, household_id, address)
      SELECT '${pc}', '${prefix}-' || g, 'Người ' || g, 'nguoi ' || md5(g::text), date '1935-01-01' + (g::bigint * 7919 % 31000)::int, CASE WHEN g % 2 = 0 THEN 'M' ELSE 'F' END,
             c.code, c.path, 'HH' || (g / 4), 'Thôn ' || (g % 12 + 1)
        FROM generate_series(${from}, ${to}) g
        JOIN (SELECT row_number() OVER (ORDER BY code) - 1 AS k, code, path FROM admin_unit WHERE province_code = '${pc}' AND level = 'commune') c
          ON c.k = g % (SELECT count(*) FROM admin_unit WHERE province_code = '${pc}' AND level = 'commune')`);
  }
  for (const d of defs.rows) await db.exec(d.def);
  await db.exec('ANALYZE person');
}

// ---------------------------------------------------------------- 1. results import

async function importBench(kind: 'pglite' | 'postgres') {
  let db: Db;
  let drop: () => Promise<void>;
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'chongdich-bench-testing-'));
    db = await openDb({ dataDir: dir });
    drop = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `chongdich_bench_testing_${randomBytes(4).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    db = await openDb({ databaseUrl: dbUrl(name) });
    drop = async () => void (await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
  const work = mkdtempSync(join(tmpdir(), 'chongdich-bench-results-'));
  try {
    const pc = '20';
    let t0 = performance.now();
    await migrate(db);
    await loadUnits(db, pc);
    const specimens = POOLS * POOL_SIZE;
    await insertPeople(db, pc, specimens, 'bench');
    const district = (await db.query<{ code: string; path: string }>(`SELECT code, path FROM admin_unit WHERE province_code = $1 AND level = 'district' ORDER BY code LIMIT 1`, [pc])).rows[0];
    const lab = await db.query<{ id: number }>(
      `INSERT INTO lab (province_code, name, unit_code, unit_path, capacity_single, capacity_pooled) VALUES ($1, 'CDC Lạng Sơn', $1, $2, 8000, 80000) RETURNING id`,
      [pc, pc + '/'],
    );
    const labId = Number(lab.rows[0].id);
    // One collection session per commune, yesterday; people pooled with their commune neighbours.
    await db.exec(`
      INSERT INTO collection_event (province_code, event_date, site_name, unit_code, unit_path, lab_id, status)
        SELECT '${pc}', current_date - 1, 'Trạm Y tế ' || name, code, path, ${labId}, 'closed' FROM admin_unit WHERE province_code = '${pc}' AND level = 'commune';
      CREATE TEMP TABLE bench_member AS
        SELECT p.id AS person_id, p.commune_code, p.unit_path, row_number() OVER (ORDER BY p.commune_code, p.id) - 1 AS k FROM person p WHERE p.province_code = '${pc}';
      INSERT INTO test_barcode (province_code, barcode, kind) SELECT '${pc}', 'SP-' || (k + 1), 'specimen' FROM bench_member;
      INSERT INTO test_barcode (province_code, barcode, kind) SELECT '${pc}', 'PL-' || g, 'pool' FROM generate_series(1, ${POOLS}) g;
      INSERT INTO pool (province_code, barcode, event_id, lab_id, method, unit_code, unit_path, area_risk, max_size, policy_version, members, status, created_on, sealed_at)
        SELECT DISTINCT ON (m.k / ${POOL_SIZE}) '${pc}', 'PL-' || (m.k / ${POOL_SIZE} + 1), e.id, ${labId}, 'collection', m.commune_code, m.unit_path, 'low', ${POOL_SIZE}, 1, 0, 'sealed',
               current_date - 1, now() - interval '20 hours'
          FROM bench_member m JOIN collection_event e ON e.province_code = '${pc}' AND e.unit_code = m.commune_code ORDER BY m.k / ${POOL_SIZE}, m.k;
      INSERT INTO specimen (province_code, barcode, event_id, person_id, subject_name, unit_path, commune_code, site_path, kind, lab_id, collected_at, collected_on, status)
        SELECT '${pc}', 'SP-' || (m.k + 1), e.id, m.person_id, 'Người ' || m.person_id, m.unit_path, m.commune_code, e.unit_path, 'pool_member', ${labId},
               now() - interval '22 hours', current_date - 1, 'pooled'
          FROM bench_member m JOIN collection_event e ON e.province_code = '${pc}' AND e.unit_code = m.commune_code;
      INSERT INTO pool_member (province_code, specimen_id, pool_id)
        SELECT '${pc}', s.id, p.id FROM specimen s JOIN bench_member m ON 'SP-' || (m.k + 1) = s.barcode JOIN pool p ON p.province_code = '${pc}' AND p.barcode = 'PL-' || (m.k / ${POOL_SIZE} + 1);
      UPDATE pool p SET members = x.n FROM (SELECT pool_id, count(*) AS n FROM pool_member GROUP BY pool_id) x WHERE p.id = x.pool_id;
      ANALYZE;`);
    console.log(`[${kind}] set-up: ${specimens.toLocaleString('en')} people, specimens in ${POOLS.toLocaleString('en')} sealed pools, in ${secs(t0).toFixed(1)} s (district ${district.code})`);

    // The machine export: one row per pool, a Ct for the positive ones, the run's time.
    const csv = join(work, 'ket-qua.csv');
    let text = 'Sample Name,Target Name,Kết quả,Ct,Run date\n';
    const run = new Date(Date.now() - 2 * 3600_000);
    const vn = new Date(run.getTime() + 7 * 3600_000);
    const stamp = `${String(vn.getUTCDate()).padStart(2, '0')}/${String(vn.getUTCMonth() + 1).padStart(2, '0')}/${vn.getUTCFullYear()} ${String(vn.getUTCHours()).padStart(2, '0')}:${String(vn.getUTCMinutes()).padStart(2, '0')}`;
    for (let i = 1; i <= POOLS; i++) text += i % POSITIVE_EVERY === 0 ? `PL-${i},N gene,Dương tính,${(22 + (i % 13)).toFixed(1)},${stamp}\n` : `PL-${i},N gene,Âm tính,Undetermined,${stamp}\n`;
    writeFileSync(csv, text);
    const positives = Math.floor(POOLS / POSITIVE_EVERY);
    const importer: ResultsImporter = { scope: { provinceCode: pc, path: pc + '/' }, actor, labId, req };

    const timed = async () => {
      const l0 = os.loadavg()[0];
      const cpu0 = process.cpuUsage();
      const t = performance.now();
      const file = await checkResultsFile(csv, 'ket-qua.csv');
      const job = await createResultsJob(db, importer, file, null);
      const r = await runResultsImport(db, importer, job, file);
      const s = secs(t);
      const cpu = process.cpuUsage(cpu0);
      if (r.status !== 'done') throw new Error(r.message);
      console.log(`[${kind}] ${r.message} — ${s.toFixed(2)} s (process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; load ${l0.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after)`);
      return { r, s, job };
    };
    const first = await timed();
    if (first.r.counts.insertedRows !== POOLS || first.r.followUps !== positives * POOL_SIZE) {
      throw new Error(`expected ${POOLS} results and ${positives * POOL_SIZE} follow-ups, got ${first.r.counts.insertedRows} and ${first.r.followUps}`);
    }
    t0 = performance.now();
    const list = await listFollowUps(db, importer.scope, { jobId: first.job, state: 'open', limit: 100_000 });
    const listMs = performance.now() - t0;
    if (list.length !== positives * POOL_SIZE) throw new Error(`follow-up list has ${list.length} rows, expected ${positives * POOL_SIZE}`);
    const tasks = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM task WHERE province_code = $1 AND kind = 'resample_pool_member' AND status = 'open'`, [pc]);
    const daily = await db.query<{ pos: number; res: number }>(`SELECT sum(positive)::int AS pos, sum(resulted)::int AS res FROM testing_daily WHERE province_code = $1`, [pc]);
    console.log(
      `[${kind}] deconvolution list: ${list.length.toLocaleString('en')} people of ${positives} positive pools in ${listMs.toFixed(0)} ms; ` +
        `${tasks.rows[0].n} re-sampling tasks; daily figures: ${daily.rows[0].res} resulted, ${daily.rows[0].pos} positive`,
    );
    console.log(`FIGURE testing_import_80k_pooled_s_${kind}: ${first.s.toFixed(2)} s for ${(POOLS * POOL_SIZE).toLocaleString('en')} specimens in ${POOLS.toLocaleString('en')} pools (target < ${TARGET_IMPORT_S})`);
    console.log(`FIGURE testing_followups_list_ms_${kind}: ${listMs.toFixed(0)} ms for ${list.length.toLocaleString('en')} follow-ups (no target: "immediately")`);
    const again = await timed();
    if (again.r.counts.unchangedRows !== POOLS || again.r.followUps !== 0) throw new Error(`re-import changed something: ${again.r.message}`);
    console.log(`FIGURE testing_reimport_80k_pooled_s_${kind}: ${again.s.toFixed(2)} s, every row unchanged (no target)`);
  } finally {
    await db.close();
    await drop();
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- 2. plan + draw

const DRAW_DB = 'chongdich_bench_testing_38';

async function drawDb(): Promise<Db> {
  const exists = (await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [DRAW_DB])).rows.length > 0;
  if (exists && !process.env.BENCH_TESTING_REBUILD) {
    const db = await openDb({ databaseUrl: dbUrl(DRAW_DB) });
    const ready = await db
      .query<{ n: string }>(`SELECT value AS n FROM bench_meta WHERE key = 'people'`)
      .then((r) => Number(r.rows[0]?.n) === DRAW_PEOPLE)
      .catch(() => false);
    if (ready) {
      await migrate(db);
      console.log(`Reusing database ${DRAW_DB}`);
      return db;
    }
    await db.close();
  }
  if (exists) await adminQuery(`DROP DATABASE ${DRAW_DB} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${DRAW_DB}`);
  const db = await openDb({ databaseUrl: dbUrl(DRAW_DB) });
  const t0 = performance.now();
  await migrate(db);
  await loadUnits(db, '38');
  await insertPeople(db, '38', DRAW_PEOPLE, 'bench');
  await db.exec(`CREATE TABLE bench_meta (key text PRIMARY KEY, value text); INSERT INTO bench_meta VALUES ('people', '${DRAW_PEOPLE}')`);
  console.log(`Built ${DRAW_DB}: ${DRAW_PEOPLE.toLocaleString('en')} people of Thanh Hóa in ${secs(t0).toFixed(0)} s`);
  return db;
}

async function drawBench() {
  const db = await drawDb();
  try {
    const pc = '38';
    const scope = { provinceCode: pc, path: pc + '/' };
    await db.exec(`DELETE FROM sampling_draw; DELETE FROM sampling_site; DELETE FROM sampling_stratum; DELETE FROM sampling_plan`);
    // The district with the most people (Thanh Hóa city), and the province.
    const district = (
      await db.query<{ code: string; name: string }>(
        `SELECT u.code, u.name FROM admin_unit u WHERE u.province_code = $1 AND u.level = 'district'
          ORDER BY (SELECT count(*) FROM admin_unit c WHERE c.province_code = $1 AND c.parent_code = u.code) DESC, u.code LIMIT 1`,
        [pc],
      )
    ).rows[0];
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const variants = [
      ['district', district.code, 1],
      ['district', district.code, 2],
      ['province', pc, 1],
      ['province', pc, 2],
    ] as const;
    for (const [label, unitCode, strataCount] of variants) {
      const times: number[] = [];
      for (let rep = 0; rep < 3; rep++) {
        const l0 = os.loadavg()[0];
        const t = performance.now();
        const plan = await db.tx((q) =>
          createPlan(q, req, scope, actor, {
            name: `Bench ${label} ${strataCount} ${rep}`,
            planDate: today,
            unitCode,
            budget: DRAW_SIZE,
            seed: 1000 + rep,
            // One stratum of residents, or the elderly (65+, 2,000) and the other residents (8,000).
            strata:
              strataCount === 1
                ? [{ name: 'Dân cư', kind: 'residents', riskWeight: 1, population: { unitCode }, chosenSize: DRAW_SIZE }]
                : [
                    { name: 'Người cao tuổi', kind: 'residents', riskWeight: 3, population: { unitCode, ageMin: 65 }, chosenSize: 2000 },
                    { name: 'Dân cư', kind: 'residents', riskWeight: 1, population: { unitCode }, chosenSize: DRAW_SIZE - 2000 },
                  ],
          }),
        );
        const created = performance.now() - t;
        const drawn = await db.tx((q) => drawPlan(q, req, scope, actor, plan.id, plan.version));
        const total = secs(t);
        if (drawn.totals.drawn !== DRAW_SIZE) throw new Error(`drew ${drawn.totals.drawn}, expected ${DRAW_SIZE}`);
        times.push(total);
        console.log(
          `[postgres] ${label} ${label === 'district' ? district.name + ' ' : ''}${strataCount} stratum(a) (${drawn.strata.map((s) => s.populationSize?.toLocaleString('en')).join(' + ')} people in the strata): ` +
            `create ${created.toFixed(0)} ms, draw ${(total * 1000 - created).toFixed(0)} ms, ${drawn.totals.drawn.toLocaleString('en')} drawn (load ${l0.toFixed(1)})`,
        );
      }
      const median = [...times].sort((a, b) => a - b)[1];
      console.log(
        `FIGURE testing_plan_draw_10k_${label}_${strataCount}_strata_s_postgres: ${median.toFixed(2)} s median of 3, plan creation + draw of ${DRAW_SIZE.toLocaleString('en')} from ${DRAW_PEOPLE.toLocaleString('en')} people (target < ${TARGET_DRAW_S})`,
      );
    }
  } finally {
    await db.close();
  }
}

console.log(`${os.cpus().length} cores, load average ${load()}`);
for (const engine of ENGINES.filter((e) => e === 'pglite' || e === 'postgres')) {
  if (engine === 'postgres' && !adminUrl) {
    console.log('PostgreSQL skipped: set BENCH_DATABASE_URL (e.g. postgresql://root@localhost/postgres?host=/var/run/postgresql)');
    continue;
  }
  await importBench(engine as 'pglite' | 'postgres');
}
if (adminUrl) await drawBench();
else console.log('Sampling-plan draw skipped: it runs on PostgreSQL (set BENCH_DATABASE_URL)');
console.log(`load average at the end ${load()}`);
