// Time rules of a check-in: when it may be stated, which day partition it goes to.

/** A phone's clock may run a little fast; anything further ahead is refused as "in the future". */
export const FUTURE_SKEW_MS = 5 * 60_000;
/** A check-in queued on a phone without signal may arrive late, but not later than this. */
export const MAX_LATE_MS = 24 * 3_600_000;

export type AtCheck = { ok: true; at: Date } | { ok: false; code: 'invalid' | 'in_future' | 'too_old' };

export function checkAt(raw: string | undefined | null, now: Date): AtCheck {
  if (raw == null) return { ok: true, at: now };
  const t = Date.parse(raw);
  if (!Number.isFinite(t) || !/^\d{4}-\d{2}-\d{2}T/.test(raw)) return { ok: false, code: 'invalid' };
  if (t > now.getTime() + FUTURE_SKEW_MS) return { ok: false, code: 'in_future' };
  if (t < now.getTime() - MAX_LATE_MS) return { ok: false, code: 'too_old' };
  return { ok: true, at: new Date(t) };
}

const VN_OFFSET_MS = 7 * 3_600_000;

/** The calendar day in Viet Nam (UTC+7, no daylight saving) of an instant: the day partition's. */
export function vnDay(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** Midnight at the start of a calendar day in Viet Nam, as an instant. */
export function vnMidnight(day: string): Date {
  return new Date(Date.parse(day + 'T00:00:00Z') - VN_OFFSET_MS);
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(day + 'T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);
}

/** Days whose partitions are older than the retention period on `today` (strictly before today − days). */
export function expiredBefore(today: string, retentionDays: number): string {
  return addDays(today, -retentionDays);
}
