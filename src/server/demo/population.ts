// The demo's synthetic population: villages under every commune, then households and people streamed
// into the database with COPY, in one transaction (all or nothing).
//
// A full province is large (Thanh Hóa: 3.6 million people), so the CSV is generated in a worker
// thread (this same module, started again) while the main thread writes the previous chunk: the two
// cores work at once even on PGlite, which runs in the main thread. Small demos (tests) and any
// environment where the worker cannot start generate in the main thread instead; both give the same rows.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Db, Queryable } from '../db/index.ts';
import { csvLine } from '../../domain/demo/csv.ts';
import { PopulationGenerator, type DemoCommune } from '../../domain/demo/generate.ts';
import { communeKind, communePopulations, provincePopulation, scalePopulations, villagesOf } from '../../domain/demo/territory.ts';
import { naturalKeyOf } from '../../domain/people/importRow.ts';
import { searchKey } from '../../domain/people/normalize.ts';

export interface PopulationOptions {
  provinceCode: string;
  /** Share of the realistic population (0 < scale ≤ 1). */
  scale: number;
  seed: number;
  /** ISO date ages are counted to (default: today). */
  asOf?: string;
  onProgress?: (step: string, done: number, total: number) => void;
}

/** People per COPY: big enough to keep the database busy, small enough to keep memory flat. */
const CHUNK_PEOPLE = 40_000;
/** Below this many people the worker thread costs more than it saves. */
const WORKER_MIN_PEOPLE = 100_000;

const PERSON_COLUMNS = [
  'province_code', 'natural_key', 'cccd', 'full_name', 'name_search', 'birth_date', 'sex', 'phone',
  'commune_code', 'village_code', 'unit_path', 'household_id', 'address',
];
const HOUSEHOLD_COLUMNS = ['province_code', 'household_id', 'commune_code', 'village_code', 'unit_path', 'address'];
const UNIT_COLUMNS = ['province_code', 'code', 'parent_code', 'level', 'type', 'name', 'name_search', 'path', 'depth'];

/** Everything needed to generate the population, in the order it is generated (structured-cloneable). */
interface Plan {
  provinceCode: string;
  seed: number;
  asOf: string;
  communes: (DemoCommune & { path: string; depth: number; people: number })[];
}

interface Chunk {
  people: number;
  households: number;
  householdCsv: string;
  personCsv: string;
}

export async function generatePopulation(db: Db, o: PopulationOptions): Promise<{ people: number; households: number }> {
  const progress = o.onProgress ?? (() => {});
  const plan = await planPopulation(db, o);
  const total = plan.communes.reduce((s, c) => s + c.people, 0);
  let people = 0;
  let households = 0;
  progress('population', 0, total);
  await db.tx(async (q) => {
    const existing = await q.query('SELECT 1 FROM household WHERE province_code = $1 LIMIT 1', [o.provinceCode]);
    if (existing.rows.length) throw new Error(`province ${o.provinceCode} already has a population`);
    await q.copyFromCsv('admin_unit', UNIT_COLUMNS, villageCsv(plan));
    const rebuild = [...(await dropIndexesIfEmpty(q, 'household')), ...(await dropIndexesIfEmpty(q, 'person'))];

    // One COPY at a time on the transaction's connection; the next chunk is generated meanwhile.
    let writing: Promise<void> = Promise.resolve();
    for await (const chunk of chunks(plan, total >= WORKER_MIN_PEOPLE)) {
      await writing;
      writing = (async () => {
        await q.copyFromCsv('household', HOUSEHOLD_COLUMNS, chunk.householdCsv);
        await q.copyFromCsv('person', PERSON_COLUMNS, chunk.personCsv);
        people += chunk.people;
        households += chunk.households;
        progress('population', people, total);
      })();
      writing.catch(() => {}); // awaited below; no unhandled rejection in between
    }
    await writing;

    progress('indexes', 0, rebuild.length);
    if (rebuild.length) await q.exec(`SET LOCAL maintenance_work_mem = '256MB'`); // sorts and GIN builds in memory
    for (const [i, sql] of rebuild.entries()) {
      await q.exec(sql);
      progress('indexes', i + 1, rebuild.length);
    }
  });
  // Fresh statistics for the planner (PGlite has no autovacuum to do it).
  await db.exec('ANALYZE admin_unit; ANALYZE household; ANALYZE person;');
  return { people, households };
}

async function planPopulation(db: Db, o: PopulationOptions): Promise<Plan> {
  const rows = (
    await db.query<{ code: string; name: string; type: string | null; path: string; depth: number; parent_name: string | null; parent_level: string | null }>(
      `SELECT c.code, c.name, c.type, c.path, c.depth, p.name AS parent_name, p.level AS parent_level
         FROM admin_unit c LEFT JOIN admin_unit p ON p.province_code = c.province_code AND p.code = c.parent_code
        WHERE c.province_code = $1 AND c.level = 'commune'
        ORDER BY c.code`,
      [o.provinceCode],
    )
  ).rows;
  if (!rows.length) throw new Error(`province ${o.provinceCode} has no communes: import its admin units first`);
  const communes = rows.map((r) => ({ code: r.code, kind: communeKind(r.type, r.name) }));
  const fullSizes = communePopulations(communes, provincePopulation(o.provinceCode), o.seed);
  const sizes = scalePopulations(fullSizes, o.scale);
  return {
    provinceCode: o.provinceCode,
    seed: o.seed,
    asOf: o.asOf ?? new Date().toISOString().slice(0, 10),
    communes: rows.map((r, i) => ({
      code: r.code,
      name: r.name,
      kind: communes[i].kind,
      districtName: r.parent_level === 'district' ? r.parent_name : null,
      villages: villagesOf(communes[i], fullSizes[i], o.provinceCode, o.seed),
      path: r.path,
      depth: r.depth,
      people: sizes[i],
    })),
  };
}

