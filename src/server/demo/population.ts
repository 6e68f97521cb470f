// The demo's synthetic population: villages under every commune, then households and people streamed
// into the database with COPY, in one transaction (all or nothing).
//
// A full province is large (Thanh Hóa: 3.6 million people), so the CSV is generated in a worker
// thread (this same module, started again) while the main thread writes the previous chunk: the two
// cores work at once even on PGlite, which runs in the main thread. Small demos (tests) and any
// environment where the worker cannot start generate in the main thread instead; both give the same rows.
// People get their ids here (a range taken from the table's sequence), so the same thread plans the
// demo's vaccination history household by household as it makes them, and writes its CSV
// (vaccinationCsv.ts) while the main thread builds the indexes and the other areas: the plan never
// needs the population read back from the database.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Db, Queryable } from '../db/index.ts';
import { csvLine } from '../../domain/demo/csv.ts';
import { PopulationGenerator, type DemoCommune } from '../../domain/demo/generate.ts';
import { VaccinationPlanner, type VaccinationPlan } from '../../domain/demo/vaccination.ts';
import { prepareVaccination, type PreparedVaccination, type Residents, type VaccinationIds, type VaccinationPlanArgs } from './vaccinationCsv.ts';
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
  /** Plan the demo's vaccination history from the residents made (see PopulationResult.vaccination). */
  vaccination?: boolean;
  /** Generate in the worker thread (default: for WORKER_MIN_PEOPLE people or more). */
  useWorker?: boolean;
  /**
   * Called in the population's transaction once every person is written, before the indexes are
   * built (what needs the people but not the indexes can start while they are built).
   */
  onLoaded?: (q: Queryable, vaccination: VaccinationPreparer | null) => Promise<void>;
  onProgress?: (step: string, done: number, total: number) => void;
}

/** The vaccination history of the residents made, prepared once the ids it names exist. */
export interface VaccinationPreparer {
  prepare(ids: VaccinationIds): Promise<PreparedVaccination>;
  /** Ends the generator thread (always call it, prepared or not). */
  dispose(): Promise<void>;
}

export interface PopulationResult {
  people: number;
  households: number;
  /** Where the people were made: the generator thread, or this one (small demos, or no thread possible). */
  madeIn: 'worker' | 'main';
  vaccination: VaccinationPreparer | null;
}

/** People per COPY: big enough to keep the database busy, small enough to keep memory flat. */
const CHUNK_PEOPLE = 40_000;
/** Below this many people the worker thread costs more than it saves. */
const WORKER_MIN_PEOPLE = 100_000;

const PERSON_COLUMNS = [
  'province_code', 'id', 'natural_key', 'cccd', 'full_name', 'name_search', 'birth_date', 'sex', 'phone',
  'commune_code', 'village_code', 'unit_path', 'household_id', 'address',
];
const HOUSEHOLD_COLUMNS = ['province_code', 'household_id', 'commune_code', 'village_code', 'unit_path', 'address'];
const UNIT_COLUMNS = ['province_code', 'code', 'parent_code', 'level', 'type', 'name', 'name_search', 'path', 'depth'];

/** Everything needed to generate the population, in the order it is generated (structured-cloneable). */
interface Plan {
  provinceCode: string;
  seed: number;
  asOf: string;
  communes: (DemoCommune & { path: string; depth: number; people: number; districtCode: string; districtPath: string })[];
  /** The id of the first person made; the others follow in order. */
  firstId: number;
  /** Set: the households made are planned for the vaccination history too. */
  vaccination: VaccinationPlanArgs | null;
}

interface Chunk {
  people: number;
  households: number;
  householdCsv: string;
  personCsv: string;
}

