// Files uploaded for a background import job (people registry, lab results): the request's one
// `file` part is streamed to a private temporary file (size-limited by the multipart plugin,
// hashed on the way), and the error file of a finished job can be sent back as Excel.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { AppError, badRequest } from './errors.ts';

export interface StoredUpload {
  /** The temporary file holding the upload. */
  path: string;
  /** The name the user gave the file, safe to store and show. */
  filename: string;
  sha256: string;
  /** Removes the temporary file (when the job that reads it ends, or when the request fails). */
  cleanup: () => Promise<void>;
}

/** A file name safe to store and show: no directories, no control characters. */
export function cleanFilename(name: string | undefined): string {
  const base = basename(String(name ?? '').replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (base || 'upload').slice(0, 200);
}

/**
 * Receives the request's `file` part into a new temporary directory. A request that is not
 * multipart (415), has no `file` part (400) or is over the size limit (413) keeps nothing.
 */
export async function receiveUpload(req: FastifyRequest, prefix: string): Promise<StoredUpload> {
  if (!req.isMultipart()) throw new AppError(415, 'unsupported_media_type', [{ field: 'file', code: 'multipart_required' }]);
  const part = await req.file();
  if (!part) throw badRequest([{ field: 'file', code: 'required' }]);
  if (part.fieldname !== 'file') {
    part.file.resume();
    throw badRequest([{ field: 'file', code: 'required' }]);
  }
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, 'upload');
  const hash = createHash('sha256');
  try {
    const hashing = new Transform({
      transform(chunk, _enc, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    await pipeline(part.file, hashing, createWriteStream(path));
    if (part.file.truncated) throw new AppError(413, 'payload_too_large');
  } catch (e) {
    await cleanup();
    throw e;
  }
  return { path, filename: cleanFilename(part.filename), sha256: hash.digest('hex'), cleanup };
}

/** An import's error file (CSV: row, column, code, problem, then the row's cells) as an Excel sheet. */
export async function errorsWorkbook(csv: string, sheet = 'Lỗi'): Promise<Buffer> {
  const rows = parseCsv(csv, { relax_column_count: true }) as string[][];
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  for (const r of rows) ws.addRow(r);
  ws.getRow(1).font = { bold: true };
  [8, 18, 24, 50].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