/** The population as CSV chunks: from the worker thread when asked and possible, else generated here. */
async function* chunks(plan: Plan, useWorker: boolean): AsyncGenerator<Chunk> {
  if (useWorker) {
    const fromWorker = workerChunks(plan);
    let first: IteratorResult<Chunk> | null = null;
    try {
      first = await fromWorker.next();
    } catch {
      // The worker could not start (no TypeScript loader in this environment): generate here.
    }
    if (first) {
      if (!first.done) yield first.value;
      yield* fromWorker;
      return;
    }
  }
  yield* csvChunks(plan);
}

function* csvChunks(plan: Plan): Generator<Chunk> {
  const generator = new PopulationGenerator({ provinceCode: plan.provinceCode, seed: plan.seed, asOf: plan.asOf });
  const province = plan.provinceCode;
  let chunk: Chunk = { people: 0, households: 0, householdCsv: '', personCsv: '' };
  for (const c of plan.communes) {
    for (const h of generator.commune(c, c.people)) {
      const path = `${c.path}${h.villageCode}/`;
      chunk.householdCsv += csvLine([province, h.id, c.code, h.villageCode, path, h.address]);
      for (const p of h.members) {
        const naturalKey = naturalKeyOf(p.cccd, h.id, p.nameSearch, p.birthDate);
        chunk.personCsv += csvLine([province, naturalKey, p.cccd, p.fullName, p.nameSearch, p.birthDate, p.sex, p.phone, c.code, h.villageCode, path, h.id, h.address]);
      }
      chunk.people += h.members.length;
      chunk.households++;
    }
    if (chunk.people >= CHUNK_PEOPLE) {
      yield chunk;
      chunk = { people: 0, households: 0, householdCsv: '', personCsv: '' };
    }
  }
  if (chunk.people) yield chunk;
}

const WORKER_TAG = 'chongdich-demo-population';

/** Chunks from a worker thread running csvChunks, at most a few ahead of the writer. */
async function* workerChunks(plan: Plan): AsyncGenerator<Chunk> {
  // The worker registers the TypeScript loader (tsx) itself, then loads this module.
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { tag: WORKER_TAG, plan } });
  const queue: (Chunk | null)[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: Chunk | null) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (e) => {
    failure = e;
    notify();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`population worker exited with code ${code}`);
    notify();
  });
  worker.postMessage(2); // two chunks ahead
  try {
    for (;;) {
      while (!queue.length && !failure) await new Promise<void>((r) => (wake = r));
      if (!queue.length) throw failure;
      const chunk = queue.shift()!;
      if (chunk === null) return;
      worker.postMessage(1);
      yield chunk;
    }
  } finally {
    await worker.terminate();
  }
}

if (!isMainThread && (workerData as { tag?: string } | null)?.tag === WORKER_TAG) {
  const produce = csvChunks((workerData as { plan: Plan }).plan);
  parentPort!.on('message', (credit: number) => {
    for (let i = 0; i < credit; i++) {
      const next = produce.next();
      parentPort!.postMessage(next.done ? null : next.value);
      if (next.done) return;
    }
  });
}

/**
 * Bulk load into an empty table: its secondary indexes are dropped now and rebuilt after the load,
 * from their own definitions (pg_indexes), because building an index once over the loaded rows is
 * several times faster than maintaining it row by row. Indexes behind constraints (primary key,
 * unique) stay. Returns the statements that rebuild the dropped indexes; the transaction makes the
 * drop and rebuild all or nothing. A table that already has rows keeps its indexes.
 */
async function dropIndexesIfEmpty(q: Queryable, table: string): Promise<string[]> {
  const rows = await q.query(`SELECT 1 FROM ${table} LIMIT 1`);
  if (rows.rows.length) return [];
  const indexes = await q.query<{ name: string; definition: string }>(
    `SELECT i.indexname AS name, i.indexdef AS definition
       FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = $1
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = to_regclass(quote_ident(i.indexname)))
      ORDER BY i.indexname`,
    [table],
  );
  for (const ix of indexes.rows) await q.exec(`DROP INDEX ${quoteIdent(ix.name)}`);
  return indexes.rows.map((ix) => ix.definition);
}

function quoteIdent(name: string) {
  return '"' + name.replace(/"/g, '""') + '"';
}

function villageCsv(plan: Plan): string {
  let out = '';
  for (const c of plan.communes) {
    for (const v of c.villages) {
      const type = v.name.startsWith('Tổ dân phố') ? 'Tổ dân phố' : v.name.startsWith('Bản') ? 'Bản' : 'Thôn';
      out += csvLine([plan.provinceCode, v.code, c.code, 'village', type, v.name, searchKey(v.name), `${c.path}${v.code}/`, c.depth + 1]);
    }
  }
  return out;
}
