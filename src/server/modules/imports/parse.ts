// Reading a table file row by row without holding it in memory: CSV (csv.ts, any of , ; tab
// as delimiter, UTF-8 with or without BOM) or the first worksheet of an XLSX (exceljs streaming reader).
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import ExcelJS from 'exceljs';
import type { RawValue } from '../../../domain/people/importRow.ts';
import { CsvReader } from './csv.ts';

export type FileKind = 'csv' | 'xlsx';

export type Sniffed = { ok: true; kind: FileKind; size: number } | { ok: false; reason: 'empty' | 'unsupported' | 'encoding' };

const HEAD_BYTES = 64 * 1024;

/** Decides the format from the bytes, not the file name: XLSX is a ZIP; CSV is UTF-8 text without NUL bytes. */
export async function sniffFile(path: string): Promise<Sniffed> {
  const size = (await stat(path)).size;
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size, HEAD_BYTES));
    await fh.read(buf, 0, buf.length, 0);
    return sniffHead(buf, size);
  } finally {
    await fh.close();
  }
}

export function sniffHead(head: Buffer, size: number): Sniffed {
  const text = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
  if (!text.toString('utf8').trim()) return { ok: false, reason: 'empty' };
  if (head.readUInt32BE(0) === 0x504b0304) return { ok: true, kind: 'xlsx', size };
  if (head.includes(0)) return { ok: false, reason: 'unsupported' }; // binary: .xls, PDF, images…
  try {
    // stream: true tolerates a character cut at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return { ok: false, reason: 'encoding' };
  }
  return { ok: true, kind: 'csv', size };
}

export interface RowBatch {
  /** Row number as a spreadsheet shows it (the header is usually row 1). */
  rowNumbers: number[];
  values: RawValue[][];
}

export interface ReadOptions {
  batchSize?: number;
  /** Called with the number of file bytes consumed so far (for progress). */
  onBytes?: (bytes: number) => void;
}

/** Every row of the file (header included), in batches. */
export function readRows(path: string, kind: FileKind, opts: ReadOptions = {}): AsyncGenerator<RowBatch> {
  return kind === 'csv' ? readCsv(path, opts) : readXlsx(path, opts);
}

/** The first `max` non-blank rows (where the header is looked for: sheets often start with a title). */
export async function readLeadingRows(path: string, kind: FileKind, max: number): Promise<{ rowNumber: number; values: RawValue[] }[]> {
  const out: { rowNumber: number; values: RawValue[] }[] = [];
  for await (const batch of readRows(path, kind, { batchSize: max })) {
    for (let i = 0; i < batch.values.length; i++) {
      if (!batch.values[i].some((v) => v != null && String(v).trim() !== '')) continue;
      out.push({ rowNumber: batch.rowNumbers[i], values: batch.values[i] });
      if (out.length >= max) return out;
    }
  }
  return out;
}

/** The delimiter that splits the first line best (Excel in Vietnamese locales writes ';'). */
async function guessDelimiter(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    const firstLine = buf.subarray(0, bytesRead).toString('utf8').split(/\r?\n/, 1)[0];
    let best = ',';
    let bestCount = 0;
    for (const d of [',', ';', '\t']) {
      const n = firstLine.split(d).length - 1;
      if (n > bestCount) [best, bestCount] = [d, n];
    }
    return best;
  } finally {
    await fh.close();
  }
}

async function* readCsv(path: string, opts: ReadOptions): AsyncGenerator<RowBatch> {
  const batchSize = opts.batchSize ?? 5000;
  const reader = new CsvReader({ delimiter: await guessDelimiter(path), maxRecordSize: 1 << 20 });
  const decoder = new StringDecoder('utf8');
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  let rowNumber = 0; // counts records, as a spreadsheet numbers the rows of an opened CSV
  let records: string[][] = [];
  const batch = function* (last: boolean): Generator<RowBatch> {
    while (records.length >= batchSize || (last && records.length)) {
      const values = records.length > batchSize ? records.splice(0, batchSize) : records;
      if (values === records) records = [];
      const rowNumbers = new Array<number>(values.length);
      for (let i = 0; i < values.length; i++) rowNumbers[i] = ++rowNumber;
      yield { rowNumbers, values };
    }
  };
  try {
    for await (const chunk of file as AsyncIterable<Buffer>) {
      reader.push(decoder.write(chunk), records);
      opts.onBytes?.((bytes += chunk.length));
      yield* batch(false);
    }
    reader.push(decoder.end(), records);
    reader.end(records);
    yield* batch(true);
  } finally {
    file.destroy();
  }
}

type ExcelCell = ExcelJS.CellValue | { sharedString: number } | undefined;

/** A cell as text, number or date: rich text joined, formulas by their result, errors as empty. */
export function excelValue(v: ExcelCell): RawValue {
  if (v == null) return null;
  if (typeof v === 'string' || typeof v === 'number' || v instanceof Date) return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((t) => t.text).join('');
    if ('result' in v) return excelValue(v.result as ExcelCell);
    if ('text' in v && typeof v.text === 'string') return v.text;
  }
  return null;
}

async function* readXlsx(path: string, opts: ReadOptions): AsyncGenerator<RowBatch> {
  const batchSize = opts.batchSize ?? 5000;
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  if (opts.onBytes) file.on('data', (b) => opts.onBytes!((bytes += b.length)));
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // needed to see which number cells are dates
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let batch: RowBatch = { rowNumbers: [], values: [] };
  try {
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const raw = row.values as ExcelCell[];
        const values: RawValue[] = [];
        for (let i = 1; i < raw.length; i++) values.push(excelValue(raw[i]));
        batch.rowNumbers.push(row.number);
        batch.values.push(values);
        if (batch.values.length >= batchSize) {
          yield batch;
          batch = { rowNumbers: [], values: [] };
        }
      }
      break; // the registry is the first worksheet
    }
    if (batch.values.length) yield batch;
  } finally {
    file.destroy();
  }
}
