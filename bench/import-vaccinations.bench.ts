// Dose import throughput: a Thanh Hóa-sized registry (3,640,000 people, BENCH_PEOPLE to change)
// written straight into a fresh database, then a platform export of 5,000,000 dose records
// (BENCH_ROWS) — first and second doses at the product intervals, boosters for some — generated
// against it and imported through the import service (no HTTP), with the progress of each step.
// Fresh PGlite, or a fresh database on the PostgreSQL server of BENCH_DATABASE_URL.
//   BENCH_DATABASE_URL='postgresql://root@localhost/postgres?host=/var/run/postgresql' npx tsx bench/import-vaccinations.bench.ts
//   BENCH_PEOPLE=200000 BENCH_ROWS=300000 npx tsx bench/import-vaccinations.bench.ts      (PGlite, smaller)
// BENCH_REIMPORT=1 also times importing the same file again (every row unchanged).
// On PostgreSQL the registry is written once into `chongdich_bench_import_38_<people>` (units,
// policies, people, lots; BENCH_IMPORT_REBUILD=1 writes it again) and each run imports into a
// copy of it (CREATE DATABASE … TEMPLATE), dropped after the run (BENCH_KEEP=1 keeps it).
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb, type Db } from '../src/server/db/index.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { importAdminUnits } from '../src/server/modules/units/service.ts';
import { seedDefaultPolicies } from '../src/server/modules/policies/service.ts';
import { checkDoseFile, createDoseJob, runDoseImport, type DoseImporter } from '../src/server/modules/vaccination/doseImport.ts';

const PROVINCE = '38';
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 3_640_000);
const ROWS = Number(process.env.BENCH_ROWS ?? 5_000_000);
const SHARED = process.env.SHARED_DATA_DIR ?? new URL('../../shared/data', import.meta.url).pathname;
const TARGET_SECONDS = { pglite: null, postgres: 180 } as const;

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function admin(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

const dbUrl = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
};

