// SQL for import jobs and for writing validated people in bulk (COPY for new people, a staging
// table and one INSERT … ON CONFLICT for known ones), the same on PGlite and PostgreSQL.
import type { Db, Queryable } from '../../db/index.ts';
import type { ImportUnit, IssueCode, PersonColumn, PersonRecord } from '../../../domain/people/importRow.ts';
import { CsvReader } from './csv.ts';

export interface JobScope {
  provinceCode: string;
  /** The reader's jurisdiction: they see jobs started by users inside it (CLI jobs: province level only). */
  path: string;
}

export interface JobCounts {
  totalRows: number;
  processedRows: number;
  insertedRows: number;
  updatedRows: number;
  unchangedRows: number;
  errorRows: number;
}

export interface JobRow extends JobCounts {
  id: number;
  kind: string;
  filename: string | null;
  status: 'running' | 'done' | 'failed';
  message: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export async function loadImportUnits(q: Queryable, provinceCode: string): Promise<ImportUnit[]> {
  const r = await q.query<ImportUnit>(
    `SELECT code, level, name, type, path FROM admin_unit WHERE province_code = $1 AND level IN ('province', 'commune', 'village')`,
    [provinceCode],
  );
  return r.rows;
}

export async function provinceRootPath(q: Queryable, provinceCode: string): Promise<string | null> {
  const r = await q.query<{ path: string }>(`SELECT path FROM admin_unit WHERE province_code = $1 AND level = 'province'`, [provinceCode]);
  return r.rows[0]?.path ?? null;
}

export async function createJob(
  q: Queryable,
  job: { provinceCode: string; kind: string; filename: string; sha256: string | null; createdBy: number | null },
): Promise<number> {
  const r = await q.query<{ id: number }>(
    `INSERT INTO import_job (province_code, kind, filename, file_sha256, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [job.provinceCode, job.kind, job.filename, job.sha256, job.createdBy],
  );
  return r.rows[0].id;
}

export async function updateJobProgress(q: Queryable, provinceCode: string, id: number, c: JobCounts) {
  await q.query(
    // Chunks written side by side may commit out of order: progress never goes back.
    `UPDATE import_job SET total_rows = $3, processed_rows = GREATEST(processed_rows, $4), inserted_rows = $5, updated_rows = $6,
            unchanged_rows = $7, error_rows = $8
      WHERE province_code = $1 AND id = $2`,
    [provinceCode, id, c.totalRows, c.processedRows, c.insertedRows, c.updatedRows, c.unchangedRows, c.errorRows],
  );
}

export async function finishJob(
  q: Queryable,
  provinceCode: string,
  id: number,
  end: { status: 'done' | 'failed'; counts: JobCounts; errorsCsv: string | null; message: string },
) {
  await updateJobProgress(q, provinceCode, id, end.counts);
  await q.query(
    `UPDATE import_job SET status = $3, errors_csv = $4, message = $5, finished_at = now() WHERE province_code = $1 AND id = $2`,
    [provinceCode, id, end.status, end.errorsCsv, end.message],
  );
}

/** Jobs still marked running when no process can be running them (embedded database, after a restart). */
export async function failInterruptedJobs(q: Queryable, message: string) {
  await q.query(`UPDATE import_job SET status = 'failed', message = $1, finished_at = now() WHERE status = 'running'`, [message]);
}

const JOB_COLS = `j.id, j.kind, j.filename, j.status, j.total_rows AS "totalRows", j.processed_rows AS "processedRows",
  j.inserted_rows AS "insertedRows", j.updated_rows AS "updatedRows", j.unchanged_rows AS "unchangedRows",
  j.error_rows AS "errorRows", j.message, j.started_at AS "startedAt", j.finished_at AS "finishedAt"`;

// A job belongs where its creator's jurisdiction is; jobs from the CLI (no creator) belong to the province.
const JOB_SCOPE = `FROM import_job j
  LEFT JOIN app_user u ON u.province_code = j.province_code AND u.id = j.created_by
  LEFT JOIN admin_unit a ON a.province_code = u.province_code AND a.code = u.unit_code
  WHERE j.province_code = $1
    AND coalesce(a.path, (SELECT r.path FROM admin_unit r WHERE r.province_code = $1 AND r.level = 'province')) LIKE $2 || '%'`;

export async function getJob(q: Queryable, scope: JobScope, id: number): Promise<JobRow | null> {
  const r = await q.query<JobRow>(`SELECT ${JOB_COLS} ${JOB_SCOPE} AND j.id = $3`, [scope.provinceCode, scope.path, id]);
  return r.rows[0] ?? null;
}

export async function listJobs(q: Queryable, scope: JobScope, limit = 50): Promise<JobRow[]> {
  const r = await q.query<JobRow>(`SELECT ${JOB_COLS} ${JOB_SCOPE} ORDER BY j.id DESC LIMIT $3`, [scope.provinceCode, scope.path, limit]);
  return r.rows;
}

export async function getJobErrors(q: Queryable, scope: JobScope, id: number): Promise<{ filename: string | null; errorsCsv: string | null } | null> {
  const r = await q.query<{ filename: string | null; errorsCsv: string | null }>(
    `SELECT j.filename, j.errors_csv AS "errorsCsv" ${JOB_SCOPE} AND j.id = $3`,
    [scope.provinceCode, scope.path, id],
  );
  return r.rows[0] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Bulk write of one chunk of people
//
// A chunk is split by what the registry already holds under each natural key:
//   - new people are copied straight into person (COPY, no staging, no ON CONFLICT);
//   - people already registered go through a staging table and one INSERT … ON CONFLICT that
//     writes only rows that changed;
//   - rows of merged records (the natural key is an alias of a kept person, or the row is the kept
//     person's own) update the kept person the way the merge combined them (mergedUpdate).
// Rows the importer may not write (a person or household registered outside the jurisdiction, a
// CCCD another record holds) are left out and returned.

/** Columns of person a chunk's CSV lines fill, in this order (the staging table has the same). */
const COPY_COLUMNS = [
  'province_code', 'natural_key', 'cccd', 'full_name', 'name_search', 'birth_date', 'sex', 'phone',
  'commune_code', 'village_code', 'unit_path', 'household_id', 'address', 'import_job_id',
];

function csvField(s: string | null): string {
  if (s === null) return '';
  return s.includes('"') || s.includes(',') || s.includes('\n') || s.includes('\r') ? '"' + s.replace(/"/g, '""') + '"' : s;
}

interface HouseholdRow {
  household_id: string;
  commune_code: string;
  village_code: string | null;
  unit_path: string;
  address: string | null;
}

/**
 * The validated rows of one chunk, written as they come into one buffer of CSV lines ready for
 * COPY into person (or the staging table, which has the same columns). A registry import holds
 * millions of rows in passing: keeping each as bytes off the JavaScript heap, rather than as
 * objects, keeps the garbage collector's work small. The few paths that need a row's fields again
 * (merged records) read them back from its line.
 */
export class PeopleChunk {
  readonly rowNumbers: number[] = [];
  /** Natural key of each row (kept only when the chunk will look them up). */
  readonly keys: string[] = [];
  readonly householdIds: (string | null)[] = [];
  /** Per household: the row that describes it (the first with an address, else the first). */
  readonly households = new Map<string, { index: number; row: HouseholdRow }>();
  private buf = Buffer.allocUnsafe(1 << 22);
  private ends: number[] = [];
  private readonly head: string;
  private readonly tail: string;

  /** Households of this chunk an earlier chunk of the import also had (see `seen`). */
  readonly sharedHouseholds = new Set<string>();

  /**
   * `seen`: households of the earlier chunks, when the chunk's new households may be copied in
   * rather than upserted (a province without people yet): only those shared with an earlier chunk
   * need the upsert.
   */
  constructor(
    provinceCode: string,
    jobId: number,
    private readonly keepKeys: boolean,
    readonly seen: Set<string> | null = null,
  ) {
    this.head = csvField(provinceCode) + ',';
    this.tail = ',' + jobId + '\n';
  }

  get length() {
    return this.rowNumbers.length;
  }

  add(rowNumber: number, p: PersonRecord) {
    // Names are letters, spaces, apostrophes, hyphens and dots (validatePersonRow), search keys
    // letters, digits and spaces: nothing to quote in them.
    const line =
      this.head + csvField(p.naturalKey) + ',' + (p.cccd ?? '') + ',' + p.fullName + ',' + p.nameSearch + ',' +
      p.birthDate + ',' + p.sex + ',' + (p.phone ?? '') + ',' + csvField(p.communeCode) + ',' + csvField(p.villageCode) + ',' +
      csvField(p.unitPath) + ',' + csvField(p.householdId) + ',' + csvField(p.address) + this.tail;
    const at = this.ends.length ? this.ends[this.ends.length - 1] : 0;
    if (at + line.length * 3 > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, at + line.length * 3));
      this.buf.copy(bigger, 0, 0, at);
      this.buf = bigger;
    }
    this.ends.push(at + this.buf.write(line, at, 'utf8'));
    const index = this.rowNumbers.length;
    this.rowNumbers.push(rowNumber);
    if (this.keepKeys) this.keys.push(p.naturalKey);
    this.householdIds.push(p.householdId);
    if (p.householdId !== null) {
      const h = this.households.get(p.householdId);
      if (!h && this.seen) {
        if (this.seen.has(p.householdId)) this.sharedHouseholds.add(p.householdId);
        else this.seen.add(p.householdId);
      }
      if (!h || (h.row.address === null && p.address !== null)) {
        this.households.set(p.householdId, {
          index,
          row: { household_id: p.householdId, commune_code: p.communeCode, village_code: p.villageCode, unit_path: p.unitPath, address: p.address },
        });
      }
    }
  }

  /** The chunk as plain data a worker thread can post (the buffer is transferred, not copied). */
  toParts(): PeopleChunkParts {
    const used = this.ends.length ? this.ends[this.ends.length - 1] : 0;
    return {
      head: this.head, tail: this.tail, keepKeys: this.keepKeys,
      buf: this.buf.buffer.slice(this.buf.byteOffset, this.buf.byteOffset + used) as ArrayBuffer,
      ends: this.ends, rowNumbers: this.rowNumbers, keys: this.keys, householdIds: this.householdIds,
      households: this.households, sharedHouseholds: this.sharedHouseholds, seen: this.seen !== null,
    };
  }

  static fromParts(p: PeopleChunkParts): PeopleChunk {
    const c = new PeopleChunk('', 0, p.keepKeys, p.seen ? new Set() : null);
    Object.assign(c, { head: p.head, tail: p.tail, buf: Buffer.from(p.buf), ends: p.ends, rowNumbers: p.rowNumbers, keys: p.keys, householdIds: p.householdIds, households: p.households, sharedHouseholds: p.sharedHouseholds });
    return c;
  }

  /** The CSV lines of these rows (all when not given), as UTF-8. */
  lines(indexes?: readonly number[]): Buffer {
    if (!indexes) return this.buf.subarray(0, this.ends.length ? this.ends[this.ends.length - 1] : 0);
    return Buffer.concat(indexes.map((i) => this.buf.subarray(i ? this.ends[i - 1] : 0, this.ends[i])));
  }

  /** Row i's fields read back from its line. */
  person(i: number): PersonRecord {
    const f = new CsvReader({ delimiter: ',' }).push(this.lines([i]).toString('utf8'))[0];
    const v = (x: string) => (x === '' ? null : x);
    return {
      naturalKey: f[1], cccd: v(f[2]), fullName: f[3], nameSearch: f[4], birthDate: f[5], sex: f[6] as PersonRecord['sex'], phone: v(f[7]),
      communeCode: f[8], villageCode: v(f[9]), unitPath: f[10], householdId: v(f[11]), address: v(f[12]),
    };
  }
}

export interface PeopleChunkParts {
  head: string;
  tail: string;
  keepKeys: boolean;
  buf: ArrayBuffer;
  ends: number[];
  rowNumbers: number[];
  keys: string[];
  householdIds: (string | null)[];
  households: Map<string, { index: number; row: HouseholdRow }>;
  sharedHouseholds: Set<string>;
  /** Whether the chunk's new households may be copied in (PeopleChunk.seen was given). */
  seen: boolean;
}

/**
 * How a chunk finds out which of its people are new:
 *  - 'copy': the province had nobody when the import started, so all are taken as new and copied
 *    (should someone have been registered meanwhile, the COPY fails on the unique key and the chunk
 *    goes through the upsert instead);
 *  - 'probe': look their natural keys up first, copy the new ones, upsert the others;
 *  - 'upsert': everything through the upsert (a re-import, where nearly all are known).
 */
export type ChunkMode = 'copy' | 'probe' | 'upsert';

export interface ChunkInput {
  provinceCode: string;
  jobId: number;
  jurisdictionPath: string;
  wholeProvince: boolean;
  chunk: PeopleChunk;
  mode: ChunkMode;
  /** The province has merged records (person_alias rows): look for rows that belong to a kept person. */
  aliases: boolean;
}

export interface RejectedRow {
  rowNumber: number;
  column: PersonColumn;
  code: IssueCode;
}

export interface ChunkResult {
  inserted: number;
  updated: number;
  unchanged: number;
  householdsInserted: number;
  rejected: RejectedRow[];
  /** Rows found new (copied or upserted as new), for choosing the next chunk's mode. */
  fresh: number;
}

const CREATE_STAGE = `CREATE TEMP TABLE import_stage (
  province_code text NOT NULL, natural_key text NOT NULL, cccd text, full_name text NOT NULL, name_search text NOT NULL,
  birth_date date, sex char(1), phone text, commune_code text NOT NULL, village_code text, unit_path text NOT NULL,
  household_id text, address text, import_job_id bigint NOT NULL,
  idx int GENERATED ALWAYS AS IDENTITY (MINVALUE 0 START 0)
) ON COMMIT DROP`;

const PERSON_FIELDS = ['cccd', 'full_name', 'name_search', 'birth_date', 'sex', 'phone', 'commune_code', 'village_code', 'unit_path', 'household_id', 'address'];

const UPSERT_PEOPLE = `WITH written AS (
  INSERT INTO person AS p (province_code, natural_key, ${PERSON_FIELDS.join(', ')}, import_job_id)
  SELECT province_code, natural_key, ${PERSON_FIELDS.join(', ')}, import_job_id FROM import_stage ORDER BY natural_key
  ON CONFLICT (province_code, natural_key) DO UPDATE
     SET ${PERSON_FIELDS.map((f) => `${f} = EXCLUDED.${f}`).join(', ')}, import_job_id = EXCLUDED.import_job_id, updated_at = now()
   WHERE (${PERSON_FIELDS.map((f) => `p.${f}`).join(', ')}) IS DISTINCT FROM (${PERSON_FIELDS.map((f) => `EXCLUDED.${f}`).join(', ')})
  RETURNING (p.xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM written`;

// One row per household (the first member row with an address, else the first member row); a
// later member without an address does not blank the household's. Rows come in household_id
// order, so chunks written side by side lock shared households in the same order.
const UPSERT_HOUSEHOLDS = `WITH written AS (
  INSERT INTO household AS h (province_code, household_id, commune_code, village_code, unit_path, address)
  SELECT $1, x.household_id, x.commune_code, x.village_code, x.unit_path, x.address
    FROM json_to_recordset($2::json) AS x(household_id text, commune_code text, village_code text, unit_path text, address text)
  ON CONFLICT (province_code, household_id) DO UPDATE
     SET commune_code = EXCLUDED.commune_code, village_code = EXCLUDED.village_code, unit_path = EXCLUDED.unit_path,
         address = coalesce(EXCLUDED.address, h.address)
   WHERE (h.commune_code, h.village_code, h.unit_path, h.address)
         IS DISTINCT FROM (EXCLUDED.commune_code, EXCLUDED.village_code, EXCLUDED.unit_path, coalesce(EXCLUDED.address, h.address))
  RETURNING (h.xmax = 0) AS inserted
)
SELECT count(*)::int AS inserted FROM written WHERE inserted`;

interface Registered {
  id: number;
  unitPath: string;
  /** The person has aliases: it is what a merge kept. */
  merged: boolean;
}

/** People of the province registered under these natural keys (directly, or as the alias of a kept person). */
async function lookUp(q: Queryable, provinceCode: string, keys: string[], aliases: boolean) {
  const own = new Map<string, Registered>();
  const r = await q.query<{ natural_key: string; id: number; unit_path: string; merged: boolean }>(
    `SELECT p.natural_key, p.id, p.unit_path,
            ${aliases ? 'EXISTS (SELECT 1 FROM person_alias a WHERE a.province_code = p.province_code AND a.person_id = p.id)' : 'false'} AS merged
       FROM person p WHERE p.province_code = $1 AND p.natural_key = ANY($2::text[])`,
    [provinceCode, keys],
  );
  for (const x of r.rows) own.set(x.natural_key, { id: Number(x.id), unitPath: x.unit_path, merged: x.merged });
  const alias = new Map<string, Registered>();
  if (aliases) {
    const a = await q.query<{ natural_key: string; id: number; unit_path: string }>(
      `SELECT a.natural_key, p.id, p.unit_path FROM person_alias a JOIN person p ON p.province_code = a.province_code AND p.id = a.person_id
        WHERE a.province_code = $1 AND a.natural_key = ANY($2::text[])`,
      [provinceCode, keys.filter((k) => !own.has(k))],
    );
    for (const x of a.rows) alias.set(x.natural_key, { id: Number(x.id), unitPath: x.unit_path, merged: true });
  }
  return { own, alias };
}

/** Runs fn in a savepoint; on a unique violation rolls back to it and returns false. */
async function unlessUniqueViolation(q: Queryable, name: string, fn: () => Promise<void>): Promise<boolean> {
  await q.query(`SAVEPOINT ${name}`);
  try {
    await fn();
  } catch (e) {
    if ((e as { code?: string }).code !== '23505') throw e;
    await q.query(`ROLLBACK TO SAVEPOINT ${name}`);
    await q.query(`RELEASE SAVEPOINT ${name}`);
    return false;
  }
  await q.query(`RELEASE SAVEPOINT ${name}`);
  return true;
}

/** Rows of a merged (kept) person in a chunk: the person's own row, and rows under its aliases. */
interface MergedGroup {
  own: number | null;
  aliases: number[];
}

/**
 * Writes one chunk of validated people inside the caller's transaction. Rows that would touch a
 * person or household registered outside the importer's jurisdiction, or reuse a CCCD another
 * record has, are left out and returned.
 */
export async function writePeopleChunk(q: Queryable, c: ChunkInput): Promise<ChunkResult> {
  const { chunk } = c;
  const out: ChunkResult = { inserted: 0, updated: 0, unchanged: 0, householdsInserted: 0, rejected: [], fresh: 0 };
  const refused = new Set<number>(); // chunk indexes
  const reject = (i: number, column: PersonColumn, code: IssueCode) => {
    refused.add(i);
    out.rejected.push({ rowNumber: chunk.rowNumbers[i], column, code });
  };
  const all = Array.from({ length: chunk.length }, (_, i) => i);
  let fresh: number[] = [];
  let known: number[] = [];
  const merged = new Map<number, MergedGroup>();

  if (c.mode === 'upsert') known = all;
  else if (c.mode === 'copy' && !c.aliases) fresh = all;
  else {
    const found = await lookUp(q, c.provinceCode, chunk.keys, c.aliases);
    for (const i of all) {
      const own = found.own.get(chunk.keys[i]);
      const target = own ?? found.alias.get(chunk.keys[i]);
      if (target && !c.wholeProvince && !target.unitPath.startsWith(c.jurisdictionPath)) reject(i, 'cccd', 'person.outside_jurisdiction');
      else if (!target) fresh.push(i);
      else if (!target.merged) known.push(i);
      else {
        const g = merged.get(target.id) ?? { own: null, aliases: [] };
        if (own) g.own = i;
        else g.aliases.push(i);
        merged.set(target.id, g);
      }
    }
  }

  // A new person may not join a household registered outside the jurisdiction (rows going through
  // the staging table are checked there).
  if (!c.wholeProvince && (fresh.length || merged.size)) {
    const candidates = [...fresh, ...[...merged.values()].flatMap((g) => (g.own === null ? g.aliases : [g.own, ...g.aliases]))];
    const ids = [...new Set(candidates.map((i) => chunk.householdIds[i]).filter((h): h is string => h !== null))];
    if (ids.length) {
      const outside = new Set(
        (
          await q.query<{ household_id: string }>(
            `SELECT household_id FROM household WHERE province_code = $1 AND household_id = ANY($2::text[]) AND unit_path NOT LIKE $3 || '%'`,
            [c.provinceCode, ids, c.jurisdictionPath],
          )
        ).rows.map((x) => x.household_id),
      );
      if (outside.size) {
        const keep = (i: number) => {
          const h = chunk.householdIds[i];
          if (h === null || !outside.has(h)) return true;
          reject(i, 'household_id', 'household.outside_jurisdiction');
          return false;
        };
        fresh = fresh.filter(keep);
        for (const [id, g] of merged) {
          if (g.own !== null && !keep(g.own)) g.own = null;
          g.aliases = g.aliases.filter(keep);
          if (g.own === null && !g.aliases.length) merged.delete(id);
        }
      }
    }
  }

  if (fresh.length) {
    const csv = fresh.length === chunk.length ? chunk.lines() : chunk.lines(fresh);
    if (await unlessUniqueViolation(q, 'import_copy', () => q.copyFromCsv('person', COPY_COLUMNS, csv))) {
      out.inserted += fresh.length;
      out.fresh += fresh.length;
    } else known = [...known, ...fresh].sort((a, b) => a - b); // someone registered one of them meanwhile, or a CCCD is taken: row by row
  }
  if (known.length) {
    const r = await upsertKnown(q, c, known, reject);
    out.inserted += r.inserted;
    out.fresh += r.inserted;
    out.updated += r.updated;
  }
  if (merged.size) out.updated += await mergedUpdate(q, c, merged, reject);
  out.unchanged = chunk.length - out.rejected.length - out.inserted - out.updated;
  out.householdsInserted = await upsertHouseholds(q, c, refused);
  return out;
}

/** People already registered (or maybe so): staging table, then one upsert writing only what changed. */
async function upsertKnown(q: Queryable, c: ChunkInput, rows: number[], reject: (i: number, column: PersonColumn, code: IssueCode) => void) {
  await q.query(CREATE_STAGE);
  await q.copyFromCsv('import_stage', COPY_COLUMNS, rows.length === c.chunk.length ? c.chunk.lines() : c.chunk.lines(rows));
  // The staging table numbers its rows from 0 in the order copied: rows[idx] is the chunk index.
  const rejectRows = async (sql: string, params: unknown[], column: PersonColumn, code: IssueCode) => {
    for (const x of (await q.query<{ idx: number }>(sql, params)).rows) reject(rows[x.idx], column, code);
  };
  if (!c.wholeProvince) {
    const params = [c.provinceCode, c.jurisdictionPath];
    await rejectRows(
      `DELETE FROM import_stage s USING person p
        WHERE p.province_code = $1 AND p.natural_key = s.natural_key AND p.unit_path NOT LIKE $2 || '%' RETURNING s.idx`,
      params,
      'cccd',
      'person.outside_jurisdiction',
    );
    await rejectRows(
      `DELETE FROM import_stage s USING household h
        WHERE h.province_code = $1 AND h.household_id = s.household_id AND h.unit_path NOT LIKE $2 || '%' RETURNING s.idx`,
      params,
      'household_id',
      'household.outside_jurisdiction',
    );
  }
  // A CCCD held by a record with another natural key is rare: try the write, and only on that
  // unique violation find and drop the rows concerned, then write again.
  let people = { inserted: 0, updated: 0 };
  const upsert = async () => {
    people = (await q.query<{ inserted: number; updated: number }>(UPSERT_PEOPLE)).rows[0];
  };
  if (!(await unlessUniqueViolation(q, 'import_upsert', upsert))) {
    await rejectRows(
      `DELETE FROM import_stage s USING person p
        WHERE p.province_code = $1 AND s.cccd IS NOT NULL AND p.cccd = s.cccd AND p.natural_key <> s.natural_key RETURNING s.idx`,
      [c.provinceCode],
      'cccd',
      'cccd.conflict',
    );
    await upsert();
  }
  return people;
}

// A merge keeps one record and fills its blanks from the other (domain/people/duplicates.ts
// mergedFacts). Re-importing rows of the two does the same: the kept person's own row sets what it
// gives (a blank in it does not erase what the merge filled in), a merged record's row only fills
// what is still blank; neither order nor repetition changes the result, so a re-import of the same
// file leaves the person unchanged. Where the person lives follows the own row only.
const FILLED = ['birth_date', 'sex', 'cccd', 'phone', 'household_id', 'address'] as const;
const OWN_ONLY = ['full_name', 'name_search'] as const;
const PLACE = ['commune_code', 'village_code', 'unit_path'] as const;
const MERGED_NEW = {
  ...Object.fromEntries(OWN_ONLY.map((f) => [f, `coalesce(x.${f}, p.${f})`])),
  ...Object.fromEntries(FILLED.map((f) => [f, `coalesce(x.${f}, p.${f}, x.a_${f})`])),
  ...Object.fromEntries(PLACE.map((f) => [f, `CASE WHEN x.own THEN x.${f} ELSE p.${f} END`])),
} as Record<string, string>;
const MERGED_FIELDS = Object.keys(MERGED_NEW);
const MERGED_UPDATE = `UPDATE person p SET ${MERGED_FIELDS.map((f) => `${f} = ${MERGED_NEW[f]}`).join(', ')}, import_job_id = $3, updated_at = now()
  FROM json_to_recordset($2::json) AS x(id bigint, own boolean, full_name text, name_search text, commune_code text, village_code text, unit_path text,
       ${FILLED.map((f) => `${f} ${f === 'birth_date' ? 'date' : 'text'}, a_${f} ${f === 'birth_date' ? 'date' : 'text'}`).join(', ')})
 WHERE p.province_code = $1 AND p.id = x.id
   AND (${MERGED_FIELDS.map((f) => `p.${f}`).join(', ')}) IS DISTINCT FROM (${MERGED_FIELDS.map((f) => MERGED_NEW[f]).join(', ')})
RETURNING p.id`;

const FIELD_OF: Record<(typeof FILLED)[number], keyof PersonRecord> = {
  birth_date: 'birthDate',
  sex: 'sex',
  cccd: 'cccd',
  phone: 'phone',
  household_id: 'householdId',
  address: 'address',
};

/** Updates the kept people of merged records; returns how many changed (each counted once, on its first row). */
async function mergedUpdate(q: Queryable, c: ChunkInput, groups: Map<number, MergedGroup>, reject: (i: number, column: PersonColumn, code: IssueCode) => void) {
  const people = new Map<number, PersonRecord>();
  for (const g of groups.values()) for (const i of g.own === null ? g.aliases : [g.own, ...g.aliases]) people.set(i, c.chunk.person(i));
  // A CCCD another record holds is refused, as in the upsert.
  const cccds = [...people.values()].map((p) => p.cccd).filter((x): x is string => !!x);
  const holders = new Map(
    (await q.query<{ cccd: string; id: number }>(`SELECT cccd, id FROM person WHERE province_code = $1 AND cccd = ANY($2::text[])`, [c.provinceCode, cccds])).rows.map((x) => [x.cccd, Number(x.id)]),
  );
  const allowed = (id: number, i: number) => {
    const cccd = people.get(i)!.cccd;
    const holder = cccd ? holders.get(cccd) : undefined;
    if (holder === undefined || holder === id) return true;
    reject(i, 'cccd', 'cccd.conflict');
    return false;
  };
  const payload: Record<string, unknown>[] = [];
  for (const [id, g] of groups) {
    const own = g.own !== null && allowed(id, g.own) ? people.get(g.own)! : null;
    const aliases = g.aliases.filter((i) => allowed(id, i)).map((i) => people.get(i)!);
    if (!own && !aliases.length) continue;
    const x: Record<string, unknown> = { id, own: !!own };
    if (own) Object.assign(x, { full_name: own.fullName, name_search: own.nameSearch, commune_code: own.communeCode, village_code: own.villageCode, unit_path: own.unitPath });
    for (const f of FILLED) {
      x[f] = own ? own[FIELD_OF[f]] : null;
      x[`a_${f}`] = aliases.map((p) => p[FIELD_OF[f]]).find((v) => v != null) ?? null; // alias rows are in file order
    }
    payload.push(x);
  }
  if (!payload.length) return 0;
  // Lock the kept people in id order: chunks written side by side never wait on each other in a circle.
  const ids = payload.map((x) => x.id as number).sort((a, b) => a - b);
  await q.query(`SELECT id FROM person WHERE province_code = $1 AND id = ANY($2::bigint[]) ORDER BY id FOR UPDATE`, [c.provinceCode, ids]);
  return (await q.query(MERGED_UPDATE, [c.provinceCode, JSON.stringify(payload), c.jobId])).rows.length;
}

/** Households of the rows written, one row each in household_id order. */
async function upsertHouseholds(q: Queryable, c: ChunkInput, refused: Set<number>): Promise<number> {
  const { chunk } = c;
  const list: HouseholdRow[] = [];
  for (const [id, h] of chunk.households) {
    if (!refused.has(h.index)) {
      list.push(h.row);
      continue;
    }
    // The row describing the household was refused: describe it by the other rows written, if any.
    let best: PersonRecord | null = null;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk.householdIds[i] !== id || refused.has(i)) continue;
      const p = chunk.person(i);
      if (!best || (best.address === null && p.address !== null)) best = p;
      if (best.address !== null) break;
    }
    if (best) list.push({ household_id: id, commune_code: best.communeCode, village_code: best.villageCode, unit_path: best.unitPath, address: best.address });
  }
  if (!list.length) return 0;
  list.sort((a, b) => (a.household_id < b.household_id ? -1 : a.household_id > b.household_id ? 1 : 0));
  // Households no earlier chunk had are new in a province without people yet: copied in (should
  // one exist after all, the COPY fails on the key and all of them go through the upsert).
  if (chunk.seen) {
    const fresh = list.filter((h) => !chunk.sharedHouseholds.has(h.household_id));
    const shared = list.filter((h) => chunk.sharedHouseholds.has(h.household_id));
    let csv = '';
    for (const h of fresh) csv += `${csvField(c.provinceCode)},${csvField(h.household_id)},${csvField(h.commune_code)},${csvField(h.village_code)},${csvField(h.unit_path)},${csvField(h.address)}\n`;
    if (!fresh.length || (await unlessUniqueViolation(q, 'import_households', () => q.copyFromCsv('household', HOUSEHOLD_COLUMNS, csv)))) {
      return fresh.length + (shared.length ? (await q.query<{ inserted: number }>(UPSERT_HOUSEHOLDS, [c.provinceCode, JSON.stringify(shared)])).rows[0].inserted : 0);
    }
  }
  return (await q.query<{ inserted: number }>(UPSERT_HOUSEHOLDS, [c.provinceCode, JSON.stringify(list)])).rows[0].inserted;
}

const HOUSEHOLD_COLUMNS = ['province_code', 'household_id', 'commune_code', 'village_code', 'unit_path', 'address'];

// ---------------------------------------------------------------------------------------------
// Indexes put off during a bulk load

/** Whether person holds fewer than `rows` rows (counts at most that many). */
export async function personRowsBelow(q: Queryable, rows: number): Promise<boolean> {
  const r = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM person LIMIT $1) s`, [rows]);
  return r.rows[0].n < rows;
}

export async function provinceHasPeople(q: Queryable, provinceCode: string): Promise<{ people: boolean; aliases: boolean }> {
  const r = await q.query<{ people: boolean; aliases: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM person WHERE province_code = $1) AS people, EXISTS (SELECT 1 FROM person_alias WHERE province_code = $1) AS aliases`,
    [provinceCode],
  );
  return r.rows[0];
}

/**
 * Drops the secondary indexes of a table (non-unique, not behind a constraint: accelerators only,
 * so nothing a write relies on) and records their definitions in deferred_index, in one
 * transaction. Returns their names. Reads still work meanwhile, by scanning.
 */
export async function deferIndexes(db: Db, table: string): Promise<string[]> {
  return db.tx(async (q) => {
    const r = await q.query<{ name: string; definition: string }>(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = to_regclass($1) AND NOT i.indisunique AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        ORDER BY c.relname`,
      [table],
    );
    for (const ix of r.rows) {
      await q.query(`INSERT INTO deferred_index (index_name, table_name, definition) VALUES ($1, $2, $3) ON CONFLICT (index_name) DO NOTHING`, [ix.name, table, ix.definition]);
      await q.exec(`DROP INDEX IF EXISTS ${quoteIdent(ix.name)}`);
    }
    return r.rows.map((x) => x.name);
  });
}

