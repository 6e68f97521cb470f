// SQL for import jobs and for writing validated people in bulk. A chunk of people goes through a
// temporary staging table (COPY, then one INSERT … ON CONFLICT), so it works the same on PGlite and PostgreSQL.
import type { Queryable } from '../../db/index.ts';
import type { ImportUnit, IssueCode, PersonColumn } from '../../../domain/people/importRow.ts';

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

/** Columns of the COPY text the service builds, in this order. */
export const STAGE_COLUMNS = [
  'row_no',
  'natural_key',
  'cccd',
  'full_name',
  'name_search',
  'birth_date',
  'sex',
  'phone',
  'commune_code',
  'village_code',
  'unit_path',
  'household_id',
  'address',
] as const;

const CREATE_STAGE = `CREATE TEMP TABLE import_stage (
  row_no int NOT NULL, natural_key text NOT NULL, cccd text, full_name text NOT NULL, name_search text NOT NULL,
  birth_date date, sex char(1), phone text, commune_code text NOT NULL, village_code text, unit_path text NOT NULL,
  household_id text, address text
) ON COMMIT DROP`;

const PERSON_FIELDS = ['cccd', 'full_name', 'name_search', 'birth_date', 'sex', 'phone', 'commune_code', 'village_code', 'unit_path', 'household_id', 'address'];

const UPSERT_PEOPLE = `WITH written AS (
  INSERT INTO person AS p (province_code, natural_key, ${PERSON_FIELDS.join(', ')}, import_job_id)
  SELECT $1, natural_key, ${PERSON_FIELDS.join(', ')}, $2 FROM import_stage ORDER BY natural_key
  ON CONFLICT (province_code, natural_key) DO UPDATE
     SET ${PERSON_FIELDS.map((f) => `${f} = EXCLUDED.${f}`).join(', ')}, import_job_id = EXCLUDED.import_job_id, updated_at = now()
   WHERE (${PERSON_FIELDS.map((f) => `p.${f}`).join(', ')}) IS DISTINCT FROM (${PERSON_FIELDS.map((f) => `EXCLUDED.${f}`).join(', ')})
  RETURNING (p.xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM written`;

// One row per household (preferring a member row with an address); a later member without an
// address does not blank the household's.
const UPSERT_HOUSEHOLDS = `WITH written AS (
  INSERT INTO household AS h (province_code, household_id, commune_code, village_code, unit_path, address)
  SELECT DISTINCT ON (household_id) $1, household_id, commune_code, village_code, unit_path, address
    FROM import_stage WHERE household_id IS NOT NULL
   ORDER BY household_id, address IS NULL, row_no
  ON CONFLICT (province_code, household_id) DO UPDATE
     SET commune_code = EXCLUDED.commune_code, village_code = EXCLUDED.village_code, unit_path = EXCLUDED.unit_path,
         address = coalesce(EXCLUDED.address, h.address)
   WHERE (h.commune_code, h.village_code, h.unit_path, h.address)
         IS DISTINCT FROM (EXCLUDED.commune_code, EXCLUDED.village_code, EXCLUDED.unit_path, coalesce(EXCLUDED.address, h.address))
  RETURNING (h.xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted FROM written`;

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
}

async function rejectRows(q: Queryable, sql: string, params: unknown[], column: PersonColumn, code: IssueCode): Promise<RejectedRow[]> {
  const r = await q.query<{ row_no: number }>(sql, params);
  return r.rows.map((x) => ({ rowNumber: x.row_no, column, code }));
}

/**
 * Writes one chunk of validated people (CSV text in STAGE_COLUMNS order, `staged` rows) inside the
 * caller's transaction. Rows that would touch a person or household registered outside the
 * importer's jurisdiction, or reuse a CCCD another record has, are left out and returned.
 */
export async function writePeopleChunk(
  q: Queryable,
  c: { provinceCode: string; jobId: number; jurisdictionPath: string; wholeProvince: boolean; csv: string; staged: number },
): Promise<ChunkResult> {
  await q.query(CREATE_STAGE);
  await q.copyFromCsv('import_stage', [...STAGE_COLUMNS], c.csv);
  const rejected: RejectedRow[] = [];
  if (!c.wholeProvince) {
    const params = [c.provinceCode, c.jurisdictionPath];
    rejected.push(
      ...(await rejectRows(
        q,
        `DELETE FROM import_stage s USING person p
          WHERE p.province_code = $1 AND p.natural_key = s.natural_key AND p.unit_path NOT LIKE $2 || '%' RETURNING s.row_no`,
        params,
        'cccd',
        'person.outside_jurisdiction',
      )),
      ...(await rejectRows(
        q,
        `DELETE FROM import_stage s USING household h
          WHERE h.province_code = $1 AND h.household_id = s.household_id AND h.unit_path NOT LIKE $2 || '%' RETURNING s.row_no`,
        params,
        'household_id',
        'household.outside_jurisdiction',
      )),
    );
  }

  // A CCCD held by a record with another natural key is rare: try the write, and only on that
  // unique violation find and drop the rows concerned, then write again.
  await q.query('SAVEPOINT import_chunk');
  let people: { inserted: number; updated: number };
  try {
    people = (await q.query<{ inserted: number; updated: number }>(UPSERT_PEOPLE, [c.provinceCode, c.jobId])).rows[0];
  } catch (e) {
    if ((e as { code?: string }).code !== '23505') throw e;
    await q.query('ROLLBACK TO SAVEPOINT import_chunk');
    rejected.push(
      ...(await rejectRows(
        q,
        `DELETE FROM import_stage s USING person p
          WHERE p.province_code = $1 AND s.cccd IS NOT NULL AND p.cccd = s.cccd AND p.natural_key <> s.natural_key RETURNING s.row_no`,
        [c.provinceCode],
        'cccd',
        'cccd.conflict',
      )),
    );
    people = (await q.query<{ inserted: number; updated: number }>(UPSERT_PEOPLE, [c.provinceCode, c.jobId])).rows[0];
  }
  await q.query('RELEASE SAVEPOINT import_chunk');
  const households = (await q.query<{ inserted: number }>(UPSERT_HOUSEHOLDS, [c.provinceCode])).rows[0];
  const written = c.staged - rejected.length;
  return {
    inserted: people.inserted,
    updated: people.updated,
    unchanged: written - people.inserted - people.updated,
    householdsInserted: households.inserted,
    rejected,
  };
}
