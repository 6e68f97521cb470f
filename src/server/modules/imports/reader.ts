// Reading a registry file into chunks ready to write: parse, validate (domain/people/importRow.ts),
// drop repeated people, lay the valid rows out for COPY (store.PeopleChunk). No database here, so
// it runs in the importing thread or, for a large file, in a worker thread: on PGlite, which runs in
// the main thread, reading the next chunk then takes the other core while the database writes.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  DuplicateTracker,
  RowCache,
  buildUnitIndex,
  isBlankRow,
  validatePersonRow,
  type HeaderMap,
  type ImportUnit,
  type RawValue,
  type RowIssue,
} from '../../../domain/people/importRow.ts';
import { readRows, type FileKind } from './parse.ts';
import { PeopleChunk, type PeopleChunkParts } from './store.ts';

export interface ErrorRow {
  rowNumber: number;
  issues: RowIssue[];
  values: RawValue[];
}

export interface ReaderInput {
  path: string;
  kind: FileKind;
  /** Rows up to this one (the header, a title above it) are skipped. */
  headerRow: number;
  map: HeaderMap;
  units: ImportUnit[];
  jurisdictionPath: string;
  today: string;
  provinceCode: string;
  jobId: number;
  /** Rows (valid or not) per chunk. */
  chunkSize: number;
  /** Households new to the import may be copied in (a province without people yet): track those shared between chunks. */
  copyHouseholds: boolean;
  /** Error rows whose cells are kept (all are counted). */
  maxStoredErrors: number;
}

export interface ReadChunk {
  chunk: PeopleChunk;
  /** Refused rows of this chunk, with their cells while under maxStoredErrors. */
  errors: ErrorRow[];
  /** Refused rows of this chunk, stored or not. */
  errorCount: number;
  /** Rows read so far, blank lines and the header not counted. */
  processed: number;
  /** File bytes read so far. */
  bytes: number;
}

/** The file's rows in chunks, read here. The last chunk may be empty (it carries the final counts). */
export async function* readChunks(input: ReaderInput): AsyncGenerator<ReadChunk> {
  const ctx = { units: buildUnitIndex(input.units, input.jurisdictionPath), today: input.today, cache: new RowCache() };
  const duplicates = new DuplicateTracker();
  const seen = input.copyHouseholds ? new Set<string>() : null;
  const fresh = () => new PeopleChunk(input.provinceCode, input.jobId, true, seen);
  let chunk = fresh();
  let errors: ErrorRow[] = [];
  let errorCount = 0;
  let stored = 0;
  let processed = 0;
  let inChunk = 0;
  let bytes = 0;
  const refuse = (rowNumber: number, issues: RowIssue[], values: RawValue[]) => {
    errorCount++;
    if (stored < input.maxStoredErrors) {
      stored++;
      errors.push({ rowNumber, issues, values });
    }
  };
  for await (const batch of readRows(input.path, input.kind, { onBytes: (b) => (bytes = b) })) {
    const { values: rows, rowNumbers } = batch;
    for (let i = 0; i < rows.length; i++) {
      const values = rows[i];
      const rowNumber = rowNumbers[i];
      if (rowNumber <= input.headerRow || isBlankRow(values)) continue;
      processed++;
      inChunk++;
      const r = validatePersonRow(values, input.map, ctx);
      if (!r.ok) refuse(rowNumber, r.issues, values);
      else {
        const dup = duplicates.check(r.person, rowNumber);
        if (dup) refuse(rowNumber, [dup], values);
        else chunk.add(rowNumber, r.person);
      }
      if (inChunk >= input.chunkSize) {
        yield { chunk, errors, errorCount, processed, bytes };
        chunk = fresh();
        errors = [];
        errorCount = 0;
        inChunk = 0;
      }
    }
  }
  yield { chunk, errors, errorCount, processed, bytes };
}

const WORKER_TAG = 'chongdich-people-import-reader';

type Posted = { parts: PeopleChunkParts; errors: ErrorRow[]; errorCount: number; processed: number; bytes: number } | { done: true } | { failed: string };

/** The same chunks, read by a worker thread at most two chunks ahead of the writer. */
export async function* readChunksInWorker(input: ReaderInput): AsyncGenerator<ReadChunk> {
  // The worker registers the TypeScript loader (tsx) itself, then loads this module.
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { tag: WORKER_TAG, input } });
  const queue: Posted[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: Posted) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (e) => {
    failure = e;
    notify();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`import reader exited with code ${code}`);
    notify();
  });
  worker.postMessage(2);
  try {
    for (;;) {
      while (!queue.length && !failure) await new Promise<void>((r) => (wake = r));
      if (!queue.length) throw failure;
      const m = queue.shift()!;
      if ('done' in m) return;
      if ('failed' in m) throw new Error(m.failed);
      worker.postMessage(1);
      yield { chunk: PeopleChunk.fromParts(m.parts), errors: m.errors, errorCount: m.errorCount, processed: m.processed, bytes: m.bytes };
    }
  } finally {
    await worker.terminate();
  }
}

if (!isMainThread && (workerData as { tag?: string } | null)?.tag === WORKER_TAG) {
  const produce = readChunks((workerData as { input: ReaderInput }).input);
  let credit = 0;
  let running = false;
  const pump = async () => {
    if (running) return;
    running = true;
    try {
      while (credit > 0) {
        const next = await produce.next();
        if (next.done) {
          parentPort!.postMessage({ done: true } satisfies Posted);
          return;
        }
        credit--;
        const { chunk, ...rest } = next.value;
        const parts = chunk.toParts();
        parentPort!.postMessage({ parts, ...rest } satisfies Posted, [parts.buf]);
      }
    } catch (e) {
      parentPort!.postMessage({ failed: e instanceof Error ? e.message : String(e) } satisfies Posted);
    } finally {
      running = false;
    }
  };
  parentPort!.on('message', (n: number) => {
    credit += n;
    void pump();
  });
}