/**
 * Builds every index recorded in deferred_index again (each in its own transaction, with the
 * memory to sort in one go), `lanes` at a time on PostgreSQL. Safe to run at any time: an index
 * that exists is left alone.
 */
export async function restoreDeferredIndexes(db: Db, lanes = 1): Promise<string[]> {
  const r = await db.query<{ index_name: string; definition: string }>(`SELECT index_name, definition FROM deferred_index ORDER BY index_name`);
  // Longest builds first (GIN, then wider keys), so that the lanes end together.
  const weight = (d: string) => (/ USING gin /i.test(d) ? 1e6 : 0) + d.length;
  const todo = [...r.rows].sort((a, b) => weight(b.definition) - weight(a.definition));
  const built: string[] = [];
  const lane = async () => {
    for (let ix = todo.shift(); ix; ix = todo.shift()) {
      const { index_name: name, definition } = ix;
      await db.tx(async (q) => {
        await q.exec(`SET LOCAL maintenance_work_mem = '256MB'`);
        await q.exec(definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS '));
        await q.query(`DELETE FROM deferred_index WHERE index_name = $1`, [name]);
      });
      built.push(name);
    }
  };
  await Promise.all(Array.from({ length: db.kind === 'postgres' ? Math.max(1, lanes) : 1 }, lane));
  return built;
}

function quoteIdent(name: string) {
  return '"' + name.replace(/"/g, '""') + '"';
}
