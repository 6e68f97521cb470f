// Demo Lạng Sơn from an empty database to ready (migrations, units and boundaries, the full synthetic
// population, statistics, users): on PGlite in a temporary data directory on disk, like `npm start`,
// and on PostgreSQL in a fresh database when BENCH_DATABASE_URL is set.
//   npx tsx bench/demo.bench.ts
//   BENCH_DATABASE_URL=postgres://postgres:postgres@localhost:5432/postgres npx tsx bench/demo.bench.ts
// BENCH_DEMO_PROVINCE (default 20) and BENCH_DEMO_SCALE (default 1) change what is built;
// BENCH_DEMO_ENGINES=pglite or =postgres runs one engine only.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb, type Db } from '../src/server/db/index.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { createDemo } from '../src/server/demo/index.ts';

const PROVINCE = process.env.BENCH_DEMO_PROVINCE ?? '20';
const SCALE = Number(process.env.BENCH_DEMO_SCALE ?? 1);
const SHARED = process.env.SHARED_DATA_DIR ?? new URL('../../shared/data', import.meta.url).pathname;
const TARGETS = { pglite: 90, postgres: 45 };
const ENGINES = (process.env.BENCH_DEMO_ENGINES ?? 'pglite,postgres').split(',');

/** Seconds since `t0`, one decimal. */
const since = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

async function timeDemo(label: string, open: () => Promise<Db>): Promise<number> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const db = await open();
  try {
    await migrate(db);
    console.log(`[${label}] opened and migrated: ${since(t0)} s`);
    let step = '';
    let lastReport = 0;
    const r = await createDemo(db, {
      provinceCode: PROVINCE,
      scale: SCALE,
      sharedDataDir: SHARED,
      onProgress: (s, done, total) => {
        const now = performance.now();
        if (s !== step || done === total || now - lastReport > 5000) {
          console.log(`[${label}] ${since(t0)} s  ${s} ${done.toLocaleString('en')}/${total.toLocaleString('en')}`);
          step = s;
          lastReport = now;
        }
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    console.log(`[${label}] ${r.provinceName}: ${r.people.toLocaleString('en')} people, ${r.households.toLocaleString('en')} households, ready in ${seconds.toFixed(1)} s`);
    // CPU of this process (both threads; on PGlite that includes the database): shows how much of
    // the wall time other processes on the machine took.
    console.log(`[${label}] CPU time of this process: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    return seconds;
  } finally {
    await db.close();
  }
}

async function pglite(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'chongdich-bench-demo-'));
  try {
    return await timeDemo('pglite', () => openDb({ dataDir: dir }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgres(adminUrl: string): Promise<number> {
  const name = `chongdich_bench_demo_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(adminUrl);
    url.pathname = '/' + name;
    return await timeDemo('postgres', () => openDb({ databaseUrl: url.toString() }));
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

// The targets are for Lạng Sơn at full scale; other runs print their figure under their own name.
const standard = PROVINCE === '20' && SCALE === 1;
const figure = (engine: 'pglite' | 'postgres', seconds: number) =>
  standard
    ? `FIGURE demo_lang_son_${engine}_s: ${seconds.toFixed(1)} s (target ${TARGETS[engine]} s)`
    : `FIGURE demo_province_${PROVINCE}_scale_${SCALE}_${engine}_s: ${seconds.toFixed(1)} s`;
if (ENGINES.includes('pglite')) console.log(figure('pglite', await pglite()));
if (ENGINES.includes('postgres')) {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) console.log('PostgreSQL skipped: set BENCH_DATABASE_URL (e.g. postgres://postgres:postgres@localhost:5432/postgres)');
  else console.log(figure('postgres', await postgres(url)));
}
