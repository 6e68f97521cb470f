// Case area at outbreak scale on PostgreSQL, through the real HTTP API: Lạng Sơn's full demo
// (about 800,000 people) in the database `chongdich_bench_cases` of BENCH_DATABASE_URL, plus a
// synthetic outbreak of 20,000 cases and 100,000 contacts (chains of cases, F1 and F2) written in
// SQL once. Then, signed in as `admin`:
//   - the graph data of the whole outbreak (GET /api/cases/graph): target under 500 ms;
//   - the cluster proposal over it (POST /api/clusters/proposals): target under 2 s;
//   - registering a case with 30 contacts (POST /api/cases): target p95 under 150 ms.
//   BENCH_DATABASE_URL=postgresql://root@localhost/postgres?host=/var/run/postgresql npx tsx bench/cases.bench.ts
// BENCH_CASES_REBUILD=1 rebuilds the database; BENCH_CASES_REGISTRATIONS (default 100) sets the timed registrations.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { openDb, type Db } from '../src/server/db/index.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { createDemo } from '../src/server/demo/index.ts';
import { hashPassword } from '../src/server/modules/auth/service.ts';
import { todayInVietnam } from '../src/server/modules/imports/service.ts';

const PROVINCE = '20';
const DB_NAME = 'chongdich_bench_cases';
const CASES = 20_000;
const CONTACTS = 100_000;
const REGISTRATIONS = Number(process.env.BENCH_CASES_REGISTRATIONS ?? 100);
const SHARED = process.env.SHARED_DATA_DIR ?? new URL('../../shared/data', import.meta.url).pathname;

const adminUrl = process.env.BENCH_DATABASE_URL;
if (!adminUrl) {
  console.log('Cases benchmark skipped: it runs on PostgreSQL; set BENCH_DATABASE_URL (e.g. postgresql://root@localhost/postgres?host=/var/run/postgresql)');
  process.exit(0);
}

async function adminQuery(sql: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await c.query(sql, params);
  } finally {
    await c.end();
  }
}

