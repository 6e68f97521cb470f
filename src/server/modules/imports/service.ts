// Importing the population registry: check the file, then stream it in chunks through validation
// (domain/people/importRow.ts) into the person and household tables, keeping the job row current
// so the web can show progress, and an error file that lists every refused row.
import { createReadStream } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { refreshUnitStats } from '../units/store.ts';
import { columnLabel, issueMessage, mapHeaders, type HeaderMap, type PersonColumn, type RawValue } from '../../../domain/people/importRow.ts';
import { readLeadingRows, readRows, sniffFile, type FileKind } from './parse.ts';
import { readChunks, readChunksInWorker, type ErrorRow, type ReaderInput } from './reader.ts';
import * as store from './store.ts';

/** Who imports: the province and jurisdiction they write to, and who to audit. */
export interface Importer {
  provinceCode: string;
  jurisdictionPath: string;
  userId: number | null;
  via: 'web' | 'cli';
  /** The HTTP request that started the import (audit: user, IP); null from the CLI. */
  req?: FastifyRequest | null;
}

export interface CheckedFile {
  path: string;
  kind: FileKind;
  size: number;
  headers: RawValue[];
  /** The header's row number: rows above it (a title) are skipped. */
  headerRow: number;
  /** The name the user gave the file (the stored upload has a temporary name). */
  filename?: string;
}

export interface ImportSummary extends store.JobCounts {
  jobId: number;
  status: 'done' | 'failed';
  householdsInserted: number;
  errorsCsv: string | null;
  message: string;
}

export interface ImportOptions {
  /** Valid rows written per transaction. */
  chunkSize?: number;
  /** Fewest rows for which a bulk load may put off the person table's secondary indexes (default BULK_MIN_ROWS). */
  bulkMinRows?: number;
  /** Read and check the file in a worker thread (default: on PGlite, for CSV files of WORKER_MIN_ROWS rows or more). */
  worker?: boolean;
  /** Error rows kept for the error file (all are counted). */
  maxStoredErrors?: number;
  today?: string;
  onProgress?: (processed: number, total: number) => void;
}

const DEFAULT_CHUNK = 20_000;
/**
 * A file of at least this many rows, loaded into a person table holding fewer rows than the file,
 * drops the table's secondary indexes while it loads and builds them afterwards (about half the
 * work, see docs/decisions.md). Smaller imports keep the indexes.
 */
export const BULK_MIN_ROWS = 50_000;
/** From this many rows a file imported into PGlite is read in a worker thread (starting one costs about half a second). */
export const WORKER_MIN_ROWS = 50_000;
/** A chunk with fewer new people than this share makes the next ones skip the look-up (a re-import). */
const PROBE_MIN_FRESH_SHARE = 0.1;
/** …until this many chunks later, when the look-up is tried again. */
const PROBE_RETRY_CHUNKS = 10;
/** How far down a sheet the header row may be (below a title, a date, a blank line…). */
const HEADER_SEARCH_ROWS = 10;
const MAX_STORED_ERRORS = 100_000;

