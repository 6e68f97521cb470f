// Backup and restore in one engine-independent format, so a PGlite backup restores into PostgreSQL
// and back. A backup is a gzip file holding one JSON header line, then every table's rows as
// `COPY … TO … WITH (FORMAT csv)` writes them, table after table in the header's order. The header
// gives each table's row count; a reader finds where a table ends by counting CSV records.
import { createReadStream, createWriteStream, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGunzip, createGzip } from 'node:zlib';
import type { Db, Queryable } from './db/index.ts';
import { migrate } from './db/migrate.ts';

export const BACKUP_FORMAT = 'chongdich-backup';
export const BACKUP_VERSION = 1;
/** Not backed up: migrations travel in the header; sessions are left out so a restored system makes everyone sign in again. */
export const EXCLUDED_TABLES = ['schema_migration', 'user_session'];

export interface BackupTable {
  name: string;
  columns: string[];
  rows: number;
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  createdAt: string;
  engine: Db['kind'];
  migrations: string[];
  tables: BackupTable[];
}

export type Progress = (step: string, done: number, total: number) => void;

/** A backup that cannot be made or restored, with a message for the operator (Vietnamese / English). */
export class BackupError extends Error {
  constructor(vi: string, en: string) {
    super(`${vi} / ${en}`);
    this.name = 'BackupError';
  }
}

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'db', 'migrations');
const MAX_HEADER_BYTES = 1 << 20;
/** Rows are loaded in COPY batches of about this many bytes, so no table is held in memory whole. */
const LOAD_BATCH_BYTES = 16 << 20;
const NEWLINE = 0x0a;
const QUOTE = 0x22;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

// ---------------------------------------------------------------------------------------------
// Catalog

interface TableInfo {
  name: string;
  columns: string[];
}

