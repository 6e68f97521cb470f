// One database interface over both engines: PGlite (embedded, default) and PostgreSQL (DATABASE_URL).
// Stores write plain PostgreSQL SQL against `Queryable`; bulk loads go through `copyFromCsv`.
import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** COPY <table>(<columns>) FROM csv text or UTF-8 bytes (no header). Runs inside the caller's transaction when given one. */
  copyFromCsv(table: string, columns: string[], csv: string | Uint8Array): Promise<void>;
  /** COPY <table>(<columns>) TO csv (no header), as bytes. Streams on PostgreSQL; on PGlite goes out in
   *  in-memory blobs of about 32 MiB of table each. Runs inside the caller's transaction when given one;
   *  in a REPEATABLE READ transaction all of it comes from one snapshot. */
  copyToCsv(table: string, columns: string[]): AsyncIterable<Uint8Array>;
  /** Runs a script of several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction: all of it commits or none of it does. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DbOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** In-memory PGlite (tests). */
  memory?: boolean;
}

pg.types.setTypeParser(1082, (v: string) => v); // date stays 'YYYY-MM-DD', never shifted by time zone
pg.types.setTypeParser(20, (v: string) => Number(v)); // bigint ids fit in a double here

export async function openDb(opts: DbOptions): Promise<Db> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl);
  return openPglite(opts.memory ? undefined : (opts.dataDir ?? './data'));
}

function copySql(table: string, columns: string[], source: string) {
  return `COPY ${table} (${columns.join(', ')}) FROM ${source} WITH (FORMAT csv)`;
}

function copyToSql(table: string, columns: string[], target: string) {
  return `COPY ${table} (${columns.join(', ')}) TO ${target} WITH (FORMAT csv)`;
}

async function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.DB_POOL_SIZE ?? 10) });
  pool.on('error', () => {}); // idle client errors surface on the next query
  const wrap = (client: pg.PoolClient | pg.Pool): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      const r = await client.query(sql, params as unknown[]);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
    async copyFromCsv(table, columns, csv) {
      const c = 'release' in client ? client : await (client as pg.Pool).connect();
      try {
        const stream = c.query(copyFrom(copySql(table, columns, 'STDIN')));
        await pipeline(Readable.from([csv]), stream);
      } finally {
        if (c !== client) (c as pg.PoolClient).release();
      }
    },
    async *copyToCsv(table, columns) {
      const c = 'release' in client ? client : await (client as pg.Pool).connect();
      const stream = c.query(copyTo(copyToSql(table, columns, 'STDOUT')));
      let state: 'reading' | 'done' | 'failed' = 'reading';
      try {
        for await (const chunk of stream.iterator({ destroyOnReturn: false })) yield chunk as Buffer;
        state = 'done';
      } catch (e) {
        state = 'failed';
        throw e;
      } finally {
        // A consumer that stops early leaves the connection mid-COPY: a pooled connection is discarded,
        // the caller's transaction connection is read to the end of the COPY so it stays usable.
        if (state === 'reading') stream.on('error', () => {}); // a discarded connection ends the COPY with an error
        if (state === 'reading' && c === client) {
          try {
            for await (const _ of stream) void _;
          } catch {
            /* the caller's transaction reports the failure */
          }
        }
        if (c !== client) (c as pg.PoolClient).release(state === 'reading');
      }
    },
    async exec(sql) {
      await client.query(sql);
    },
  });
  const base = wrap(pool);
  return {
    kind: 'postgres',
    ...base,
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Heap pages per COPY when PGlite writes a table out: 4096 × 8 KiB = 32 MiB of table at a time. */
const PGLITE_COPY_PAGES = 4096;

async function openPglite(dataDir: string | undefined): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, {
    extensions: { pg_trgm },
    // Same value shapes as node-postgres: dates as 'YYYY-MM-DD', int8 as number.
    parsers: { 1082: (v: string) => v, 20: (v: string) => Number(v) },
  });
  type Tx = { query: typeof db.query; exec: typeof db.exec };
  const wrap = (q: Tx): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      const r = await q.query<T>(sql, params);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async copyFromCsv(table, columns, csv) {
      await q.query(copySql(table, columns, "'/dev/blob'"), [], { blob: new Blob([csv as BlobPart]) });
    },
    async *copyToCsv(table, columns) {
      // PGlite copies into an in-memory blob, so a large table goes out in ranges of heap pages
      // (a TID range scan each); the last range is open-ended.
      const size = await q.query<{ pages: number }>(`SELECT (pg_relation_size($1::regclass) / current_setting('block_size')::int)::int AS pages`, [table]);
      const pages = size.rows[0].pages;
      for (let from = 0; from === 0 || from < pages; from += PGLITE_COPY_PAGES) {
        const to = from + PGLITE_COPY_PAGES < pages ? ` AND ctid < '(${from + PGLITE_COPY_PAGES},0)'::tid` : '';
        const range = `(SELECT ${columns.join(', ')} FROM ${table} WHERE ctid >= '(${from},0)'::tid${to})`;
        const r = await q.query(`COPY ${range} TO '/dev/blob' WITH (FORMAT csv)`);
        if (!r.blob) continue; // no blob when no rows were copied
        const reader = r.blob.stream().getReader();
        for (let part = await reader.read(); !part.done; part = await reader.read()) yield part.value;
      }
    },
    async exec(sql) {
      await q.exec(sql);
    },
  });
  return {
    kind: 'pglite',
    ...wrap(db),
    tx: (fn) => db.transaction((t) => fn(wrap(t as unknown as Tx))),
    close: () => db.close(),
  };
}