/** Units, policies, the registry and the lots, written into a fresh database. */
async function prepare(db: Db) {
  await migrate(db);
  await importAdminUnits(db, JSON.parse(readFileSync(join(SHARED, 'admin-units/dvhcvn-2025-03-01.json'), 'utf8')), PROVINCE);
  await db.tx((q) => seedDefaultPolicies(q, PROVINCE));
  const t = performance.now();
  const communes = await writeRegistry(db);
  await writeLots(db);
  console.log(`registry: ${PEOPLE.toLocaleString('en')} people in ${communes} communes written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

/** A prepared database: fresh PGlite, or on PostgreSQL a copy of the registry database (written first when missing). */
async function freshDb(): Promise<{ db: Db; kind: 'pglite' | 'postgres'; drop: () => Promise<void> }> {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    const dir = mkdtempSync(join(tmpdir(), 'chongdich-bench-pglite-'));
    const db = await openDb({ dataDir: dir });
    await prepare(db);
    return { db, kind: 'pglite', drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const registry = `chongdich_bench_import_${PROVINCE}_${PEOPLE}`;
  const exists = (await admin(url, `SELECT 1 FROM pg_database WHERE datname = '${registry}'`)).rowCount;
  if (!exists || process.env.BENCH_IMPORT_REBUILD) {
    await admin(url, `DROP DATABASE IF EXISTS ${registry} WITH (FORCE)`);
    await admin(url, `CREATE DATABASE ${registry}`);
    const reg = await openDb({ databaseUrl: dbUrl(url, registry) });
    try {
      await prepare(reg);
    } catch (e) {
      await reg.close();
      await admin(url, `DROP DATABASE IF EXISTS ${registry} WITH (FORCE)`);
      throw e;
    }
    await reg.close();
  } else console.log(`registry: ${PEOPLE.toLocaleString('en')} people reused from ${registry}`);
  const name = `chongdich_bench_${randomBytes(4).toString('hex')}`;
  const t = performance.now();
  await admin(url, `CREATE DATABASE ${name} TEMPLATE ${registry} STRATEGY FILE_COPY`);
  const db = await openDb({ databaseUrl: dbUrl(url, name) });
  await migrate(db); // migrations added since the registry was written
  await db.exec('ANALYZE');
  console.log(`database ${name} copied from ${registry} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return { db, kind: 'postgres', drop: () => admin(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => {}) };
}

/** People i = 1..PEOPLE in the province's communes, CCCD 038 + i, born 1935–2019. */
async function writeRegistry(db: Db) {
  const communes = (await db.query<{ code: string; path: string }>(`SELECT code, path FROM admin_unit WHERE province_code = $1 AND level = 'commune' ORDER BY code`, [PROVINCE])).rows;
  await db.query(`CREATE TEMP TABLE bench_commune (k int, code text, path text)`);
  await db.query(`INSERT INTO bench_commune SELECT k - 1, code, path FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(code, path, k)`, [communes.map((c) => c.code), communes.map((c) => c.path)]);
  const step = 500_000;
  for (let from = 1; from <= PEOPLE; from += step) {
    const to = Math.min(PEOPLE, from + step - 1);
    await db.query(
      `INSERT INTO person (id, province_code, natural_key, cccd, full_name, name_search, birth_date, sex, commune_code, unit_path)
       SELECT i, $1, 'c:' || lpad(i::text, 9, '0'), '038' || lpad(i::text, 9, '0'), 'Người ' || i, 'nguoi ' || i,
              DATE '1935-01-01' + (i::bigint * 7919 % 30700)::int, CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END, c.code, c.path
         FROM generate_series($2::int, $3::int) i JOIN bench_commune c ON c.k = i % $4`,
      [PROVINCE, from, to, communes.length],
    );
  }
  await db.exec(`SELECT setval(pg_get_serial_sequence('person', 'id'), ${PEOPLE})`);
  await db.exec('ANALYZE person');
  return communes.length;
}

const PRODUCTS = [
  { code: 'astrazeneca', name: 'AstraZeneca', days: 70, weight: 0.35 },
  { code: 'vero_cell', name: 'Vero Cell', days: 25, weight: 0.3 },
  { code: 'pfizer', name: 'Pfizer', days: 21, weight: 0.25 },
  { code: 'moderna', name: 'Moderna', days: 28, weight: 0.1 },
];
const LOTS = 40;
const lotNumber = (code: string, k: number) => `${code.slice(0, 2).toUpperCase()}${String(k).padStart(4, '0')}`;

async function writeLots(db: Db) {
  const values: string[] = [];
  for (const p of [...PRODUCTS.map((x) => x.code)]) for (let k = 0; k < LOTS; k++) values.push(`('${PROVINCE}', '${p}', '${lotNumber(p, k)}', 1000000, '2021-06-01')`);
  await db.exec(`INSERT INTO vaccine_lot (province_code, product_code, lot_number, doses_received, received_on) VALUES ${values.join(', ')}`);
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dmy = (ms: number) => {
  const s = iso(ms);
  return `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}`;
};

/** The platform's export: adults get dose 1 (Jul–Nov 2021), dose 2 at the product interval, 40 % a Pfizer booster ≥ 3 months later in 2022. */
async function writeExport(path: string): Promise<number> {
  const rand = rng(38);
  const out = createWriteStream(path);
  out.write('Mã mũi tiêm,Số CCCD,Họ và tên,Ngày sinh,Mã xã,Tên vắc xin,Số lô,Mũi tiêm,Ngày tiêm,Cơ sở tiêm chủng,Người tiêm\n');
  const start = Date.parse('2021-07-15T00:00:00Z');
  const birthBase = Date.parse('1935-01-01T00:00:00Z');
  const adultBy = Date.parse('2003-06-01T00:00:00Z');
  let rows = 0;
  let buf = '';
  for (let i = 1; i <= PEOPLE && rows < ROWS; i++) {
    const birth = birthBase + ((i * 7919) % 30700) * DAY;
    if (birth > adultBy) continue;
    const u = rand();
    const p = u < 0.35 ? PRODUCTS[0] : u < 0.65 ? PRODUCTS[1] : u < 0.9 ? PRODUCTS[2] : PRODUCTS[3];
    const cccd = '038' + String(i).padStart(9, '0');
    const head = `${cccd},Người ${i},${dmy(birth)},,`;
    const d1 = start + Math.floor(rand() * 120) * DAY;
    const d2 = d1 + (p.days + Math.floor(rand() * 14)) * DAY;
    const lot = () => lotNumber(p.code, Math.floor(rand() * LOTS));
    buf += `VN${++rows},${head}${p.name},${lot()},1,${dmy(d1)},Trạm Y tế,Cán bộ ${i % 97}\n`;
    if (rows < ROWS) buf += `VN${++rows},${head}${p.name},${lot()},2,${dmy(d2)},Trạm Y tế,Cán bộ ${i % 89}\n`;
    if (rows < ROWS && rand() < 0.4) {
      const d3 = Math.max(d2 + 95 * DAY, Date.parse('2022-01-05T00:00:00Z')) + Math.floor(rand() * 60) * DAY;
      buf += `VN${++rows},${head}Pfizer,${lotNumber('pfizer', Math.floor(rand() * LOTS))},3,${dmy(d3)},Trạm Y tế,Cán bộ ${i % 83}\n`;
    }
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  return rows;
}

/** BENCH_TRACE=1: the database time of each kind of statement (its first words), the biggest printed after the run. */
function trace(db: Db) {
  const spent = new Map<string, { ms: number; n: number }>();
  const key = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 90);
  const add = (k: string, t0: number) => {
    const e = spent.get(k) ?? { ms: 0, n: 0 };
    e.ms += performance.now() - t0;
    e.n++;
    spent.set(k, e);
  };
  const wrap = <T extends object>(q: T): T => {
    const o = q as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const m of ['query', 'exec', 'copyFromCsv'] as const) {
      const f = o[m].bind(q);
      o[m] = async (...a: unknown[]) => {
        const t0 = performance.now();
        try {
          return await f(...a);
        } finally {
          add(m === 'copyFromCsv' ? `COPY ${String(a[0])}` : key(String(a[0])), t0);
        }
      };
    }
    return q;
  };
  wrap(db);
  const tx = db.tx.bind(db);
  (db as { tx: Db['tx'] }).tx = (fn) => tx((q) => fn(wrap(q)));
  return () =>
    [...spent]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 25)
      .map(([k, v]) => `  ${(v.ms / 1000).toFixed(1).padStart(6)} s ${String(v.n).padStart(5)}× ${k}`)
      .join('\n');
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'chongdich-bench-doses-'));
  const csv = join(dir, 'doses.csv');
  const { db, kind, drop } = await freshDb();
  // Stopped from outside (Ctrl-C, a timeout): the bench database is dropped all the same.
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      void db.close().catch(() => {}).then(drop).finally(() => process.exit(130));
    });
  try {
    const t = performance.now();
    const rows = await writeExport(csv);
    console.log(`export: ${rows.toLocaleString('en')} dose records generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const importer: DoseImporter = { provinceCode: PROVINCE, jurisdictionPath: `${PROVINCE}/`, userId: null, via: 'cli', req: null };
    const run = async (label: string) => {
      const checked = await checkDoseFile(csv, 'doses.csv');
      const jobId = await createDoseJob(db, importer, 'doses.csv', null);
      const load0 = os.loadavg()[0];
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const marks: string[] = [];
      let step = '';
      let lastLog = 0;
      const r = await runDoseImport(db, importer, jobId, checked, {
        onProgress: (s, done, total) => {
          const now = performance.now();
          if (s !== step) {
            marks.push(`${s} from ${((now - t0) / 1000).toFixed(1)} s`);
            step = s;
          }
          if (now - lastLog > 10_000) {
            lastLog = now;
            console.log(`  ${label} ${s}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} at ${((now - t0) / 1000).toFixed(0)} s`);
          }
        },
      });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      if (r.status !== 'done') throw new Error(r.message);
      console.log(
        `${kind} ${label}: ${r.insertedRows} inserted, ${r.updatedRows} updated, ${r.unchangedRows} unchanged, ${r.errorRows} errors in ${seconds.toFixed(1)} s ` +
          `(steps: ${marks.join(', ')}; process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; load average ${load0.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after, ${os.cpus().length} cores)`,
      );
      if (r.errorRows) console.log(r.errorsCsv?.slice(0, 1000));
      return { r, seconds };
    };
    const report = process.env.BENCH_TRACE ? trace(db) : null;
    const first = await run('import');
    if (report) console.log(`database time by statement (the two lanes overlap):\n${report()}`);
    if (first.r.insertedRows !== rows) throw new Error(`expected ${rows} new doses, got ${first.r.insertedRows}`);
    const target = TARGET_SECONDS[kind];
    console.log(`FIGURE import_vaccinations_seconds_${kind}: ${first.seconds.toFixed(1)} s for ${rows.toLocaleString('en')} dose records (${Math.round(rows / first.seconds)} rows/s${target ? `; target < ${target} s` : ''})`);
    if (process.env.BENCH_REIMPORT) {
      const again = await run('re-import');
      if (again.r.unchangedRows !== rows) throw new Error(`re-import changed rows: ${again.r.message}`);
      console.log(`FIGURE import_vaccinations_reimport_seconds_${kind}: ${again.seconds.toFixed(1)} s (no target)`);
    }
  } finally {
    await db.close();
    if (process.env.BENCH_KEEP && kind === 'postgres') console.log('BENCH_KEEP: the database is kept (drop it after)');
    else await drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