/** Today in Vietnam: a child born this morning is not born "in the future" in UTC. */
/** Viet Nam's offset from UTC: +7 all year (no daylight saving since 1975). */
const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** The calendar day in Viet Nam at `now` (hot: the demo and imports call it per row, so no Intl formatter per call). */
export function todayInVietnam(now = new Date()): string {
  return new Date(now.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

const FILE_ERRORS = {
  empty: () => new AppError(400, 'validation', [{ field: 'file', code: 'empty', message: 'Tệp rỗng / the file is empty' }]),
  unsupported: () =>
    new AppError(415, 'unsupported_media_type', [{ field: 'file', code: 'unsupported', message: 'Chỉ nhận tệp CSV (UTF-8) hoặc Excel .xlsx / only CSV (UTF-8) or .xlsx' }]),
  encoding: () =>
    new AppError(400, 'validation', [{ field: 'file', code: 'encoding', message: 'Tệp CSV phải mã hóa UTF-8 (Excel: "CSV UTF-8") / the CSV must be UTF-8' }]),
  unreadable: () => new AppError(415, 'unsupported_media_type', [{ field: 'file', code: 'unreadable', message: 'Không đọc được tệp / the file cannot be read' }]),
  noHeader: () => new AppError(400, 'validation', [{ field: 'file', code: 'no_header', message: 'Tệp không có dòng tiêu đề / no header row' }]),
};

/**
 * Checks a stored upload before any job exists: CSV or XLSX, not empty, a header with every
 * required column. Throws a 400/415 AppError listing what is wrong.
 */
export async function checkPeopleFile(path: string): Promise<CheckedFile> {
  const s = await sniffFile(path);
  if (!s.ok) throw FILE_ERRORS[s.reason]();
  let leading: Awaited<ReturnType<typeof readLeadingRows>>;
  try {
    leading = await readLeadingRows(path, s.kind, HEADER_SEARCH_ROWS);
  } catch {
    throw FILE_ERRORS.unreadable();
  }
  if (!leading.length) throw FILE_ERRORS.noHeader();
  // The header is the first row naming every required column; failing that, report the closest one.
  let closest: { missing: PersonColumn[]; duplicated: PersonColumn[] } | null = null;
  for (const row of leading) {
    const m = mapHeaders(row.values);
    if (m.ok) return { path, kind: s.kind, size: s.size, headers: row.values, headerRow: row.rowNumber };
    if (!closest || m.missing.length + m.duplicated.length < closest.missing.length + closest.duplicated.length) closest = m;
  }
  throw new AppError(400, 'validation', [
    ...closest!.missing.map((c) => ({ field: c, code: 'missing_column', message: `Thiếu cột "${columnLabel(c)}" / missing column "${columnLabel(c, 'en')}"` })),
    ...closest!.duplicated.map((c) => ({ field: c, code: 'duplicate_column', message: `Cột "${columnLabel(c)}" xuất hiện hai lần / column given twice` })),
  ]);
}

export async function createPeopleJob(db: Db, importer: Importer, filename: string, sha256: string | null): Promise<number> {
  return store.createJob(db, { provinceCode: importer.provinceCode, kind: 'people', filename, sha256, createdBy: importer.userId });
}

// One import at a time per process: two imports of overlapping files would otherwise contend
// for the same rows chunk by chunk.
let queue: Promise<unknown> = Promise.resolve();
export function enqueueImport<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
}

/** Lines in a CSV (an estimate of the rows, for progress before the end is reached). */
async function countLines(path: string): Promise<number> {
  let n = 0;
  let last = 10;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
    last = chunk[chunk.length - 1];
  }
  return last === 10 ? n : n + 1;
}

function cellText(v: RawValue): string {
  if (v == null) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  return String(v);
}