export async function generatePopulation(db: Db, o: PopulationOptions): Promise<PopulationResult> {
  const progress = o.onProgress ?? (() => {});
  const plan = await planPopulation(db, o);
  const total = plan.communes.reduce((s, c) => s + c.people, 0);
  let people = 0;
  let households = 0;
  let source: ChunkSource | null = null;
  progress('population', 0, total);
  try {
    await db.tx(async (q) => {
      const existing = await q.query('SELECT 1 FROM household WHERE province_code = $1 LIMIT 1', [o.provinceCode]);
      if (existing.rows.length) throw new Error(`province ${o.provinceCode} already has a population`);
      // The ids of the people made: a range of the sequence no other writer can take meanwhile.
      await q.exec('LOCK TABLE person IN SHARE ROW EXCLUSIVE MODE');
      plan.firstId = Number((await q.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('person', 'id')) AS id`)).rows[0].id);
      await q.copyFromCsv('admin_unit', UNIT_COLUMNS, villageCsv(plan));
      const rebuild = [...(await dropIndexesIfEmpty(q, 'household')), ...(await dropIndexesIfEmpty(q, 'person'))];

      // One COPY at a time on the transaction's connection; the next chunk is generated meanwhile.
      let writing: Promise<void> = Promise.resolve();
      source = await openChunks(plan, o.useWorker ?? total >= WORKER_MIN_PEOPLE);
      for await (const chunk of source.chunks) {
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
      if (people) await q.query(`SELECT setval(pg_get_serial_sequence('person', 'id'), $1)`, [plan.firstId + people - 1]);
      await o.onLoaded?.(q, preparerOf(source, plan));

      progress('indexes', 0, rebuild.length);
      if (rebuild.length) await q.exec(`SET LOCAL maintenance_work_mem = '256MB'`); // sorts and GIN builds in memory
      for (const [i, sql] of rebuild.entries()) {
        await q.exec(sql);
        progress('indexes', i + 1, rebuild.length);
      }
    });
    // Fresh statistics for the planner (PGlite has no autovacuum to do it).
    await db.exec('ANALYZE admin_unit; ANALYZE household; ANALYZE person;');
  } catch (e) {
    await (source as ChunkSource | null)?.dispose();
    throw e;
  }
  const s = source as ChunkSource | null;
  const vaccination = preparerOf(s, plan);
  if (!vaccination) await s?.dispose();
  return { people, households, madeIn: s?.madeIn ?? 'main', vaccination };
}

function preparerOf(s: ChunkSource | null, plan: Plan): VaccinationPreparer | null {
  if (!s || !plan.vaccination) return null;
  return { prepare: (ids) => s.prepareVaccination(ids), dispose: () => s.dispose() };
}

async function planPopulation(db: Db, o: PopulationOptions): Promise<Plan> {
  const rows = (
    await db.query<{ code: string; name: string; type: string | null; path: string; depth: number; parent_code: string; parent_path: string; parent_name: string | null; parent_level: string | null }>(
      `SELECT c.code, c.name, c.type, c.path, c.depth, p.code AS parent_code, p.path AS parent_path, p.name AS parent_name, p.level AS parent_level
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
  const asOf = o.asOf ?? new Date().toISOString().slice(0, 10);
  return {
    provinceCode: o.provinceCode,
    seed: o.seed,
    asOf,
    firstId: 0,
    vaccination: o.vaccination
      ? { provinceCode: o.provinceCode, today: asOf, seed: o.seed, communes: rows.map((r) => ({ code: r.code, name: r.name, path: r.path, districtCode: r.parent_code, districtPath: r.parent_path })) }
      : null,
    communes: rows.map((r, i) => ({
      code: r.code,
      name: r.name,
      kind: communes[i].kind,
      districtName: r.parent_level === 'district' ? r.parent_name : null,
      villages: villagesOf(communes[i], fullSizes[i], o.provinceCode, o.seed),
      path: r.path,
      depth: r.depth,
      districtCode: r.parent_code,
      districtPath: r.parent_path,
      people: sizes[i],
    })),
  };
}

/** The population's CSV chunks, and the vaccination history of the residents once asked for. */
interface ChunkSource {
  madeIn: 'worker' | 'main';
  chunks: AsyncIterable<Chunk> | Iterable<Chunk>;
  prepareVaccination(ids: VaccinationIds): Promise<PreparedVaccination>;
  dispose(): Promise<void>;
}

/** From the worker thread when asked and possible, else generated here. */
async function openChunks(plan: Plan, useWorker: boolean): Promise<ChunkSource> {
  if (useWorker) {
    const worker = startWorker(plan);
    try {
      const first = await worker.next();
      return {
        madeIn: 'worker',
        chunks: (async function* () {
          if (first) yield first;
          for (let c = first && (await worker.next()); c; c = await worker.next()) yield c;
        })(),
        prepareVaccination: (ids) => worker.prepare(ids),
        dispose: () => worker.terminate(),
      };
    } catch {
      // The worker could not start (no TypeScript loader in this environment): generate here.
      await worker.terminate();
    }
  }
  const planner = plannerOf(plan);
  const residents = residentsOf(plan);
  return {
    madeIn: 'main',
    chunks: csvChunks(plan, planner, residents),
    async prepareVaccination(ids) {
      if (!plan.vaccination || !planner) throw new Error('the population was made without its vaccination history');
      return prepareVaccination(plan.vaccination, planner.finish(), ids, residents);
    },
    async dispose() {},
  };
}

/** The vaccination planner of the residents, when the plan asks for their history. */
const plannerOf = (plan: Plan) => (plan.vaccination ? new VaccinationPlanner({ today: plan.vaccination.today, seed: plan.vaccination.seed, communes: plan.vaccination.communes }) : null);

/** The residents' communes and birth dates, kept when the plan asks for their history (its coverage facts). */
const residentsOf = (plan: Plan): Residents | null => (plan.vaccination ? { firstId: plan.firstId, communeCodes: [], birthDates: [] } : null);

/** CSV chunks of the plan's population; each household made is planned by `planner` and its people kept in `residents` when given. */
function* csvChunks(plan: Plan, planner: VaccinationPlanner | null, residents: Residents | null): Generator<Chunk> {
  const generator = new PopulationGenerator({ provinceCode: plan.provinceCode, seed: plan.seed, asOf: plan.asOf });
  const province = plan.provinceCode;
  let id = plan.firstId;
  let chunk: Chunk = { people: 0, households: 0, householdCsv: '', personCsv: '' };
  for (const c of plan.communes) {
    for (const h of generator.commune(c, c.people)) {
      const path = `${c.path}${h.villageCode}/`;
      chunk.householdCsv += csvLine([province, h.id, c.code, h.villageCode, path, h.address]);
      const members: { id: number; birthDate: string | null; unitPath: string }[] = [];
      for (const p of h.members) {
        const naturalKey = naturalKeyOf(p.cccd, h.id, p.nameSearch, p.birthDate);
        chunk.personCsv += csvLine([province, id, naturalKey, p.cccd, p.fullName, p.nameSearch, p.birthDate, p.sex, p.phone, c.code, h.villageCode, path, h.id, h.address]);
        if (planner) members.push({ id, birthDate: p.birthDate, unitPath: path });
        if (residents) {
          residents.communeCodes.push(c.code);
          residents.birthDates.push(p.birthDate);
        }
        id++;
      }
      planner?.add({ id: h.id, communeCode: c.code, members });
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

type FromWorker = { chunk: Chunk } | { end: true } | { vaccination: PreparedVaccination };
type ToWorker = { credit: number } | { ids: VaccinationIds };

/** The generator thread: chunks at most a few ahead of the writer, then the vaccination history when asked. */
function startWorker(plan: Plan) {
  // The worker registers the TypeScript loader (tsx) itself, then loads this module.
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { tag: WORKER_TAG, plan } });
  const queue: (Chunk | null)[] = [];
  let prepared: PreparedVaccination | null = null;
  let failure: Error | null = null;
  let exited = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const wait = () => new Promise<void>((r) => (wake = r));
  worker.on('message', (m: FromWorker) => {
    if ('chunk' in m) queue.push(m.chunk);
    else if ('end' in m) queue.push(null);
    else prepared = m.vaccination;
    notify();
  });
  worker.on('error', (e) => {
    failure = e;
    notify();
  });
  worker.on('exit', (code) => {
    exited = true;
    failure ??= new Error(`population worker exited with code ${code}`);
    notify();
  });
  const send = (m: ToWorker) => worker.postMessage(m);
  send({ credit: 2 }); // two chunks ahead
  let ended = false;
  return {
    /** The next chunk, null after the last. */
    async next(): Promise<Chunk | null> {
      if (ended) return null;
      while (!queue.length && !failure) await wait();
      if (!queue.length) throw failure;
      const chunk = queue.shift()!;
      if (chunk === null) ended = true;
      else send({ credit: 1 });
      return chunk;
    },
    async prepare(ids: VaccinationIds): Promise<PreparedVaccination> {
      send({ ids });
      while (!prepared && !failure) await wait();
      if (!prepared) throw failure;
      const out: PreparedVaccination = prepared;
      prepared = null;
      return out;
    },
    async terminate() {
      if (!exited) await worker.terminate();
    },
  };
}

if (!isMainThread && (workerData as { tag?: string } | null)?.tag === WORKER_TAG) {
  const plan = (workerData as { plan: Plan }).plan;
  let planner = plannerOf(plan);
  let residents = residentsOf(plan);
  const produce = csvChunks(plan, planner, residents);
  let vaccination: VaccinationPlan | null = null;
  parentPort!.on('message', (m: ToWorker) => {
    if ('credit' in m) {
      for (let i = 0; i < m.credit; i++) {
        const next = produce.next();
        if (next.done) {
          parentPort!.postMessage({ end: true } satisfies FromWorker);
          // The last person is made: the lots and allocations of their doses, while the main thread writes.
          if (planner) vaccination = planner.finish();
          planner = null;
          return;
        }
        parentPort!.postMessage({ chunk: next.value } satisfies FromWorker);
      }
    } else if (plan.vaccination && vaccination) {
      const p = prepareVaccination(plan.vaccination, vaccination, m.ids, residents);
      vaccination = null;
      residents = null;
      parentPort!.postMessage({ vaccination: p } satisfies FromWorker, [p.dosesCsv.buffer, p.profilesCsv.buffer, p.visitsCsv.buffer, ...(p.coverageCsv ? [p.coverageCsv.buffer] : [])] as ArrayBuffer[]);
    }
  });
}

/**
 * Bulk load into an empty table: its secondary indexes are dropped now and rebuilt after the load,
 * from their own definitions (pg_indexes), because building an index once over the loaded rows is
 * several times faster than maintaining it row by row. Unique constraints are dropped and added
 * back the same way; the primary key stays. Returns the statements that rebuild the dropped indexes; the transaction makes the
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
  // Unique constraints too (checked once over the loaded rows when they come back); the primary key stays.
  const uniques = await q.query<{ name: string; definition: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'u' ORDER BY conname`,
    [table],
  );
  for (const u of uniques.rows) await q.exec(`ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(u.name)}`);
  return [...indexes.rows.map((ix) => ix.definition), ...uniques.rows.map((u) => `ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(u.name)} ${u.definition}`)];
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