/** Every ordinary table in the public schema with its writable columns, parents before children. */
export async function listTables(q: Queryable): Promise<TableInfo[]> {
  const partitioned = await q.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND (c.relkind = 'p' OR c.relispartition)`,
  );
  if (partitioned.rows.length) {
    const names = partitioned.rows.map((r) => r.name).join(', ');
    throw new BackupError(`chưa hỗ trợ sao lưu bảng phân vùng: ${names}`, `partitioned tables are not supported yet: ${names}`);
  }
  const tables = await q.query<{ name: string; columns: string[] }>(
    `SELECT c.relname AS name, json_agg(a.attname::text ORDER BY a.attnum) AS columns
     FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
     WHERE n.nspname = 'public' AND c.relkind = 'r'
     GROUP BY c.relname`,
  );
  const fks = await q.query<{ child: string; parent: string }>(
    `SELECT ch.relname AS child, pa.relname AS parent
     FROM pg_constraint k
     JOIN pg_class ch ON ch.oid = k.conrelid
     JOIN pg_class pa ON pa.oid = k.confrelid
     JOIN pg_namespace n ON n.oid = ch.relnamespace
     WHERE k.contype = 'f' AND n.nspname = 'public'`,
  );
  const byName = new Map(tables.rows.map((t) => [t.name, t]));
  return orderByForeignKeys([...byName.keys()], fks.rows).map((name) => byName.get(name)!);
}

/**
 * Table names with every referenced table before the tables referencing it (ties alphabetical,
 * self-references ignored). Tables in a reference cycle come last, alphabetically.
 */
export function orderByForeignKeys(tables: string[], fks: { child: string; parent: string }[]): string[] {
  const parents = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const { child, parent } of fks) if (child !== parent && parents.has(child) && parents.has(parent)) parents.get(child)!.add(parent);
  const ordered: string[] = [];
  const placed = new Set<string>();
  for (;;) {
    const ready = [...parents.keys()].filter((t) => !placed.has(t) && [...parents.get(t)!].every((p) => placed.has(p))).sort();
    if (!ready.length) break;
    for (const t of ready) placed.add(t);
    ordered.push(...ready);
  }
  return ordered.concat([...parents.keys()].filter((t) => !placed.has(t)).sort());
}

async function appliedMigrations(q: Queryable): Promise<string[] | null> {
  const exists = await q.query<{ t: string | null }>(`SELECT to_regclass('public.schema_migration')::text AS t`);
  if (!exists.rows[0].t) return null;
  return (await q.query<{ id: string }>('SELECT id FROM schema_migration ORDER BY id')).rows.map((r) => r.id);
}

function codeMigrations(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.replace(/\.sql$/, ''))
    .sort();
}

/** Sets every identity or serial column's sequence past the largest value now in its table. */
async function resetSequences(q: Queryable) {
  const seqs = await q.query<{ seq: string; table: string; column: string }>(
    `SELECT s.oid::regclass::text AS seq, t.relname AS table, a.attname AS column
     FROM pg_depend d
     JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
     JOIN pg_class t ON t.oid = d.refobjid
     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
       AND d.deptype IN ('a', 'i') AND n.nspname = 'public'`,
  );
  for (const s of seqs.rows) {
    await q.query(`SELECT setval($1::regclass, COALESCE(max(${ident(s.column)}), 0) + 1, false) FROM ${ident(s.table)}`, [s.seq]);
  }
}

// ---------------------------------------------------------------------------------------------
// CSV records

/**
 * Finds where records end in CSV as COPY writes it: at a newline outside double quotes (an escaped
 * quote "" toggles twice). Keeps its quote state from one chunk to the next. Byte-level, so safe
 * on UTF-8: neither byte occurs inside a multi-byte character.
 */
export class CsvRecordScanner {
  inQuotes = false;

  /** Scans buf from start for at most `want` records: how many ended, and the index just after the last one. */
  scan(buf: Buffer, start: number, want: number): { records: number; end: number } {
    const len = buf.length;
    const find = (byte: number, from: number) => {
      const at = buf.indexOf(byte, from);
      return at < 0 ? len : at;
    };
    let i = start;
    let end = start;
    let records = 0;
    let nextNewline = -1;
    let nextQuote = -1;
    while (records < want && i < len) {
      if (nextQuote < i) nextQuote = find(QUOTE, i);
      if (this.inQuotes) {
        if (nextQuote === len) break;
        this.inQuotes = false;
        i = nextQuote + 1;
        continue;
      }
      if (nextNewline < i) nextNewline = find(NEWLINE, i);
      if (nextQuote < nextNewline) {
        this.inQuotes = true;
        i = nextQuote + 1;
      } else if (nextNewline < len) {
        records++;
        i = end = nextNewline + 1;
      } else break;
    }
    return { records, end };
  }
}

const asBuffer = (chunk: Uint8Array) => (Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));

// ---------------------------------------------------------------------------------------------
// Backup

/**
 * Writes a backup of every table (but EXCLUDED_TABLES) from one consistent snapshot. The file is
 * written next to outFile and renamed into place only when complete, readable by its owner only.
 * PostgreSQL streams each table; PGlite hands a table over in blobs of about 32 MiB of table each.
 */
export async function backupDatabase(db: Db, outFile: string, onProgress?: Progress): Promise<BackupHeader> {
  const partFile = `${outFile}.${process.pid}.part`;
  try {
    const header = await db.tx(async (q) => {
      await q.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const migrations = await appliedMigrations(q);
      if (!migrations) throw new BackupError('cơ sở dữ liệu chưa được khởi tạo (chạy chongdich migrate)', 'the database has no schema (run chongdich migrate)');
      const tables: BackupTable[] = [];
      for (const t of await listTables(q)) {
        if (EXCLUDED_TABLES.includes(t.name)) continue;
        const n = await q.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${ident(t.name)}`);
        tables.push({ ...t, rows: Number(n.rows[0].n) });
      }
      const header: BackupHeader = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date().toISOString(), engine: db.kind, migrations, tables };
      await pipeline(backupBytes(q, header, onProgress), createGzip(), createWriteStream(partFile, { mode: 0o600 }));
      return header;
    });
    renameSync(partFile, outFile);
    return header;
  } catch (e) {
    rmSync(partFile, { force: true });
    throw e;
  }
}

