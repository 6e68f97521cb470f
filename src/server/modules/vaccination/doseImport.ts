// Importing dose records from the national vaccination platform's exports (CSV or Excel) as an
// import job (imports/store.ts: job row, progress, error file). Three steps, set-based where the
// database does it best and person by person where the rules need it:
//   1. read: every row is read (domain/vaccination/doseImport.ts) and its lot looked up; rows that
//      cannot be read are reported, the others copied (COPY) into a staging table of the job;
//   2. match: people are found in the province registry in a few joins (by CCCD; else by the
//      registry key; else by name + birth date + commune, only among people without a CCCD when
//      the row's CCCD is unknown), ambiguous or unknown people, people outside the importer's
//      jurisdiction and record ids given twice in the file are reported;
//   3. check and write: the matched rows are taken in slices of people (a person's rows and doses
//      all in one slice), each dose checked by checkDose (domain/vaccination/doses.ts) in date order
//      against the person's doses already recorded and those accepted from the file, and the slice
//      written in one transaction (COPY of new doses, updates of changed ones) with the job's
//      progress. On PostgreSQL two slices are written at once (they never share a person).
// A dose already imported (same platform record id) with the same content is unchanged: importing
// the same file again changes nothing. Coverage facts are refreshed once for the communes touched.
import { createReadStream } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import type { Db, Queryable } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { readLeadingRows, readRows, sniffFile, type FileKind } from '../imports/parse.ts';
import { createJob, finishJob, updateJobProgress, deferIndexes, restoreDeferredIndexes, type JobCounts } from '../imports/store.ts';
import { enqueueImport, todayInVietnam } from '../imports/service.ts';
import { listVersions } from '../policies/service.ts';
import { rebuildCoverage, refreshCoverage } from './coverageFacts.ts';
import type { RawValue } from '../../../domain/people/importRow.ts';
import { csvLine } from '../../../domain/demo/csv.ts';
import {
  DOSE_IMPORT_MESSAGES,
  DoseRowCache,
  doseColumnLabel,
  kindOfNumber,
  seriesProductOf,
  siteUnitFinder,
  type SiteUnit,
  mapDoseHeaders,
  nameSearchOf,
  readDoseRow,
  resolveDoseKind,
  type DoseHeaderMap,
  type DoseImportColumn,
} from '../../../domain/vaccination/doseImport.ts';
import { checkDose, DOSE_ERROR_MESSAGES, type DoseFieldError } from '../../../domain/vaccination/doses.ts';
import { KIND_RANK, policiesOn, type VaccinationPolicyVersions } from '../../../domain/vaccination/schedule.ts';
import type { VaccinationPolicies } from '../../../domain/vaccination/policies.ts';
import type { DoseFact, DoseKind } from '../../../domain/vaccination/types.ts';

export { enqueueImport };

export const DOSE_IMPORT_KIND = 'vaccine_doses';

/** Who imports: the province and jurisdiction they write to, and who to audit. */
export interface DoseImporter {
  provinceCode: string;
  jurisdictionPath: string;
  userId: number | null;
  username?: string | null;
  via: 'web' | 'cli';
  req?: FastifyRequest | null;
}

export interface CheckedDoseFile {
  path: string;
  kind: FileKind;
  size: number;
  headers: RawValue[];
  headerRow: number;
  map: DoseHeaderMap;
  filename: string;
}

export interface DoseImportSummary extends JobCounts {
  jobId: number;
  status: 'done' | 'failed';
  flaggedRows: number;
  communes: number;
  errorsCsv: string | null;
  message: string;
}

export interface DoseImportOptions {
  /** Rows per COPY into the staging table while reading. */
  readChunk?: number;
  /** About this many rows per slice of people checked and written in one transaction. */
  sliceRows?: number;
  /** Error rows kept for the error file (all are counted). */
  maxStoredErrors?: number;
  /** Fewest rows for which a load into a smaller dose table puts off its secondary indexes. */
  bulkMinRows?: number;
  today?: string;
  /** step: 'read' (rows read of about total) then 'write' (rows checked and written of total). */
  onProgress?: (step: 'read' | 'match' | 'write' | 'coverage', done: number, total: number) => void;
}

const HEADER_SEARCH_ROWS = 10;
const MAX_STORED_ERRORS = 100_000;
export const DOSE_BULK_MIN_ROWS = 200_000;

const FILE_ERRORS = {
  empty: () => new AppError(400, 'validation', [{ field: 'file', code: 'empty', message: 'Tệp rỗng / the file is empty' }]),
  unsupported: () => new AppError(415, 'unsupported_media_type', [{ field: 'file', code: 'unsupported', message: 'Chỉ nhận tệp CSV (UTF-8) hoặc Excel .xlsx / only CSV (UTF-8) or .xlsx' }]),
  encoding: () => new AppError(400, 'validation', [{ field: 'file', code: 'encoding', message: 'Tệp CSV phải mã hóa UTF-8 (Excel: "CSV UTF-8") / the CSV must be UTF-8' }]),
  unreadable: () => new AppError(415, 'unsupported_media_type', [{ field: 'file', code: 'unreadable', message: 'Không đọc được tệp / the file cannot be read' }]),
  noHeader: () => new AppError(400, 'validation', [{ field: 'file', code: 'no_header', message: 'Tệp không có dòng tiêu đề / no header row' }]),
};