/** A cell of the error file. Text that a spreadsheet would run as a formula gets a leading apostrophe. */
function csvCell(value: string): string {
  const c = /^[=@\t\r]|^[+-](?![\d\s.,(]|$)/.test(value) ? "'" + value : value;
  return /[",\r\n;]/.test(c) ? '"' + c.replace(/"/g, '""') + '"' : c;
}


/** The error file: one line per refused row, the problems first, then the row as it was (so it can be fixed and imported again). */
export function errorsCsv(headers: RawValue[], rows: ErrorRow[]): string {
  const line = (cells: string[]) => cells.map((c) => csvCell(c)).join(',') + '\r\n';
  let out = line(['Dòng', 'Cột', 'Mã lỗi', 'Lỗi', ...headers.map(cellText)]);
  for (const r of rows) {
    const values = headers.map((_, i) => cellText(r.values[i]));
    out += line([
      String(r.rowNumber),
      [...new Set(r.issues.map((i) => columnLabel(i.column)))].join('; '),
      r.issues.map((i) => i.code).join('; '),
      r.issues.map((i) => issueMessage(i)).join('; '),
      ...values,
    ]);
  }
  return out;
}

/** Reads the cells of these rows from the file again (rows refused by the database, whose cells were not kept). */
async function fillValues(file: CheckedFile, rows: ErrorRow[]) {
  const byNumber = new Map(rows.map((r) => [r.rowNumber, r]));
  let left = byNumber.size;
  for await (const batch of readRows(file.path, file.kind)) {
    for (let i = 0; i < batch.rowNumbers.length && left; i++) {
      const r = byNumber.get(batch.rowNumbers[i]);
      if (r) {
        r.values = batch.values[i];
        left--;
      }
    }
    if (!left) break;
  }
}

function summaryMessage(c: store.JobCounts, storedErrors: number): string {
  const n = (x: number) => x.toLocaleString('vi-VN');
  let m = `Đã xử lý ${n(c.processedRows)} dòng: ${n(c.insertedRows)} thêm mới, ${n(c.updatedRows)} cập nhật, ${n(c.unchangedRows)} không đổi, ${n(c.errorRows)} lỗi`;
  if (storedErrors < c.errorRows) m += `; tệp lỗi chỉ gồm ${n(storedErrors)} dòng lỗi đầu tiên`;
  return m;
}

/**
 * Runs an import job to the end. Rows are validated in file order (reader.ts: in a worker thread
 * for a large file on PGlite); valid rows are written in chunks, each in its own transaction together with
 * the job's progress. On PostgreSQL two chunks are written at once by two connections.
 */
export async function runPeopleImport(db: Db, importer: Importer, jobId: number, file: CheckedFile, opts: ImportOptions = {}): Promise<ImportSummary> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
  const maxStored = opts.maxStoredErrors ?? MAX_STORED_ERRORS;
  const { provinceCode, jurisdictionPath } = importer;
  const counts: store.JobCounts = { totalRows: 0, processedRows: 0, insertedRows: 0, updatedRows: 0, unchangedRows: 0, errorRows: 0 };
  let householdsInserted = 0;
  const errors: ErrorRow[] = [];

  // Chunks being written. PGlite runs in this thread, so there is nothing to overlap: one at a time.
  // On PostgreSQL two chunks are written by two connections while the next one is parsed; chunks
  // never share a person (duplicates are dropped first) and lock shared households in key order.
  const writing = new Set<Promise<void>>();
  const maxWriting = db.kind === 'pglite' ? 1 : 2;
  let deferred: string[] = [];
  try {
    const root = await store.provinceRootPath(db, provinceCode);
    if (!root) throw new Error(`province ${provinceCode} has no units`);
    const unitList = await store.loadImportUnits(db, provinceCode);
    const ctxToday = opts.today ?? todayInVietnam();
    const header = mapHeaders(file.headers);
    if (!header.ok) throw new Error('header changed since the file was checked');
    const map: HeaderMap = header.map;

    let lines = 0;
    let bytes = 0;
    if (file.kind === 'csv') lines = await countLines(file.path);
    let parsed = false;
    const estimateTotal = () => {
      if (parsed) return counts.processedRows;
      if (file.kind === 'csv') return Math.max(counts.processedRows, lines - file.headerRow);
      return Math.max(counts.processedRows, bytes > 0 ? Math.round((counts.processedRows * file.size) / bytes) : 0);
    };
    counts.totalRows = estimateTotal();

    // How chunks find new people (store.ChunkMode), and whether this is a bulk load.
    const before = await store.provinceHasPeople(db, provinceCode);
    let mode = (before.people ? 'probe' : 'copy') as store.ChunkMode;
    let chunksSinceProbe = 0;
    const bulkMin = opts.bulkMinRows ?? BULK_MIN_ROWS;
    if (file.kind === 'csv' && counts.totalRows >= bulkMin && (await store.personRowsBelow(db, counts.totalRows))) {
      deferred = await store.deferIndexes(db, 'person');
    }

    // Rows refused while writing (CCCD taken, outside the jurisdiction): their cells are read from the file again at the end.
    const refusedLater: ErrorRow[] = [];
    let reported = 0;

    const flush = async (chunk: store.PeopleChunk, processed: number) => {
      if (mode === 'upsert' && ++chunksSinceProbe >= PROBE_RETRY_CHUNKS) mode = 'probe';
      const job = { rows: chunk, processed, mode };
      while (writing.size >= maxWriting) await Promise.race(writing);
      const write = writeChunk(job);
      writing.add(write);
      // A failed write stays in the set, so the next wait (or the final one) throws its error.
      write.then(() => writing.delete(write), () => {});
      if (maxWriting === 1) await write;
    };

    const writeChunk = async (chunk: { rows: store.PeopleChunk; processed: number; mode: store.ChunkMode }) => {
      await db.tx(async (q) => {
        const rows = chunk.rows;
        if (rows.length) {
          const r = await store.writePeopleChunk(q, {
            provinceCode,
            jobId,
            jurisdictionPath,
            wholeProvince: jurisdictionPath === root,
            chunk: rows,
            mode: chunk.mode,
            aliases: before.aliases,
          });
          counts.insertedRows += r.inserted;
          counts.updatedRows += r.updated;
          counts.unchangedRows += r.unchanged;
          householdsInserted += r.householdsInserted;
          for (const x of r.rejected) {
            counts.errorRows++;
            if (errors.length + refusedLater.length < maxStored) refusedLater.push({ rowNumber: x.rowNumber, issues: [{ column: x.column, code: x.code }], values: [] });
          }
          // A re-import finds nearly everyone known: skip the look-up for a while (the upsert finds them anyway).
          if (chunk.mode === 'probe' && !before.aliases && r.fresh < rows.length * PROBE_MIN_FRESH_SHARE) {
            mode = 'upsert';
            chunksSinceProbe = 0;
          }
        }
        counts.totalRows = estimateTotal();
        await store.updateJobProgress(q, provinceCode, jobId, { ...counts, processedRows: chunk.processed });
      });
      reported = Math.max(reported, chunk.processed); // chunks written side by side may finish out of order
      opts.onProgress?.(reported, counts.totalRows);
    };

    const input: ReaderInput = {
      path: file.path,
      kind: file.kind,
      headerRow: file.headerRow,
      map,
      units: unitList,
      jurisdictionPath,
      today: ctxToday,
      provinceCode,
      jobId,
      chunkSize,
      copyHouseholds: mode === 'copy',
      maxStoredErrors: maxStored,
    };
    // On PGlite the database runs in this thread: reading in a worker lets the two work at once.
    // PostgreSQL runs elsewhere already, and there the worker's copying costs more than it frees.
    const inWorker = opts.worker ?? (db.kind === 'pglite' && file.kind === 'csv' && counts.totalRows >= WORKER_MIN_ROWS);
    for await (const c of inWorker ? readChunksInWorker(input) : readChunks(input)) {
      counts.errorRows += c.errorCount;
      for (const e of c.errors) if (errors.length < maxStored) errors.push(e);
      counts.processedRows = c.processed;
      bytes = c.bytes;
      await flush(c.chunk, c.processed);
    }
    parsed = true;
    await Promise.all(writing);
    if (refusedLater.length) {
      await fillValues(file, refusedLater);
      errors.push(...refusedLater);
    }
    // The indexes put off (and any an interrupted import left out) are built again.
    await store.restoreDeferredIndexes(db, maxWriting);
    deferred = [];

    errors.sort((a, b) => a.rowNumber - b.rowNumber);
    const errorText = counts.errorRows ? errorsCsv(file.headers, errors) : null;
    const message = summaryMessage(counts, errors.length);
    // Fresh statistics first: without them the planner picks a plan for the roll-up that
    // rescans the registry once per unit (and PGlite has no autovacuum to gather them).
    await db.exec('ANALYZE person, household, admin_unit');
    await db.tx(async (q) => {
      await refreshUnitStats(q, provinceCode, ctxToday);
      await store.finishJob(q, provinceCode, jobId, { status: 'done', counts, errorsCsv: errorText, message });
      await audit(q, importer.req ?? null, {
        action: 'import',
        entity: 'person',
        entityId: jobId,
        details: { via: importer.via, file: file.filename ?? file.path.split('/').pop(), kind: file.kind, ...counts, householdsInserted },
      }, { provinceCode, id: importer.userId });
    });
    return { jobId, status: 'done', ...counts, householdsInserted, errorsCsv: errorText, message };
  } catch (e) {
    await Promise.allSettled(writing);
    if (deferred.length) await store.restoreDeferredIndexes(db, maxWriting).catch(() => {}); // else at the next start
    const detail = e instanceof Error ? e.message : String(e);
    const message = `Nhập dữ liệu thất bại sau ${counts.processedRows.toLocaleString('vi-VN')} dòng: ${detail}`;
    await store.finishJob(db, provinceCode, jobId, { status: 'failed', counts, errorsCsv: errors.length ? errorsCsv(file.headers, errors) : null, message }).catch(() => {});
    await audit(db, importer.req ?? null, { action: 'import', entity: 'person', entityId: jobId, outcome: 'failed', details: { via: importer.via, error: detail, ...counts } }, { provinceCode, id: importer.userId }).catch(() => {});
    return { jobId, status: 'failed', ...counts, householdsInserted, errorsCsv: null, message };
  }
}
