// Sharing results between checkpoints (domain.md §6): a negative RT-PCR or rapid antigen test
// is valid for the policy's hours from the result, so a driver is not tested again needlessly;
// a positive within that time stops them.

export interface ResultForLookup {
  kind: 'pcr' | 'pcr_pool' | 'rapid';
  outcome: 'positive' | 'negative';
  /** When the result was known (ISO instant). */
  resultAt: string;
}

export type CheckpointStatus = 'valid_negative' | 'positive' | 'expired' | 'none';

export function validUntil(resultAt: string, hours: number): string {
  return new Date(Date.parse(resultAt) + hours * 3_600_000).toISOString();
}

export function checkpointStatus<T extends ResultForLookup>(results: T[], now: Date, hours: number): { status: CheckpointStatus; result: T | null; validUntil: string | null } {
  const t = now.getTime();
  const inWindow = results.filter((r) => Date.parse(r.resultAt) <= t && t < Date.parse(r.resultAt) + hours * 3_600_000);
  const latest = (xs: T[]) => xs.reduce<T | null>((a, r) => (!a || r.resultAt > a.resultAt ? r : a), null);
  const positive = latest(inWindow.filter((r) => r.outcome === 'positive'));
  if (positive) return { status: 'positive', result: positive, validUntil: null };
  const negative = latest(inWindow.filter((r) => r.outcome === 'negative'));
  if (negative) return { status: 'valid_negative', result: negative, validUntil: validUntil(negative.resultAt, hours) };
  const older = latest(results.filter((r) => Date.parse(r.resultAt) <= t));
  return older ? { status: 'expired', result: older, validUntil: older.outcome === 'negative' ? validUntil(older.resultAt, hours) : null } : { status: 'none', result: null, validUntil: null };
}