/** Checks an upload before any job exists: CSV or XLSX, a header naming the columns needed. 400/415 otherwise. */
export async function checkDoseFile(path: string, filename: string): Promise<CheckedDoseFile> {
  const s = await sniffFile(path);
  if (!s.ok) throw FILE_ERRORS[s.reason]();
  let leading: Awaited<ReturnType<typeof readLeadingRows>>;
  try {
    leading = await readLeadingRows(path, s.kind, HEADER_SEARCH_ROWS);
  } catch {
    throw FILE_ERRORS.unreadable();
  }
  if (!leading.length) throw FILE_ERRORS.noHeader();
  let closest: Exclude<ReturnType<typeof mapDoseHeaders>, { ok: true }> | null = null;
  const score = (m: Exclude<ReturnType<typeof mapDoseHeaders>, { ok: true }>) => m.missing.length + m.duplicated.length + (m.identity ? 0 : 1);
  for (const row of leading) {
    const m = mapDoseHeaders(row.values);
    if (m.ok) return { path, kind: s.kind, size: s.size, headers: row.values, headerRow: row.rowNumber, map: m.map, filename };
    if (!closest || score(m) < score(closest)) closest = m;
  }
  const c = closest!;
  throw new AppError(400, 'validation', [
    ...c.missing.map((col) => ({ field: col, code: 'missing_column', message: `Thiếu cột "${doseColumnLabel(col)}" / missing column "${doseColumnLabel(col, 'en')}"` })),
    ...c.duplicated.map((col) => ({ field: col, code: 'duplicate_column', message: `Cột "${doseColumnLabel(col)}" xuất hiện hai lần / column "${doseColumnLabel(col, 'en')}" given twice` })),
    ...(c.identity
      ? []
      : [{ field: 'cccd', code: 'missing_identity', message: 'Cần cột "Số CCCD", hoặc "Mã người trong sổ dân", hoặc "Họ và tên" + "Ngày sinh" + "Mã xã" / needs a CCCD, registry key, or name + birth date + commune column' }]),
  ]);
}

export async function createDoseJob(db: Queryable, importer: DoseImporter, filename: string, sha256: string | null): Promise<number> {
  return createJob(db, { provinceCode: importer.provinceCode, kind: DOSE_IMPORT_KIND, filename, sha256, createdBy: importer.userId });
}

// ---------------------------------------------------------------------------------------------
// The error file

interface ErrorRow {
  rowNumber: number;
  issues: { column: DoseImportColumn | null; code: string; message?: string }[];
  values: readonly RawValue[] | null;
}

const CHECK_FIELD_COLUMN: Record<DoseFieldError['field'], DoseImportColumn> = { givenOn: 'given_on', productCode: 'product', kind: 'dose', overrideReason: 'override_reason' };

function cellText(v: RawValue): string {
  if (v == null) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  return String(v);
}