async function benchDb(): Promise<Db> {
  const url = new URL(adminUrl!);
  url.pathname = '/' + DB_NAME;
  const exists = (await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME])).rows.length > 0;
  if (exists && !process.env.BENCH_CASES_REBUILD) {
    const db = await openDb({ databaseUrl: url.toString() });
    const ready = await db
      .query(`SELECT 1 FROM app_user WHERE province_code = $1 AND username = 'admin'`, [PROVINCE])
      .then((r) => r.rows.length > 0)
      .catch(() => false);
    if (ready) {
      await migrate(db);
      console.log(`Reusing database ${DB_NAME}`);
      return db;
    }
    await db.close();
  }
  if (exists) await adminQuery(`DROP DATABASE ${DB_NAME} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${DB_NAME}`);
  const db = await openDb({ databaseUrl: url.toString() });
  await migrate(db);
  const t0 = performance.now();
  const r = await createDemo(db, { provinceCode: PROVINCE, scale: 1, sharedDataDir: SHARED });
  console.log(`Built ${r.provinceName}: ${r.people.toLocaleString('en')} people in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return db;
}

/**
 * 20,000 cases over 60 days and 100,000 contacts: each case has 5 contacts (4 F1, 1 F2 through
 * its first F1); four cases in five were infected by the previous case (a chain), so the graph has
 * long transmission chains as in a real outbreak.
 */
async function ensureOutbreak(db: Db) {
  const have = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM case_record WHERE province_code = $1 AND notes = 'bench-outbreak'`, [PROVINCE])).rows[0].n;
  if (have >= CASES) return;
  const t0 = performance.now();
  const today = todayInVietnam();
  await db.tx(async (q) => {
    await q.query(`CREATE TEMP TABLE pick ON COMMIT DROP AS
      SELECT id, unit_path, commune_code, row_number() OVER (ORDER BY hashtext(id::text), id) AS rn
        FROM person p WHERE province_code = $1
         AND NOT EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = p.province_code AND c.person_id = p.id)
         AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.province_code = p.province_code AND k.person_id = p.id)
       ORDER BY hashtext(id::text), id LIMIT ${CASES + CONTACTS}`, [PROVINCE]);
    await q.query(`CREATE INDEX ON pick (rn)`);
    await q.query(
      `INSERT INTO case_record (province_code, person_id, unit_path, commune_code, basis, reported_via, definition_version, report_date, onset_date, sample_date, detected_in, notes, status)
       SELECT $1, id, unit_path, commune_code, 'pcr', 'lab', 2, $2::date - ((rn * 60) / ${CASES})::int, $2::date - ((rn * 60) / ${CASES})::int - 2, $2::date - ((rn * 60) / ${CASES})::int - 1,
              CASE WHEN rn % 3 = 0 THEN 'quarantine' ELSE 'community' END, 'bench-outbreak', CASE WHEN rn * 60 / ${CASES} > 14 THEN 'recovered' ELSE 'confirmed' END
         FROM pick WHERE rn <= ${CASES}`,
      [PROVINCE, today],
    );
    // F1: contacts 1..4 of each case; F2: contact 5 exposed to contact 1.
    await q.query(
      `INSERT INTO contact (province_code, person_id, source_person_id, root_case_id, degree, unit_path, commune_code, exposure_date, setting, proximity, meets_definition, source, status)
       SELECT $1, k.id, c.person_id, c.id, 1, k.unit_path, k.commune_code, c.report_date - 1, 'household', 'physical', true, 'interview', 'traced'
         FROM pick k JOIN pick cp ON cp.rn = (k.rn - ${CASES} - 1) / 5 + 1
         JOIN case_record c ON c.province_code = $1 AND c.person_id = cp.id
        WHERE k.rn > ${CASES} AND (k.rn - ${CASES} - 1) % 5 < 4`,
      [PROVINCE],
    );
    await q.query(
      `INSERT INTO contact (province_code, person_id, source_person_id, source_contact_id, root_case_id, degree, unit_path, commune_code, exposure_date, setting, proximity, meets_definition, source, status)
       SELECT $1, k.id, f1.person_id, f1.id, f1.root_case_id, 2, k.unit_path, k.commune_code, f1.exposure_date + 1, 'workplace', 'within_2m', true, 'interview', 'traced'
         FROM pick k JOIN pick f1p ON f1p.rn = k.rn - 4
         JOIN contact f1 ON f1.province_code = $1 AND f1.person_id = f1p.id
        WHERE k.rn > ${CASES} AND (k.rn - ${CASES} - 1) % 5 = 4`,
      [PROVINCE],
    );
    // Chains: case n was an F1 of case n-1 (who became a case), four times in five.
    await q.query(
      `INSERT INTO contact (province_code, person_id, source_person_id, root_case_id, degree, unit_path, commune_code, exposure_date, setting, proximity, meets_definition, source, status)
       SELECT $1, cur.person_id, prev.person_id, prev.id, 1, cur.unit_path, cur.commune_code, prev.report_date, 'venue', 'within_2m', true, 'interview', 'became_case'
         FROM pick a JOIN pick b ON b.rn = a.rn - 1
         JOIN case_record cur ON cur.province_code = $1 AND cur.person_id = a.id
         JOIN case_record prev ON prev.province_code = $1 AND prev.person_id = b.id
        WHERE a.rn <= ${CASES} AND a.rn % 5 <> 1`,
      [PROVINCE],
    );
  });
  await db.query('ANALYZE case_record');
  await db.query('ANALYZE contact');
  console.log(`Wrote the outbreak (${CASES.toLocaleString('en')} cases, ${CONTACTS.toLocaleString('en')} contacts + chains) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1] };
};

async function main() {
  const db = await benchDb();
  await ensureOutbreak(db);
  const password = randomBytes(12).toString('base64url');
  await db.query(`UPDATE app_user SET password_hash = $2, failed_logins = 0, locked_until = NULL WHERE province_code = $1 AND username = 'admin'`, [PROVINCE, await hashPassword(password)]);
  const app = await buildApp({ db, config: loadConfig({ sharedDataDir: SHARED }), webDir: '/nonexistent' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('cd_sid='))!.split(';')[0];
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
    const headers = { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' };

    // Graph of the whole outbreak.
    const graphMs: number[] = [];
    let nodes = 0;
    let edges = 0;
    let bytes = 0;
    for (let i = 0; i < 8; i++) {
      const t = performance.now();
      const res = await fetch(`${base}/api/cases/graph?limit=25000`, { headers: { cookie } });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`graph: ${res.status} ${text.slice(0, 300)}`);
      if (i >= 2) graphMs.push(performance.now() - t);
      const g = JSON.parse(text) as { person: number[]; edges: number[] };
      nodes = g.person.length;
      edges = g.edges.length / 2;
      bytes = text.length;
    }
    const g = stats(graphMs);
    console.log(`Graph: ${nodes.toLocaleString('en')} nodes, ${edges.toLocaleString('en')} edges, ${(bytes / 1e6).toFixed(1)} MB JSON`);
    console.log(`FIGURE cases_graph_api_p50_ms: ${g.p50.toFixed(0)} ms (target 500 ms; ${nodes} nodes, ${edges} edges)`);
    console.log(`FIGURE cases_graph_api_max_ms: ${g.max.toFixed(0)} ms`);

    // Cluster proposal over the outbreak.
    const clusterMs: number[] = [];
    let proposals = 0;
    for (let i = 0; i < 4; i++) {
      const t = performance.now();
      const res = await fetch(`${base}/api/clusters/proposals`, { method: 'POST', headers, body: '{}' });
      const body = (await res.json()) as unknown[];
      if (res.status !== 200) throw new Error(`proposals: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      if (i >= 1) clusterMs.push(performance.now() - t);
      proposals = body.length;
    }
    const c = stats(clusterMs);
    console.log(`FIGURE cluster_proposal_p50_ms: ${c.p50.toFixed(0)} ms (target 2000 ms; ${proposals} clusters proposed)`);

    // Registering a case with 30 contacts: fresh people each time.
    const free = (
      await db.query<{ id: number }>(
        `SELECT id FROM person p WHERE province_code = $1
           AND NOT EXISTS (SELECT 1 FROM case_record c WHERE c.province_code = p.province_code AND c.person_id = p.id)
           AND NOT EXISTS (SELECT 1 FROM contact k WHERE k.province_code = p.province_code AND k.person_id = p.id)
         ORDER BY hashtext(id::text || 'reg') LIMIT $2`,
        [PROVINCE, (REGISTRATIONS + 10) * 31],
      )
    ).rows.map((r) => Number(r.id));
    const today = todayInVietnam();
    const regMs: number[] = [];
    for (let i = 0; i < REGISTRATIONS + 10; i++) {
      const ids = free.slice(i * 31, i * 31 + 31);
      const body = {
        personId: ids[0],
        reportDate: today,
        sampleDate: today,
        detectedIn: 'community',
        reportedVia: 'lab',
        evidence: { pcrPositive: true },
        contacts: ids.slice(1).map((personId, k) => ({ personId, exposureDate: today, setting: k % 3 ? 'workplace' : 'household', proximity: 'within_2m', durationMinutes: 20 + k, masked: k % 2 === 0 })),
      };
      const t = performance.now();
      const res = await fetch(`${base}/api/cases`, { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await res.text();
      if (res.status !== 201) throw new Error(`register: ${res.status} ${text.slice(0, 300)}`);
      if (i >= 10) regMs.push(performance.now() - t);
    }
    const r = stats(regMs);
    console.log(`FIGURE case_with_30_contacts_p50_ms: ${r.p50.toFixed(1)} ms`);
    console.log(`FIGURE case_with_30_contacts_p95_ms: ${r.p95.toFixed(1)} ms (target 150 ms; ${regMs.length} registrations)`);
    // Leave the outbreak as it was for the next run.
    await db.query(`DELETE FROM task WHERE province_code = $1 AND person_id = ANY($2::bigint[])`, [PROVINCE, free]);
    await db.query(`DELETE FROM contact WHERE province_code = $1 AND person_id = ANY($2::bigint[])`, [PROVINCE, free]);
    await db.query(`DELETE FROM case_event WHERE province_code = $1 AND case_id IN (SELECT id FROM case_record WHERE province_code = $1 AND person_id = ANY($2::bigint[]))`, [PROVINCE, free]);
    await db.query(`DELETE FROM case_record WHERE province_code = $1 AND person_id = ANY($2::bigint[])`, [PROVINCE, free]);
  } finally {
    await app.close();
    await db.close();
  }
}

await main();
