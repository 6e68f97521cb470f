// Declarations and checkpoints: the demo's part at full Lạng Sơn scale (checkpoints, ~50,000
// passages in three weeks, green-lane passes, 400 declarations through the form's service), then
// request times through the HTTP stack (in-process inject, one request at a time): a citizen's
// declaration, a checkpoint lookup by plate, a passage recorded, the daily counts of 21 days.
//   npx tsx bench/checkpoints.bench.ts
//   BENCH_DATABASE_URL=postgresql://root@localhost/postgres?host=/var/run/postgresql npx tsx bench/checkpoints.bench.ts
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb, type Db } from '../src/server/db/index.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { createDemo } from '../src/server/demo/index.ts';
import { createDemoCheckpoints } from '../src/server/demo/checkpoints.ts';
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { cccdPrefix } from '../src/domain/people/normalize.ts';
import { todayInVietnam } from '../src/server/modules/testing/common.ts';

const SHARED = process.env.SHARED_DATA_DIR ?? new URL('../../shared/data', import.meta.url).pathname;
const N = 200;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

async function run(kind: 'pglite' | 'postgres', db: Db) {
  await migrate(db);
  const demo = await createDemo(db, { provinceCode: '20', scale: 0.002, sharedDataDir: SHARED, checkpoints: false, testing: false });
  const t0 = performance.now();
  const c = await createDemoCheckpoints(db, { provinceCode: '20', seed: 2021, scale: 1 });
  const demoS = (performance.now() - t0) / 1000;
  console.log(`FIGURE checkpoints_demo_part_s_${kind}: ${demoS.toFixed(1)} s for ${c.checkpoints} checkpoints, ${c.passages.toLocaleString('en')} passages, ${c.greenPasses} green-lane passes, ${c.declarations} declarations (Lạng Sơn, scale 1)`);

  const app = await buildApp({ db, config: loadConfig({ sharedDataDir: SHARED, demoScale: 0.002 }), webDir: '/nonexistent' });
  await app.ready();
  try {
    const commune = demo.logins.find((l) => l.username === 'xa')!.unitCode;
    const times = (label: string, xs: number[]) => console.log(`FIGURE ${label}_${kind}: p50 ${pct(xs, 0.5).toFixed(1)} ms, p99 ${pct(xs, 0.99).toFixed(1)} ms over ${xs.length} requests one at a time`);
    const decl: number[] = [];
    for (let i = 0; i < N; i++) {
      const body = {
        provinceCode: '20', kind: 'arrival', fullName: 'Nguyễn Văn Thử', birthDate: '1990-01-02', sex: 'M', nationality: 'Việt Nam', cccd: cccdPrefix('001', 1990, 'M') + String(i).padStart(6, '0'),
        phone: `0916${String(i).padStart(6, '0')}`, address: 'Số 1 Hàng Bông, Hà Nội', destinationCommuneCode: commune, arrivalDate: todayInVietnam(), from: { provinceCode: i % 2 ? '79' : '01' },
        places: [{ provinceCode: '24' }], symptoms: i % 10 === 0 ? ['fever'] : [], contacts: [], idempotencyKey: `bench-decl-${i}`,
      };
      const s = performance.now();
      const r = await app.inject({ method: 'POST', url: '/api/declarations', payload: body, remoteAddress: `10.9.${i >> 8}.${i & 255}` });
      decl.push(performance.now() - s);
      if (r.statusCode !== 201) throw new Error(r.body);
    }
    times('declaration_submit_ms', decl);
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'chot', password: demo.logins.find((l) => l.username === 'chot')!.password } });
    const headers = { cookie: `cd_sid=${login.cookies.find((x) => x.name === 'cd_sid')!.value}`, 'x-csrf-token': login.json().csrfToken };
    const plates = (await db.query<{ p: string }>(`SELECT DISTINCT vehicle_plate AS p FROM checkpoint_passage WHERE vehicle_plate IS NOT NULL LIMIT ${N}`)).rows.map((r) => r.p);
    const look: number[] = [];
    for (const p of plates) {
      const s = performance.now();
      const r = await app.inject({ method: 'GET', url: `/api/checkpoints/lookup?plate=${p}`, headers });
      look.push(performance.now() - s);
      if (r.statusCode !== 200) throw new Error(r.body);
    }
    times('checkpoint_lookup_ms', look);
    const cp = (await db.query<{ id: number }>(`SELECT id FROM checkpoint ORDER BY id LIMIT 1`)).rows[0].id;
    const rec: number[] = [];
    for (let i = 0; i < N; i++) {
      const s = performance.now();
      const r = await app.inject({ method: 'POST', url: '/api/checkpoints/passages', headers, payload: { checkpointId: Number(cp), passedAt: new Date().toISOString(), direction: 'out', person: { fullName: 'Tài xế thử' }, vehiclePlate: plates[i % plates.length], role: 'driver', purpose: 'freight', decision: 'allowed', idempotencyKey: `bench-pass-${i}` } });
      rec.push(performance.now() - s);
      if (r.statusCode !== 201 && r.statusCode !== 409) throw new Error(r.body);
    }
    times('checkpoint_passage_ms', rec);
    const daily: number[] = [];
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      await app.inject({ method: 'GET', url: `/api/checkpoints/daily?from=${todayInVietnam(new Date(Date.now() - 20 * 86_400_000))}&to=${todayInVietnam()}`, headers });
      daily.push(performance.now() - s);
    }
    times('checkpoint_daily_21d_ms', daily);
  } finally {
    await app.close();
  }
}

{
  const db = await openDb({ memory: true });
  try {
    await run('pglite', db);
  } finally {
    await db.close();
  }
}
const url = process.env.BENCH_DATABASE_URL;
if (!url) console.log('PostgreSQL skipped: set BENCH_DATABASE_URL');
else {
  const name = `chongdich_bench_cp_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  try {
    const u = new URL(url);
    u.pathname = '/' + name;
    const db = await openDb({ databaseUrl: u.toString() });
    try {
      await run('postgres', db);
    } finally {
      await db.close();
    }
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}