function csvCell(value: string): string {
  const c = /^[=@\t\r]|^[+-](?![\d\s.,(]|$)/.test(value) ? "'" + value : value;
  return /[",\r\n;]/.test(c) ? '"' + c.replace(/"/g, '""') + '"' : c;
}

export function issueText(code: string, message?: string): string {
  const m = DOSE_IMPORT_MESSAGES[code]?.vi ?? DOSE_ERROR_MESSAGES[code]?.vi ?? code;
  // interval_too_short names the earliest allowed date.
  return message && /^\d{4}-\d{2}-\d{2}$/.test(message) ? `${m} (sớm nhất ${message.slice(8, 10)}/${message.slice(5, 7)}/${message.slice(0, 4)})` : m;
}

/** One line per refused row: the problems first, then the row as it was (fix it and import again). */
export function doseErrorsCsv(headers: readonly RawValue[], rows: ErrorRow[]): string {
  const line = (cells: string[]) => cells.map(csvCell).join(',') + '\r\n';
  let out = line(['Dòng', 'Cột', 'Mã lỗi', 'Lỗi', ...headers.map(cellText)]);
  for (const r of [...rows].sort((a, b) => a.rowNumber - b.rowNumber)) {
    out += line([
      String(r.rowNumber),
      [...new Set(r.issues.map((i) => (i.column ? doseColumnLabel(i.column) : '')))].filter(Boolean).join('; '),
      r.issues.map((i) => i.code).join('; '),
      r.issues.map((i) => issueText(i.code, i.message)).join('; '),
      ...headers.map((_, i) => cellText(r.values?.[i])),
    ]);
  }
  return out;
}

/** Reads the cells of these rows from the file again (rows refused after the file was read). */
async function fillValues(file: CheckedDoseFile, rows: ErrorRow[]) {
  const want = new Map<number, ErrorRow>();
  for (const r of rows) if (!r.values) want.set(r.rowNumber, r);
  if (!want.size) return;
  for await (const batch of readRows(file.path, file.kind)) {
    for (let i = 0; i < batch.rowNumbers.length; i++) {
      const r = want.get(batch.rowNumbers[i]);
      if (r) r.values = batch.values[i];
    }
  }
}

async function countLines(path: string): Promise<number> {
  let n = 0;
  let last = 10;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
    last = chunk[chunk.length - 1];
  }
  return last === 10 ? n : n + 1;
}

// ---------------------------------------------------------------------------------------------
// Policies and lots

async function loadPolicyVersions(q: Queryable, provinceCode: string): Promise<VaccinationPolicyVersions> {
  const all = await listVersions(q, provinceCode);
  const pick = (key: string) => all.filter((v) => v.key === key).map((v) => ({ effectiveFrom: v.effectiveFrom, effectiveTo: v.effectiveTo, value: v.value }));
  return { products: pick('vaccination.products'), boosters: pick('vaccination.boosters') } as VaccinationPolicyVersions;
}

/** The policies in force on each date, computed once per date. */
function policyCache(versions: VaccinationPolicyVersions) {
  const byDate = new Map<string, VaccinationPolicies | null>();
  return (date: string) => {
    let p = byDate.get(date);
    if (p === undefined) byDate.set(date, (p = policiesOn(versions, date)));
    return p;
  };
}

interface LotIndex {
  find(productCode: string, lotNumber: string): number | null;
}

/** The province's lots by product and number (exact, else ignoring case when that is unambiguous). */
async function loadLots(q: Queryable, provinceCode: string): Promise<LotIndex> {
  const r = await q.query<{ id: number; product_code: string; lot_number: string }>(`SELECT id, product_code, lot_number FROM vaccine_lot WHERE province_code = $1`, [provinceCode]);
  const exact = new Map<string, number>();
  const folded = new Map<string, number | null>();
  for (const l of r.rows) {
    exact.set(`${l.product_code}|${l.lot_number}`, l.id);
    const k = `${l.product_code}|${l.lot_number.toUpperCase()}`;
    folded.set(k, folded.has(k) ? null : l.id);
  }
  return {
    find: (p, n) => exact.get(`${p}|${n}`) ?? folded.get(`${p}|${n.toUpperCase()}`) ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// The job

const STAGE_COLUMNS = ['row_number', 'cccd', 'person_key', 'full_name', 'name_search', 'birth_date', 'commune_code', 'product_code', 'lot_id', 'dose_kind', 'given_on', 'site_name', 'vaccinator', 'external_id', 'override_reason', 'dose_number'];

const DOSE_COLUMNS = [
  'province_code', 'person_id', 'unit_path', 'commune_code', 'product_code', 'lot_id', 'dose_kind', 'given_on', 'site_name', 'vaccinator',
  'interval_override_reason', 'flagged', 'source', 'external_id', 'import_job_id', 'created_by', 'site_unit_code', 'site_path',
];

interface WorkRow {
  row_number: number;
  person_id: number;
  person_birth: string | null;
  unit_path: string;
  person_commune: string;
  product_code: string;
  lot_id: number;
  dose_kind: DoseKind;
  given_on: string;
  site_name: string | null;
  vaccinator: string | null;
  external_id: string | null;
  override_reason: string | null;
  /** The dose's number as the file gave it (null: named by kind), read in the person's own series. */
  dose_number: number | null;
}

interface ExistingDose {
  id: number;
  person_id: number;
  dose_kind: DoseKind;
  product_code: string;
  given_on: string;
  lot_id: number;
  site_name: string | null;
  vaccinator: string | null;
  external_id: string | null;
}

const n = (x: number) => x.toLocaleString('vi-VN');

/**
 * CSV lines for COPY written as they come into one buffer (UTF-8), rather than joined into a
 * string: millions of lines held as strings (each a tree of its fields until the COPY flattens it)
 * outlive the young generation and made the garbage collector the reading's largest cost.
 */
class CsvBuffer {
  private buf = Buffer.allocUnsafe(1 << 22);
  private readonly ends: number[] = [];
  get length() {
    return this.ends.length;
  }
  push(line: string) {
    const at = this.ends.length ? this.ends[this.ends.length - 1] : 0;
    if (at + line.length * 3 > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, at + line.length * 3));
      this.buf.copy(bigger, 0, 0, at);
      this.buf = bigger;
    }
    this.ends.push(at + this.buf.write(line, at, 'utf8'));
  }
  /** Line i, or all of them. */
  bytes(i?: number): Buffer {
    if (i === undefined) return this.buf.subarray(0, this.ends.length ? this.ends[this.ends.length - 1] : 0);
    return this.buf.subarray(i ? this.ends[i - 1] : 0, this.ends[i]);
  }
}

/** Staging tables left by an import the process did not finish (a restart) are dropped. */
export async function dropStaleStaging(q: Queryable) {
  const r = await q.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'vaccine\\_dose\\_import\\_%'`);
  for (const t of r.rows) if (/^vaccine_dose_import_\d+(_res|_work|_names)?$/.test(t.name)) await q.exec(`DROP TABLE IF EXISTS ${t.name}`);
}

export async function runDoseImport(db: Db, importer: DoseImporter, jobId: number, file: CheckedDoseFile, opts: DoseImportOptions = {}): Promise<DoseImportSummary> {
  const pc = importer.provinceCode;
  const readChunk = opts.readChunk ?? 20_000;
  const sliceRows = opts.sliceRows ?? 50_000;
  const maxStored = opts.maxStoredErrors ?? MAX_STORED_ERRORS;
  const today = opts.today ?? todayInVietnam();
  const counts: JobCounts = { totalRows: 0, processedRows: 0, insertedRows: 0, updatedRows: 0, unchangedRows: 0, errorRows: 0 };
  const errors: ErrorRow[] = [];
  let flaggedRows = 0;
  const stage = `vaccine_dose_import_${Math.trunc(jobId)}`;
  const res = `${stage}_res`;
  const work = `${stage}_work`;
  const touched = new Map<string, string>(); // commune → earliest day written
  let deferred: string[] = [];
  let restoring: Promise<unknown> | null = null;
  const lanes = db.kind === 'postgres' ? 2 : 1;
  const unlogged = db.kind === 'postgres' ? 'UNLOGGED ' : '';

  const refuse = (rowNumber: number, issues: ErrorRow['issues'], values: readonly RawValue[] | null) => {
    counts.errorRows++;
    if (errors.length < maxStored) errors.push({ rowNumber, issues, values });
  };
  const progress = async (q: Queryable, message?: string) => {
    await updateJobProgress(q, pc, jobId, counts);
    if (message) await q.query(`UPDATE import_job SET message = $3 WHERE province_code = $1 AND id = $2 AND status = 'running'`, [pc, jobId, message]);
  };

  try {
    const versions = await loadPolicyVersions(db, pc);
    const policiesFor = policyCache(versions);
    const todays = policiesFor(today);
    const lots = await loadLots(db, pc);
    // The unit a site is named after (a commune's health station, a district's centre).
    const siteUnits = await db.query<SiteUnit>(`SELECT code, name, level, path FROM admin_unit WHERE province_code = $1 AND level IN ('commune', 'district')`, [pc]);
    const siteOf = siteUnitFinder(siteUnits.rows);

    // 1. Read every row; copy the readable ones into the job's staging table.
    await db.exec(`DROP TABLE IF EXISTS ${work}; DROP TABLE IF EXISTS ${res}; DROP TABLE IF EXISTS ${stage};
      CREATE ${unlogged}TABLE ${stage} (row_number int NOT NULL, cccd text, person_key text, full_name text, name_search text, birth_date date, commune_code text,
        product_code text NOT NULL, lot_id bigint NOT NULL, dose_kind text NOT NULL, given_on date NOT NULL, site_name text, vaccinator text,
        external_id text, override_reason text, dose_number smallint)`);
    const lines = file.kind === 'csv' ? await countLines(file.path) : 0;
    let bytes = 0;
    let read = 0;
    const estimate = () => (file.kind === 'csv' ? Math.max(read, lines - file.headerRow) : Math.max(read, bytes > 0 ? Math.round((read * file.size) / bytes) : 0));
    counts.totalRows = estimate();
    await progress(db, 'Đang đọc tệp…');
    const cache = new DoseRowCache();
    let buf = new CsvBuffer();
    // One COPY in flight while the next chunk is read (the database and this process work side by side).
    let copying: Promise<void> = Promise.resolve();
    const flush = async () => {
      if (!buf.length) return;
      const text = buf.bytes();
      buf = new CsvBuffer();
      await copying;
      copying = db.copyFromCsv(stage, STAGE_COLUMNS, text);
      copying.catch(() => {}); // awaited at the next flush or after the last chunk
    };
    let lastReport = 0;
    for await (const batch of readRows(file.path, file.kind, { onBytes: (b) => (bytes = b) })) {
      for (let i = 0; i < batch.values.length; i++) {
        const rowNumber = batch.rowNumbers[i];
        const values = batch.values[i];
        if (rowNumber <= file.headerRow) continue;
        let blank = true;
        for (const v of values) if (v != null && String(v).trim() !== '') { blank = false; break; }
        if (blank) continue;
        read++;
        const r = readDoseRow(rowNumber, values, file.map, cache);
        if (!r.ok) {
          refuse(rowNumber, r.issues, values);
          counts.processedRows++;
          continue;
        }
        const d = r.dose;
        const policies = policiesFor(d.givenOn) ?? todays;
        const product = policies?.products.find((p) => p.code === d.productCode) ?? todays?.products.find((p) => p.code === d.productCode);
        const kind = resolveDoseKind(d.dose, product);
        const lotId = lots.find(d.productCode, d.lotNumber);
        const issues: ErrorRow['issues'] = [];
        if (!kind) issues.push({ column: 'dose', code: 'dose.invalid' });
        if (lotId == null) issues.push({ column: 'lot_number', code: 'lot.unknown' });
        if (issues.length) {
          refuse(rowNumber, issues, values);
          counts.processedRows++;
          continue;
        }
        buf.push(csvLine([rowNumber, d.cccd, d.personKey, d.nameSearch ? null : d.fullName, d.nameSearch, d.birthDate, d.communeCode, d.productCode, lotId, kind, d.givenOn, d.siteName, d.vaccinator, d.externalId, d.overrideReason, 'number' in d.dose ? d.dose.number : null]));
        if (buf.length >= readChunk) await flush();
      }
      const now = Date.now();
      if (now - lastReport > 500) {
        lastReport = now;
        counts.totalRows = estimate();
        opts.onProgress?.('read', read, counts.totalRows);
        await progress(db, `Đang đọc tệp: ${n(read)} dòng`);
      }
    }
    await flush();
    await copying;
    counts.totalRows = read;
    opts.onProgress?.('read', read, read);
    await progress(db, 'Đang đối chiếu với sổ dân…');

    // 2. Find the people, set-based: one join by CCCD makes the work table (in person order, so a
    // slice — a range of people — is read from neighbouring pages); the rows it left without a
    // person are then looked up by registry key, then by name + birth date + commune.
    opts.onProgress?.('match', 0, 1);
    await db.exec(`ANALYZE ${stage}`);
    await db.query(
      `CREATE ${unlogged}TABLE ${work} AS
       SELECT s.row_number, p.id AS person_id, p.birth_date AS person_birth, p.unit_path, p.commune_code AS person_commune, s.product_code, s.lot_id, s.dose_kind,
              s.given_on, s.site_name, s.vaccinator, s.external_id, s.override_reason, s.dose_number,
              s.cccd, s.person_key, s.full_name, s.name_search, s.birth_date, s.commune_code, false AS ambiguous
         FROM ${stage} s LEFT JOIN person p ON p.province_code = $1 AND p.cccd = s.cccd
        ORDER BY p.id`,
      [pc],
    );
    await db.exec(`DROP TABLE ${stage}`);
    /** Sets the person of the rows (row_number, person_id) that `source` selects among those still without one. */
    const matchLeft = (source: string) =>
      db.query(
        `UPDATE ${work} w SET person_id = p.id, person_birth = p.birth_date, unit_path = p.unit_path, person_commune = p.commune_code
           FROM (${source}) m JOIN person p ON p.province_code = $1 AND p.id = m.person_id
          WHERE w.row_number = m.row_number AND w.person_id IS NULL`,
        [pc],
      );
    const keyed = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${work} WHERE person_id IS NULL AND person_key IS NOT NULL`);
    if (keyed.rows[0].n)
      await matchLeft(
        `SELECT w.row_number, coalesce(p.id, a.person_id) AS person_id
           FROM ${work} w
           LEFT JOIN person p ON p.province_code = $1 AND p.natural_key = w.person_key
           LEFT JOIN person_alias a ON a.province_code = $1 AND a.natural_key = w.person_key
          WHERE w.person_id IS NULL AND w.person_key IS NOT NULL AND (p.id IS NOT NULL OR a.person_id IS NOT NULL)`,
      );
    // By name + birth date + commune: rows without a CCCD, or whose CCCD the registry does not
    // hold (then only people registered without one, so a CCCD never lands on someone else's record).
    // The search key of a name is computed only for the rows that need it (few, after the CCCDs).
    const unnamed = await db.query<{ row_number: number; full_name: string }>(
      `SELECT row_number, full_name FROM ${work} WHERE person_id IS NULL AND name_search IS NULL AND full_name IS NOT NULL AND birth_date IS NOT NULL AND commune_code IS NOT NULL`,
    );
    if (unnamed.rows.length) {
      const names = `${stage}_names`;
      await db.exec(`DROP TABLE IF EXISTS ${names}; CREATE ${unlogged}TABLE ${names} (row_number int PRIMARY KEY, name_search text NOT NULL)`);
      await db.copyFromCsv(names, ['row_number', 'name_search'], unnamed.rows.map((r) => csvLine([r.row_number, nameSearchOf(r.full_name) ?? ''])).join(''));
      await db.exec(`UPDATE ${work} w SET name_search = n.name_search FROM ${names} n WHERE w.row_number = n.row_number AND n.name_search <> ''; DROP TABLE ${names}`);
    }
    const byName = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${work} WHERE person_id IS NULL AND name_search IS NOT NULL AND birth_date IS NOT NULL AND commune_code IS NOT NULL`);
    if (byName.rows[0].n) {
      const candidates = `SELECT w.row_number, count(*) AS n, min(p.id) AS person_id
           FROM ${work} w
           JOIN person p ON p.province_code = $1 AND p.name_search = w.name_search AND p.birth_date = w.birth_date AND p.commune_code = w.commune_code
                        AND (w.cccd IS NULL OR p.cccd IS NULL)
          WHERE w.person_id IS NULL AND w.name_search IS NOT NULL AND w.birth_date IS NOT NULL AND w.commune_code IS NOT NULL
          GROUP BY w.row_number`;
      await db.query(`UPDATE ${work} w SET ambiguous = true FROM (${candidates}) m WHERE w.row_number = m.row_number AND m.n > 1`, [pc]);
      await matchLeft(`SELECT row_number, person_id FROM (${candidates}) c WHERE n = 1`);
    }
    const unmatched = await db.query<{ row_number: number; ambiguous: boolean }>(`DELETE FROM ${work} WHERE person_id IS NULL RETURNING row_number, ambiguous`);
    for (const u of unmatched.rows) refuse(u.row_number, [{ column: 'cccd', code: u.ambiguous ? 'person.ambiguous' : 'person.unknown' }], null);
    counts.processedRows += unmatched.rows.length;
    const outside = await db.query<{ row_number: number }>(`DELETE FROM ${work} WHERE NOT starts_with(unit_path, $1) RETURNING row_number`, [importer.jurisdictionPath]);
    for (const o of outside.rows) refuse(o.row_number, [{ column: 'cccd', code: 'person.outside_jurisdiction' }], null);
    counts.processedRows += outside.rows.length;
    const twice = await db.query<{ row_number: number }>(
      `DELETE FROM ${work} w USING (SELECT row_number, row_number() OVER (PARTITION BY external_id ORDER BY row_number) AS k FROM ${work} WHERE external_id IS NOT NULL) d
        WHERE d.k > 1 AND w.row_number = d.row_number RETURNING w.row_number`,
    );
    for (const o of twice.rows) refuse(o.row_number, [{ column: 'external_id', code: 'external_id.duplicate_in_file' }], null);
    counts.processedRows += twice.rows.length;
    await db.exec(`CREATE INDEX ON ${work} (person_id)`);
    await db.exec(`ANALYZE ${work}`);
    const span = (await db.query<{ lo: number | null; hi: number | null; n: number }>(`SELECT min(person_id) AS lo, max(person_id) AS hi, count(*)::int AS n FROM ${work}`)).rows[0];
    opts.onProgress?.('match', 1, 1);

    // 3. Check and write, slice by slice of people.
    const state = (
      await db.query<{ doses: boolean; external: boolean; big: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM vaccine_dose WHERE province_code = $1) AS doses,
                EXISTS (SELECT 1 FROM vaccine_dose WHERE province_code = $1 AND external_id IS NOT NULL) AS external,
                (SELECT count(*) FROM (SELECT 1 FROM vaccine_dose LIMIT $2) s) < $2 AS big`,
        [pc, Math.max(1, span.n)],
      )
    ).rows[0];
    if (span.n >= (opts.bulkMinRows ?? DOSE_BULK_MIN_ROWS) && state.big) deferred = await deferIndexes(db, 'vaccine_dose');
    await progress(db, 'Đang kiểm tra và ghi các mũi tiêm…');
    opts.onProgress?.('write', counts.processedRows, counts.totalRows);

    const slices: [number, number][] = [];
    if (span.lo != null && span.hi != null) {
      const count = Math.max(1, Math.ceil(span.n / sliceRows));
      const width = Math.max(1, Math.ceil((span.hi - span.lo + 1) / count));
      for (let lo = span.lo; lo <= span.hi; lo += width) slices.push([lo, lo + width]);
    }

    const writeSlice = async ([lo, hi]: [number, number]) => {
      await db.tx(async (q) => {
        const rows = (
          await q.query<WorkRow>(
            `SELECT row_number, person_id, person_birth, unit_path, person_commune, product_code, lot_id, dose_kind, given_on, site_name, vaccinator, external_id, override_reason, dose_number
               FROM ${work} WHERE person_id >= $1 AND person_id < $2`,
            [lo, hi],
          )
        ).rows;
        if (!rows.length) return;
        rows.sort((a, b) => a.person_id - b.person_id || (a.given_on < b.given_on ? -1 : a.given_on > b.given_on ? 1 : KIND_RANK[a.dose_kind] - KIND_RANK[b.dose_kind]) || a.row_number - b.row_number);
        const existingByPerson = new Map<number, ExistingDose[]>();
        if (state.doses) {
          const ex = await q.query<ExistingDose>(
            `SELECT id, person_id, dose_kind, product_code, given_on, lot_id, site_name, vaccinator, external_id FROM vaccine_dose
              WHERE province_code = $1 AND person_id >= $2 AND person_id < $3`,
            [pc, lo, hi],
          );
          for (const d of ex.rows) {
            let l = existingByPerson.get(d.person_id);
            if (!l) existingByPerson.set(d.person_id, (l = []));
            l.push(d);
          }
        }
        // A platform record id already recorded for someone else.
        const elsewhere = new Map<string, number>();
        if (state.external) {
          const ids = rows.filter((r) => r.external_id).map((r) => r.external_id!);
          if (ids.length) {
            const ex = await q.query<{ external_id: string; person_id: number }>(
              `SELECT external_id, person_id FROM vaccine_dose WHERE province_code = $1 AND external_id = ANY($2::text[]) AND (person_id < $3 OR person_id >= $4)`,
              [pc, ids, lo, hi],
            );
            for (const e of ex.rows) elsewhere.set(e.external_id, e.person_id);
          }
        }
        const profiles = new Map<number, { immunocompromised: boolean; comorbidity: boolean }>();
        const pr = await q.query<{ person_id: number; immunocompromised: boolean; comorbidity: boolean }>(
          `SELECT person_id, immunocompromised, comorbidity FROM vaccination_profile WHERE province_code = $1 AND person_id >= $2 AND person_id < $3 AND (immunocompromised OR comorbidity)`,
          [pc, lo, hi],
        );
        for (const p of pr.rows) profiles.set(p.person_id, p);

        const inserts = new CsvBuffer();
        const insertRows: number[] = [];
        let inserted = 0;
        const updates: { id: number; r: WorkRow; flagged: boolean }[] = [];
        let unchanged = 0;
        const refused: ErrorRow[] = [];
        let sliceFlagged = 0;
        const touch = (r: WorkRow) => {
          const prev = touched.get(r.person_commune);
          if (!prev || r.given_on < prev) touched.set(r.person_commune, r.given_on);
        };
        for (let i = 0; i < rows.length; ) {
          const personId = rows[i].person_id;
          const doses: ExistingDose[] = [...(existingByPerson.get(personId) ?? [])];
          const profile = profiles.get(personId) ?? null;
          let end = i;
          while (end < rows.length && rows[end].person_id === personId) end++;
          // Numbered doses count in the series of the person's first product (a mixed course).
          const block = rows.slice(i, end);
          if (block.some((r) => r.dose_number != null)) {
            const series = seriesProductOf(
              doses.map((d) => ({ kind: d.dose_kind, productCode: d.product_code })),
              block.map((r) => ({ number: r.dose_number, productCode: r.product_code, givenOn: r.given_on })),
            );
            if (series) {
              const primary = (policiesFor(today) ?? todays)?.products.find((p) => p.code === series)?.primaryDoses ?? 2;
              for (let k = 0; k < block.length; k++) {
                const r = block[k];
                if (r.dose_number == null) continue;
                const kind = kindOfNumber(r.dose_number, primary);
                if (kind) r.dose_kind = kind;
                else {
                  refused.push({ rowNumber: r.row_number, issues: [{ column: 'dose', code: 'dose.invalid' }], values: null });
                  block.splice(k--, 1);
                }
              }
              block.sort((a, b) => (a.given_on < b.given_on ? -1 : a.given_on > b.given_on ? 1 : KIND_RANK[a.dose_kind] - KIND_RANK[b.dose_kind]) || a.row_number - b.row_number);
            }
          }
          i = end;
          for (const r of block) {
            if (r.external_id && elsewhere.has(r.external_id)) {
              refused.push({ rowNumber: r.row_number, issues: [{ column: 'external_id', code: 'dose.conflict' }], values: null });
              continue;
            }
            const same = (d: ExistingDose) =>
              d.dose_kind === r.dose_kind && d.product_code === r.product_code && d.given_on === r.given_on && d.lot_id === r.lot_id && (d.site_name ?? null) === r.site_name && (d.vaccinator ?? null) === r.vaccinator;
            const byExternal = r.external_id ? doses.find((d) => d.external_id === r.external_id) : undefined;
            const sameKind = doses.find((d) => d.dose_kind === r.dose_kind);
            if (byExternal && same(byExternal)) {
              unchanged++;
              continue;
            }
            // The same dose recorded without the platform's id (entered by hand): linked to it.
            const target = byExternal ?? (sameKind && !sameKind.external_id && sameKind.product_code === r.product_code && sameKind.given_on === r.given_on ? sameKind : undefined);
            const others = doses.filter((d) => d !== target);
            const facts: DoseFact[] = others.map((d) => ({ kind: d.dose_kind, productCode: d.product_code, givenOn: d.given_on }));
            const check = checkDose(
              { birthDate: r.person_birth, existing: facts, dose: { kind: r.dose_kind, productCode: r.product_code, givenOn: r.given_on }, today, overrideReason: r.override_reason, profile },
              policiesFor(r.given_on),
            );
            if (check.errors.length) {
              refused.push({ rowNumber: r.row_number, issues: check.errors.map((e) => ({ column: CHECK_FIELD_COLUMN[e.field], code: e.code, message: e.message })), values: null });
              continue;
            }
            if (check.flagged) sliceFlagged++;
            const written: ExistingDose = { id: target?.id ?? 0, person_id: personId, dose_kind: r.dose_kind, product_code: r.product_code, given_on: r.given_on, lot_id: r.lot_id, site_name: r.site_name, vaccinator: r.vaccinator, external_id: r.external_id ?? target?.external_id ?? null };
            if (target) {
              updates.push({ id: target.id, r, flagged: check.flagged });
              doses[doses.indexOf(target)] = written;
              touch({ ...r, given_on: target.given_on }); // the day the dose moved from counts too
            } else {
              const site = siteOf(r.site_name, r.unit_path);
              insertRows.push(r.row_number);
              inserts.push(csvLine([pc, personId, r.unit_path, r.person_commune, r.product_code, r.lot_id, r.dose_kind, r.given_on, r.site_name, r.vaccinator, check.flagged ? r.override_reason : null, check.flagged ? 't' : 'f', 'import', r.external_id, jobId, importer.userId, site?.code ?? null, site?.path ?? null]));
              doses.push(written);
            }
            touch(r);
          }
        }
        if (inserts.length) {
          // A dose entered meanwhile by hand (same person and kind) would stop the COPY: then the
          // slice's new doses go in one by one, the clashing ones reported.
          await q.exec('SAVEPOINT dose_copy');
          try {
            await q.copyFromCsv('vaccine_dose', DOSE_COLUMNS, inserts.bytes());
            await q.exec('RELEASE SAVEPOINT dose_copy');
            inserted = inserts.length;
          } catch {
            await q.exec('ROLLBACK TO SAVEPOINT dose_copy');
            const one = `${stage}_one`;
            // The dose columns alone (LIKE vaccine_dose would keep the id's NOT NULL without its identity).
            await q.exec(`CREATE TEMP TABLE IF NOT EXISTS ${one} ON COMMIT DROP AS SELECT ${DOSE_COLUMNS.join(', ')} FROM vaccine_dose WITH NO DATA`);
            for (let k = 0; k < inserts.length; k++) {
              await q.exec(`TRUNCATE ${one}`);
              await q.copyFromCsv(one, DOSE_COLUMNS, inserts.bytes(k));
              const ok = await q.query<{ id: number }>(`INSERT INTO vaccine_dose (${DOSE_COLUMNS.join(', ')}) SELECT ${DOSE_COLUMNS.join(', ')} FROM ${one} ON CONFLICT DO NOTHING RETURNING id`);
              if (ok.rows.length) inserted++;
              else refused.push({ rowNumber: insertRows[k], issues: [{ column: 'dose', code: 'duplicate_kind' }], values: null });
            }
          }
        }
        if (updates.length) {
          await q.query(
            `UPDATE vaccine_dose d SET product_code = u.product_code, lot_id = u.lot_id, dose_kind = u.dose_kind, given_on = u.given_on, site_name = u.site_name,
                    vaccinator = u.vaccinator, external_id = coalesce(u.external_id, d.external_id), interval_override_reason = u.reason, flagged = u.reason IS NOT NULL,
                    import_job_id = $2, site_unit_code = coalesce(u.site_unit_code, d.site_unit_code), site_path = coalesce(u.site_path, d.site_path)
               FROM (SELECT * FROM unnest($3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::date[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
                       AS t(id, product_code, lot_id, dose_kind, given_on, site_name, vaccinator, external_id, reason, site_unit_code, site_path)) u
              WHERE d.province_code = $1 AND d.id = u.id`,
            [
              pc,
              jobId,
              updates.map((u) => u.id),
              updates.map((u) => u.r.product_code),
              updates.map((u) => u.r.lot_id),
              updates.map((u) => u.r.dose_kind),
              updates.map((u) => u.r.given_on),
              updates.map((u) => u.r.site_name),
              updates.map((u) => u.r.vaccinator),
              updates.map((u) => u.r.external_id),
              updates.map((u) => (u.flagged ? u.r.override_reason : null)),
              updates.map((u) => siteOf(u.r.site_name, u.r.unit_path)?.code ?? null),
              updates.map((u) => siteOf(u.r.site_name, u.r.unit_path)?.path ?? null),
            ],
          );
        }
        counts.insertedRows += inserted;
        counts.updatedRows += updates.length;
        counts.unchangedRows += unchanged;
        flaggedRows += sliceFlagged;
        for (const e of refused) refuse(e.rowNumber, e.issues, null);
        counts.processedRows += rows.length;
        await progress(q);
      });
      opts.onProgress?.('write', counts.processedRows, counts.totalRows);
    };

    const writing = new Set<Promise<void>>();
    for (const s of slices) {
      while (writing.size >= lanes) await Promise.race(writing);
      const w = writeSlice(s);
      writing.add(w);
      w.then(() => writing.delete(w), () => {});
    }
    await Promise.all(writing);
    await db.exec(`DROP TABLE IF EXISTS ${work}`);

    // Coverage of the communes touched, from the earliest day written there.
    const communes = [...touched.keys()];
    const all = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM admin_unit WHERE province_code = $1 AND level = 'commune'`, [pc])).rows[0].n;
    // Most of the province touched (a first load): every commune rebuilt in chunks, rather than
    // refreshed one by one (a commune without facts yet is computed from the start on its own).
    const rebuild = communes.length >= 50 && communes.length * 2 >= all;
    // The indexes put off are built again; on PostgreSQL a rebuild reads the doses by person (the
    // unique key, never put off), so it runs beside them; a refresh of some communes waits for them.
    const indexes = deferred.length ? restoreDeferredIndexes(db, rebuild && db.kind === 'postgres' ? 1 : lanes) : Promise.resolve([]);
    restoring = indexes;
    indexes.catch(() => {});
    if ((!rebuild || db.kind !== 'postgres') && deferred.length) {
      await progress(db, 'Đang dựng lại chỉ mục…');
      await indexes;
      deferred = [];
    }
    if (communes.length) {
      await progress(db, rebuild && deferred.length ? 'Đang dựng lại chỉ mục và cập nhật độ bao phủ…' : 'Đang cập nhật độ bao phủ…');
      opts.onProgress?.('coverage', 0, communes.length);
      const from = [...touched.values()].reduce((a, b) => (a < b ? a : b));
      await db.exec('ANALYZE vaccine_dose');
      // On PostgreSQL in one statement (the doses aggregated in one pass: 129 s instead of 185 s for
      // 3.6 M people at load 7); PGlite in chunks of communes (less memory).
      if (rebuild) await db.tx((q) => rebuildCoverage(q, pc, { whole: db.kind === 'postgres' }));
      else await db.tx((q) => refreshCoverage(q, pc, communes, from));
      opts.onProgress?.('coverage', communes.length, communes.length);
    }
    await indexes;
    deferred = [];

    await fillValues(file, errors);
    const errorsCsv = counts.errorRows ? doseErrorsCsv(file.headers, errors) : null;
    const message =
      `Đã xử lý ${n(counts.processedRows)} dòng: ${n(counts.insertedRows)} mũi tiêm mới, ${n(counts.updatedRows)} cập nhật, ${n(counts.unchangedRows)} không đổi, ${n(counts.errorRows)} lỗi` +
      (flaggedRows ? `; ${n(flaggedRows)} mũi tiêm sớm hơn khoảng cách tối thiểu (có lý do, được đánh dấu)` : '') +
      (communes.length ? `; cập nhật độ bao phủ của ${n(communes.length)} xã` : '');
    await db.tx(async (q) => {
      await finishJob(q, pc, jobId, { status: 'done', counts, errorsCsv, message });
      await audit(
        q,
        importer.req ?? null,
        { action: 'import', entity: 'vaccine_dose', entityId: jobId, details: { via: importer.via, file: file.filename, kind: file.kind, ...counts, flaggedRows, communes: communes.length } },
        { provinceCode: pc, id: importer.userId, username: importer.username ?? undefined },
      );
    });
    return { jobId, status: 'done', ...counts, flaggedRows, communes: communes.length, errorsCsv, message };
  } catch (e) {
    await db.exec(`DROP TABLE IF EXISTS ${work}; DROP TABLE IF EXISTS ${res}; DROP TABLE IF EXISTS ${stage}_names; DROP TABLE IF EXISTS ${stage}`).catch(() => {});
    if (restoring) await restoring.catch(() => {});
    if (deferred.length) await restoreDeferredIndexes(db, lanes).catch(() => {});
    // Slices written before the failure stay: their coverage is brought up to date.
    if (touched.size) await db.tx((q) => refreshCoverage(q, pc, [...touched.keys()], [...touched.values()].reduce((a, b) => (a < b ? a : b)))).catch(() => {});
    const detail = e instanceof Error ? e.message : String(e);
    const message = `Nhập mũi tiêm thất bại sau ${n(counts.processedRows)} dòng: ${detail}`;
    await fillValues(file, errors).catch(() => {});
    await finishJob(db, pc, jobId, { status: 'failed', counts, errorsCsv: errors.length ? doseErrorsCsv(file.headers, errors) : null, message }).catch(() => {});
    await audit(db, importer.req ?? null, { action: 'import', entity: 'vaccine_dose', entityId: jobId, outcome: 'failed', details: { via: importer.via, error: detail, ...counts } }, { provinceCode: pc, id: importer.userId }).catch(() => {});
    return { jobId, status: 'failed', ...counts, flaggedRows, communes: touched.size, errorsCsv: null, message };
  }
}
