// Day partitions of checkin.visit: made ahead (start, hourly), dropped when older than the
// retention period (the daily purge). Dropping a partition nobody writes to takes a short lock
// of the parent; ingest goes on into today's partition (bench/checkins.bench.ts measures it).
import type { Db, Queryable } from '../../db/index.ts';
import { policyOn } from '../policies/service.ts';
import { addDays, vnDay } from '../../../domain/checkins/time.ts';
import type { RetentionPolicy } from '../../../domain/checkins/policies.ts';

/** Partitions for the days from `from` to `to` (inclusive), created when missing. */
export async function ensureDays(q: Queryable, from: string, to: string): Promise<void> {
  await q.query(`SELECT checkin.ensure_day(d::date) FROM generate_series($1::date, $2::date, interval '1 day') AS d`, [from, to]);
}

/** Yesterday to a week ahead: a late check-in (≤ 24 h) and the coming days always have their partition. */
export async function ensureCurrentPartitions(q: Queryable, now = new Date()): Promise<void> {
  const today = vnDay(now);
  await ensureDays(q, addDays(today, -1), addDays(today, 7));
}

export interface PartitionInfo {
  name: string;
  day: string;
}

export async function listPartitions(q: Queryable): Promise<PartitionInfo[]> {
  const r = await q.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = 'checkin' AND p.relname = 'visit' ORDER BY c.relname`,
  );
  return r.rows
    .map((x) => ({ name: x.name, m: /^visit_(\d{4})(\d{2})(\d{2})$/.exec(x.name) }))
    .filter((x) => x.m)
    .map((x) => ({ name: x.name, day: `${x.m![1]}-${x.m![2]}-${x.m![3]}` }));
}

export interface PurgeResult {
  droppedPartitions: string[];
  deletedRows: number;
  suggestionsDeleted: number;
  cutoffs: Record<string, string>;
}

/**
 * Deletes check-ins older than each province's retention (checkins.retention_days in force today).
 * Partitions are shared by the provinces of a deployment: a day older than every province's limit
 * is dropped whole; a province with a shorter limit than another has its older rows deleted from
 * the partitions that stay. Suggestions of exposures older than the limit go too.
 */
export async function purgeExpired(db: Db, now = new Date()): Promise<PurgeResult> {
  const today = vnDay(now);
  const provinces = await db.query<{ code: string }>(`SELECT province_code AS code FROM province ORDER BY 1`);
  const cutoffs: Record<string, string> = {};
  for (const p of provinces.rows) {
    const pol = await policyOn<RetentionPolicy>(db, p.code, 'checkins.retention_days', today);
    // The first day kept: today counts as one of the days.
    cutoffs[p.code] = addDays(today, -((pol?.value.days ?? 28) - 1));
  }
  const codes = Object.keys(cutoffs);
  const result: PurgeResult = { droppedPartitions: [], deletedRows: 0, suggestionsDeleted: 0, cutoffs };
  if (!codes.length) return result;
  const earliestKept = codes.map((c) => cutoffs[c]).sort()[0];
  for (const part of await listPartitions(db)) {
    if (part.day >= earliestKept) continue;
    // DETACH first so the parent's lock is brief; then the table alone is dropped.
    await db.exec(`ALTER TABLE checkin.visit DETACH PARTITION checkin.${part.name}`);
    await db.exec(`DROP TABLE checkin.${part.name}`);
    result.droppedPartitions.push(part.name);
  }
  for (const code of codes) {
    if (cutoffs[code] === earliestKept) continue;
    const r = await db.query(`DELETE FROM checkin.visit WHERE province_code = $1 AND at < ($2::text || ' 00:00:00+07')::timestamptz`, [code, cutoffs[code]]);
    result.deletedRows += r.rowCount;
  }
  for (const code of codes) {
    const r = await db.query(`DELETE FROM exposure_suggestion WHERE province_code = $1 AND contact_at < ($2::text || ' 00:00:00+07')::timestamptz`, [code, cutoffs[code]]);
    result.suggestionsDeleted += r.rowCount;
  }
  await db.query(`DELETE FROM citizen_code WHERE expires_at < now() - interval '1 day'`);
  return result;
}