async function* backupBytes(q: Queryable, header: BackupHeader, onProgress?: Progress) {
  yield Buffer.from(JSON.stringify(header) + '\n');
  for (const t of header.tables) {
    const scanner = new CsvRecordScanner();
    let rows = 0;
    let partial = false;
    onProgress?.(t.name, 0, t.rows);
    for await (const chunk of q.copyToCsv(ident(t.name), t.columns.map(ident))) {
      const buf = asBuffer(chunk);
      const r = scanner.scan(buf, 0, Infinity);
      rows += r.records;
      if (buf.length) partial = r.end < buf.length;
      onProgress?.(t.name, Math.min(rows, t.rows), t.rows);
      yield buf;
    }
    // Cannot happen in a snapshot; checked because a reader depends on the count.
    if (rows !== t.rows || partial) throw new Error(`backup of ${t.name}: counted ${t.rows} rows but COPY wrote ${rows}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Restore

/** Reads a backup file: the gunzipped bytes, with errors turned into operator messages. */
class BackupReader {
  private readonly gunzip = createGunzip();
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer | null = null;
  private fileBytes = 0;

  constructor(file: string) {
    const source = createReadStream(file);
    source.on('data', (b) => (this.fileBytes += b.length));
    source.on('error', (e) => this.gunzip.destroy(e));
    source.pipe(this.gunzip);
    this.chunks = this.gunzip[Symbol.asyncIterator]();
  }

  /** The next bytes, or null at the end of the file. */
  async next(): Promise<Buffer | null> {
    if (this.pending) {
      const p = this.pending;
      this.pending = null;
      return p;
    }
    try {
      const r = await this.chunks.next();
      return r.done ? null : (r.value as Buffer);
    } catch (e) {
      throw this.fileBytes === 0 && (e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' ? notABackup('tệp rỗng', 'empty file') : readError(e);
    }
  }

  unread(buf: Buffer) {
    if (buf.length) this.pending = buf;
  }

  async header(): Promise<BackupHeader> {
    const parts: Buffer[] = [];
    let size = 0;
    for (;;) {
      const buf = await this.next();
      if (!buf) break;
      const nl = buf.indexOf(NEWLINE);
      if (nl >= 0) {
        parts.push(buf.subarray(0, nl));
        this.unread(buf.subarray(nl + 1));
        return parseHeader(Buffer.concat(parts).toString('utf8'));
      }
      parts.push(buf);
      size += buf.length;
      if (size > MAX_HEADER_BYTES) break;
    }
    throw notABackup();
  }

  close() {
    this.gunzip.destroy();
  }
}

function notABackup(vi?: string, en = vi) {
  return new BackupError(`tệp không phải bản sao lưu chongdich${vi ? ` (${vi})` : ''}`, `not a chongdich backup file${en ? ` (${en})` : ''}`);
}

function truncated(detail: string) {
  return new BackupError(`tệp sao lưu bị cắt cụt hoặc hỏng: ${detail}`, `backup file is truncated or corrupt: ${detail}`);
}

function readError(e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return new BackupError(`không tìm thấy tệp ${err.path}`, `file not found: ${err.path}`);
  if (err.code === 'Z_BUF_ERROR') return truncated(err.message);
  if (err.code === 'Z_DATA_ERROR') return new BackupError(`tệp không phải bản sao lưu chongdich hoặc đã hỏng (${err.message})`, `not a chongdich backup file, or corrupt (${err.message})`);
  return err instanceof Error ? err : new Error(String(e));
}

// Names are quoted in SQL and checked against the target's catalog; this only rejects nonsense.
const isName = (x: unknown) => typeof x === 'string' && x.length > 0 && x.length <= 63;

function parseHeader(line: string): BackupHeader {
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(line);
  } catch {
    throw notABackup();
  }
  if (!h || typeof h !== 'object' || h.format !== BACKUP_FORMAT) throw notABackup();
  if (h.version !== BACKUP_VERSION) {
    throw new BackupError(`phiên bản định dạng sao lưu ${String(h.version)} chưa được hỗ trợ`, `backup format version ${String(h.version)} is not supported`);
  }
  const tables = h.tables;
  const validTable = (t: unknown): t is BackupTable => {
    const x = t as BackupTable;
    return (
      !!x && isName(x.name) && Number.isSafeInteger(x.rows) && x.rows >= 0 &&
      Array.isArray(x.columns) && x.columns.length > 0 && x.columns.every(isName)
    );
  };
  if (
    !Array.isArray(h.migrations) || !h.migrations.every((m) => typeof m === 'string') ||
    !Array.isArray(tables) || !tables.every(validTable) ||
    new Set(tables.map((t) => t.name)).size !== tables.length
  ) {
    throw notABackup('phần đầu không hợp lệ', 'invalid header');
  }
  return h as unknown as BackupHeader;
}

export interface RestoreOptions {
  /** Replace the data of a database that is not empty. */
  force?: boolean;
  /** Bytes of CSV per COPY (default 16 MiB; tests use small batches). */
  batchBytes?: number;
}

/**
 * Restores a backup into db: refuses a backup made by newer code, migrates db, refuses a database
 * that already holds data unless `force` (then everything is replaced), loads every table in one
 * transaction and moves identity sequences past the loaded ids. Any failure leaves db unchanged.
 */
export async function restoreDatabase(db: Db, inFile: string, opts: RestoreOptions = {}, onProgress?: Progress): Promise<BackupHeader> {
  const reader = new BackupReader(inFile);
  try {
    const header = await reader.header();
    const known = new Set(codeMigrations());
    const unknown = header.migrations.filter((m) => !known.has(m));
    if (unknown.length) {
      throw new BackupError(
        `bản sao lưu được tạo bởi phiên bản mới hơn (migration chưa biết: ${unknown.join(', ')}); hãy nâng cấp chongdich trước`,
        `the backup comes from a newer version (unknown migrations: ${unknown.join(', ')}); upgrade chongdich first`,
      );
    }
    await migrate(db);
    const target = await listTables(db);
    checkTablesMatch(header, target);
    const targetTables = target.filter((t) => t.name !== 'schema_migration').map((t) => t.name);
    await db.tx(async (q) => {
      const withData = await tablesWithData(q, targetTables);
      if (withData.length && !opts.force) {
        throw new BackupError(
          `cơ sở dữ liệu đích đã có dữ liệu (${withData.join(', ')}); dùng --force để thay thế toàn bộ`,
          `the target database already holds data (${withData.join(', ')}); use --force to replace all of it`,
        );
      }
      if (withData.length) await q.query(`TRUNCATE ${targetTables.map(ident).join(', ')} RESTART IDENTITY`);
      for (const t of header.tables) await loadTable(q, reader, t, opts.batchBytes ?? LOAD_BATCH_BYTES, onProgress);
      await expectEnd(reader);
      await resetSequences(q);
    });
    await db.query('ANALYZE');
    return header;
  } finally {
    reader.close();
  }
}

function checkTablesMatch(header: BackupHeader, target: TableInfo[]) {
  const columns = new Map(target.map((t) => [t.name, new Set(t.columns)]));
  for (const t of header.tables) {
    const have = columns.get(t.name);
    if (!have || EXCLUDED_TABLES.includes(t.name)) {
      throw new BackupError(`bảng ${t.name} trong bản sao lưu không có trong cơ sở dữ liệu đích`, `table ${t.name} in the backup does not exist in the target database`);
    }
    const missing = t.columns.filter((c) => !have.has(c));
    if (missing.length) {
      throw new BackupError(`bảng ${t.name}: cột không có trong cơ sở dữ liệu đích: ${missing.join(', ')}`, `table ${t.name}: columns missing in the target database: ${missing.join(', ')}`);
    }
  }
}

async function tablesWithData(q: Queryable, tables: string[]): Promise<string[]> {
  if (!tables.length) return [];
  const r = await q.query<{ name: string }>(
    tables.map((t, i) => `SELECT $${i + 1}::text AS name WHERE EXISTS (SELECT 1 FROM ${ident(t)})`).join(' UNION ALL '),
    tables,
  );
  return r.rows.map((x) => x.name).sort();
}

/** Loads exactly t.rows CSV records from the reader into t, in COPY batches of whole records. */
async function loadTable(q: Queryable, reader: BackupReader, t: BackupTable, batchLimit: number, onProgress?: Progress) {
  const scanner = new CsvRecordScanner();
  const columns = t.columns.map(ident);
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let partial: Buffer[] = [];
  let rows = 0;
  const flush = async () => {
    if (!batchBytes) return;
    const csv = Buffer.concat(batch, batchBytes).toString('utf8');
    batch = [];
    batchBytes = 0;
    try {
      await q.copyFromCsv(ident(t.name), columns, csv);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new BackupError(`tệp sao lưu hỏng: không nạp được bảng ${t.name}: ${msg}`, `corrupt backup file: could not load table ${t.name}: ${msg}`);
    }
    onProgress?.(t.name, rows, t.rows);
  };
  onProgress?.(t.name, 0, t.rows);
  while (rows < t.rows) {
    const buf = await reader.next();
    if (!buf) throw truncated(`${t.name}: ${rows}/${t.rows}`);
    const r = scanner.scan(buf, 0, t.rows - rows);
    if (r.records) {
      for (const p of [...partial, buf.subarray(0, r.end)]) {
        batch.push(p);
        batchBytes += p.length;
      }
      partial = [];
      rows += r.records;
    }
    const rest = buf.subarray(r.end);
    if (rows === t.rows) reader.unread(rest);
    else if (rest.length) partial.push(rest);
    if (batchBytes >= batchLimit) await flush();
  }
  await flush();
}

/** Reads to the end of the file, which also makes gunzip check the file's CRC and length. */
async function expectEnd(reader: BackupReader) {
  for (let buf = await reader.next(); buf; buf = await reader.next()) {
    if (buf.length) throw new BackupError('tệp sao lưu hỏng: có dữ liệu thừa sau bảng cuối', 'corrupt backup file: data after the last table');
  }
}
