// Check-in ingest: many requests, few transactions. Requests wait in a queue; whenever a database
// connection is free, everything queued goes in one multi-row INSERT (group commit). Each request
// is answered only after the statement that holds its row has committed, so an acknowledged
// check-in is durable; under light load a batch is one row and nothing waits for a timer.
// Retries carry the phone's key and time: ON CONFLICT DO NOTHING stores them once.
import type { Db } from '../../db/index.ts';
import { ensureDays } from './partitions.ts';
import { vnDay } from '../../../domain/checkins/time.ts';

export interface VisitRow {
  provinceCode: string;
  at: Date;
  venueId: number;
  subject: string;
  fullName: string;
  phone: string | null;
  cccd: string | null;
  method: 'self_scan' | 'staff_scan';
  clientKey: string;
}

interface Pending {
  row: VisitRow;
  resolve: (stored: boolean) => void;
  reject: (e: unknown) => void;
}

const MAX_BATCH = 500;

/** Statements written and rows in them, in this process (the group commit's batch size: rows / batches). */
export const ingestStats = { batches: 0, rows: 0, statementMs: 0 };

const rowKey = (provinceCode: string, clientKey: string, at: Date) => `${provinceCode} ${clientKey} ${at.getTime()}`;

/** Two copies of one check-in in one batch: the statement stores one, and only the first copy is answered "stored". */
function settle(batch: Pending[], stored: Set<string>) {
  for (const p of batch) {
    const k = rowKey(p.row.provinceCode, p.row.clientKey, p.row.at);
    p.resolve(stored.delete(k));
  }
}

export class Ingest {
  private queue: Pending[] = [];
  private inflight = 0;
  private readonly maxInflight: number;
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(private db: Db) {
    // PGlite has one connection; PostgreSQL keeps some of the pool for everything else.
    this.maxInflight = db.kind === 'pglite' ? 1 : Math.max(1, Number(process.env.DB_POOL_SIZE ?? 10) - 3);
  }

  /** Resolves true when stored, false when it was already there (a replay); after commit either way. */
  add(row: VisitRow): Promise<boolean> {
    if (this.closed) return Promise.reject(new Error('ingest closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.schedule();
    });
  }

  private scheduled = false;
  /**
   * Writes on the next turn of the event loop, after the pending I/O: requests that arrived while a
   * statement ran join the next batch. (PGlite runs in this thread, so during a statement nothing
   * else is read; flushing at once would write them one by one.)
   */
  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump() {
    while (this.inflight < this.maxInflight && this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inflight++;
      this.write(batch)
        .catch(() => {})
        .finally(() => {
          this.inflight--;
          if (this.queue.length) this.schedule();
          else if (this.inflight === 0) this.idle.splice(0).forEach((f) => f());
        });
    }
  }

  private async write(batch: Pending[]) {
    try {
      settle(batch, await this.insert(batch.map((p) => p.row)));
    } catch (e) {
      // A day without its partition (a clock far off, a server up for a week without the hourly job): made, then once more.
      if ((e as { code?: string }).code === '23514') {
        try {
          const days = [...new Set(batch.map((p) => vnDay(p.row.at)))].sort();
          await ensureDays(this.db, days[0], days[days.length - 1]);
          settle(batch, await this.insert(batch.map((p) => p.row)));
          return;
        } catch (e2) {
          for (const p of batch) p.reject(e2);
          return;
        }
      }
      for (const p of batch) p.reject(e);
    }
  }

  private async insert(rows: VisitRow[]): Promise<Set<string>> {
    ingestStats.batches++;
    ingestStats.rows += rows.length;
    const t0 = performance.now();
    const r = await this.db.query<{ p: string; k: string; at: Date | string }>(
      `INSERT INTO checkin.visit (province_code, at, venue_id, subject, full_name, phone, cccd, method, client_key)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
       ON CONFLICT DO NOTHING RETURNING province_code AS p, client_key AS k, at`,
      [
        rows.map((r) => r.provinceCode),
        rows.map((r) => r.at.toISOString()),
        rows.map((r) => r.venueId),
        rows.map((r) => r.subject),
        rows.map((r) => r.fullName),
        rows.map((r) => r.phone),
        rows.map((r) => r.cccd),
        rows.map((r) => r.method),
        rows.map((r) => r.clientKey),
      ],
    );
    ingestStats.statementMs += performance.now() - t0;
    return new Set(r.rows.map((x) => rowKey(x.p, x.k, new Date(x.at))));
  }

  /** Waits for everything queued to be written (shutdown). */
  async close() {
    this.closed = true;
    if (this.inflight === 0 && !this.queue.length) return;
    await new Promise<void>((res) => this.idle.push(res));
  }
}
