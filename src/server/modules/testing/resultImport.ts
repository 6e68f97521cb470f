// Bulk results from a lab machine's export (CSV or Excel): checked first (format, header), then
// run as an import job (the registry import's job row and progress, imports/store.ts): rows are
// read into one result per sample, applied in chunks of samples, each chunk one transaction
// with the job's progress. Rows that cannot be used are reported one by one in the error file;
// good rows are imported; importing the same file again changes nothing.
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import { readLeadingRows, readRows, sniffFile, type FileKind } from '../imports/parse.ts';
import { createJob, finishJob, updateJobProgress, type JobCounts } from '../imports/store.ts';
import { enqueueImport } from '../imports/service.ts';
import type { Scope } from '../units/store.ts';
import { mapResultHeaders, RESULT_COLUMN_LABELS, RESULT_ISSUE_MESSAGES, samplesFromRows, type PcrInterpretation, type RawResultRow, type ResultColumn, type ResultHeaderMap } from '../../../domain/testing/results.ts';
import { policy, todayInVietnam, type Actor } from './common.ts';
import { applyResults, type AppliedResult } from './labResults.ts';
import { refreshDaily, refreshLabDaily, type DayLab, type DayUnit } from './aggregates.ts';

export interface CheckedResultsFile {
  path: string;
  kind: FileKind;
  headers: unknown[];
  headerRow: number;
  map: ResultHeaderMap;
  filename: string;
}

const HEADER_SEARCH_ROWS = 15;

export async function checkResultsFile(path: string, filename: string): Promise<CheckedResultsFile> {
  const s = await sniffFile(path);
  if (!s.ok) {
    if (s.reason === 'empty') throw new AppError(400, 'validation', [{ field: 'file', code: 'empty' }]);
    if (s.reason === 'encoding') throw new AppError(400, 'validation', [{ field: 'file', code: 'encoding', message: 'CSV phải mã hóa UTF-8 / the CSV must be UTF-8' }]);
    throw new AppError(415, 'unsupported_media_type', [{ field: 'file', code: 'unsupported', message: 'Chỉ nhận CSV (UTF-8) hoặc Excel .xlsx / only CSV or .xlsx' }]);
  }
  let leading;
  try {
    leading = await readLeadingRows(path, s.kind, HEADER_SEARCH_ROWS);
  } catch {
    throw new AppError(415, 'unsupported_media_type', [{ field: 'file', code: 'unreadable' }]);
  }
  let missing: string[] = ['barcode', 'result_or_ct'];
  for (const row of leading) {
    const m = mapResultHeaders(row.values);
    if (m.ok) return { path, kind: s.kind, headers: row.values, headerRow: row.rowNumber, map: m.map, filename };
    if (m.missing.length < missing.length) missing = m.missing;
  }
  throw new AppError(
    400,
    'validation',
    missing.map((c) => ({
      field: c,
      code: 'missing_column',
      message: c === 'barcode' ? 'Thiếu cột "Mã mẫu" / missing column "barcode"' : 'Thiếu cột "Kết quả" hoặc "Ct" / missing column "result" or "ct"',
    })),
  );
}

export interface ResultsImporter {
  scope: Scope;
  actor: Actor;
  labId: number;
  req: FastifyRequest | null;
}

export async function createResultsJob(db: Db, importer: ResultsImporter, file: CheckedResultsFile, sha256: string | null) {
  return createJob(db, { provinceCode: importer.scope.provinceCode, kind: 'test_results', filename: file.filename, sha256, createdBy: importer.actor.id });
}

function cellText(v: unknown): string {
  if (v == null) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  return String(v);
}

/** A cell of the error file; text a spreadsheet would run as a formula gets a leading apostrophe. */
function csvCell(value: string): string {
  const c = /^[=@\t\r]|^[+-](?![\d\s.,(]|$)/.test(value) ? "'" + value : value;
  return /[",\r\n;]/.test(c) ? '"' + c.replace(/"/g, '""') + '"' : c;
}

interface ErrorLine {
  rowNumber: number;
  column: ResultColumn | null;
  code: string;
  values: readonly unknown[];
}

export function resultErrorsCsv(headers: readonly unknown[], lines: ErrorLine[]): string {
  const line = (cells: string[]) => cells.map(csvCell).join(',') + '\r\n';
  let out = line(['Dòng', 'Cột', 'Mã lỗi', 'Lỗi', ...headers.map(cellText)]);
  for (const l of [...lines].sort((a, b) => a.rowNumber - b.rowNumber)) {
    out += line([String(l.rowNumber), l.column ? RESULT_COLUMN_LABELS[l.column].vi : '', l.code, RESULT_ISSUE_MESSAGES[l.code]?.vi ?? l.code, ...headers.map((_, i) => cellText(l.values[i]))]);
  }
  return out;
}

export interface ResultsImportSummary {
  jobId: number;
  status: 'done' | 'failed';
  counts: JobCounts;
  samples: number;
  conflicts: number;
  followUps: number;
  cases: number;
  message: string;
  errorsCsv: string | null;
}

export async function runResultsImport(db: Db, importer: ResultsImporter, jobId: number, file: CheckedResultsFile, opts: { chunkSize?: number } = {}): Promise<ResultsImportSummary> {
  const { scope } = importer;
  const pc = scope.provinceCode;
  const chunkSize = opts.chunkSize ?? 4000;
  const counts: JobCounts = { totalRows: 0, processedRows: 0, insertedRows: 0, updatedRows: 0, unchangedRows: 0, errorRows: 0 };
  const errors: ErrorLine[] = [];
  let conflicts = 0;
  let followUps = 0;
  let cases = 0;
  let samples = 0;
  const deferred = { units: [] as DayUnit[], labs: [] as DayLab[] };
  try {
    const interp = await policy<PcrInterpretation>(db, pc, 'testing.pcr_interpretation', todayInVietnam());
    const rows: RawResultRow[] = [];
    const valuesByRow = new Map<number, readonly unknown[]>();
    for await (const batch of readRows(file.path, file.kind)) {
      for (let i = 0; i < batch.values.length; i++) {
        const n = batch.rowNumbers[i];
        const values = batch.values[i];
        if (n <= file.headerRow || !values.some((v) => v != null && String(v).trim() !== '')) continue;
        rows.push({ rowNumber: n, values });
        valuesByRow.set(n, values);
      }
    }
    counts.totalRows = rows.length;
    await updateJobProgress(db, pc, jobId, counts);
    const parsed = samplesFromRows(rows, file.map, interp.value, new Date());
    for (const e of parsed.errors) errors.push({ rowNumber: e.rowNumber, column: e.column, code: e.issue, values: valuesByRow.get(e.rowNumber) ?? [] });
    counts.errorRows = new Set(parsed.errors.map((e) => e.rowNumber)).size;
    counts.processedRows = counts.errorRows;
    samples = parsed.samples.length;
    for (let i = 0; i < parsed.samples.length; i += chunkSize) {
      const chunk = parsed.samples.slice(i, i + chunkSize);
      await db.tx(async (q) => {
        const applied: AppliedResult[] = await applyResults(
          q,
          { scope, actor: importer.actor, req: importer.req, labId: importer.labId, source: 'import', jobId, policyVersion: interp.version, deferAggregates: deferred },
          chunk.map((s) => ({ barcode: s.barcode, outcome: s.outcome, ct: s.ct, testedAt: s.testedAt, rowNumbers: s.rowNumbers })),
        );
        for (const a of applied) {
          const n = a.rowNumbers?.length ?? 1;
          counts.processedRows += n;
          if (a.status === 'inserted') counts.insertedRows += n;
          else if (a.status === 'replaced') counts.updatedRows += n;
          else if (a.status === 'unchanged') counts.unchangedRows += n;
          else {
            counts.errorRows += n;
            if (a.status === 'conflict') conflicts++;
            for (const r of a.rowNumbers ?? []) errors.push({ rowNumber: r, column: 'barcode', code: a.status === 'conflict' ? 'result_conflict' : (a.issue ?? 'error'), values: valuesByRow.get(r) ?? [] });
          }
          followUps += a.effects.followUps ?? 0;
          if (a.effects.caseAction === 'created') cases++;
        }
        await updateJobProgress(q, pc, jobId, counts);
      });
    }
    const n = (x: number) => x.toLocaleString('vi-VN');
    const message =
      `Đã xử lý ${n(counts.processedRows)} dòng (${n(samples)} mẫu): ${n(counts.insertedRows)} dòng có kết quả mới, ${n(counts.updatedRows)} thay kết quả không hợp lệ, ` +
      `${n(counts.unchangedRows)} không đổi, ${n(counts.errorRows)} lỗi` +
      (conflicts ? `; ${n(conflicts)} mẫu có kết quả khác kết quả đã có, giữ lại để xem xét` : '') +
      (followUps ? `; ${n(followUps)} người cần xét nghiệm lại từ mẫu gộp dương tính` : '') +
      (cases ? `; ${n(cases)} ca bệnh mới` : '');
    const errorsCsv = errors.length ? resultErrorsCsv(file.headers, errors) : null;
    await db.tx(async (q) => {
      // The daily figures of every day and unit the results touched, once for the whole file.
      await refreshDaily(q, pc, deferred.units);
      await refreshLabDaily(q, pc, deferred.labs);
      await finishJob(q, pc, jobId, { status: 'done', counts, errorsCsv, message });
      await audit(q, importer.req, { action: 'import', entity: 'test_result', entityId: jobId, details: { file: file.filename, labId: importer.labId, samples, conflicts, followUps, cases, ...counts } }, { provinceCode: pc, id: importer.actor.id, username: importer.actor.username });
    });
    return { jobId, status: 'done', counts, samples, conflicts, followUps, cases, message, errorsCsv };
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    // The chunks written before the failure count in the daily figures.
    await db.tx(async (q) => {
      await refreshDaily(q, pc, deferred.units);
      await refreshLabDaily(q, pc, deferred.labs);
    }).catch(() => {});
    const message = `Nhập kết quả thất bại sau ${counts.processedRows.toLocaleString('vi-VN')} dòng: ${detail}`;
    await finishJob(db, pc, jobId, { status: 'failed', counts, errorsCsv: errors.length ? resultErrorsCsv(file.headers, errors) : null, message }).catch(() => {});
    return { jobId, status: 'failed', counts, samples, conflicts, followUps, cases, message, errorsCsv: null };
  }
}

export { enqueueImport };
