// A passage at a checkpoint (chốt kiểm soát, cửa khẩu): what the officer is advised to do from
// the valid test result found and the green-lane pass, the decisions that are not allowed, and
// the daily counts per checkpoint.

export type TestStatus = 'valid_negative' | 'positive' | 'expired' | 'none' | 'tested_here';
export type Decision = 'allowed' | 'tested' | 'turned_back' | 'held';
export type Direction = 'in' | 'out';

export interface GreenPass {
  vehiclePlate: string;
  validFrom: string;
  validTo: string;
  status: 'active' | 'revoked';
}

/** A green-lane pass counts on a day (Viet Nam) from its first to its last valid date, unless revoked. */
export function greenPassState(p: GreenPass | null, day: string): 'valid' | 'not_yet' | 'expired' | 'revoked' | 'none' {
  if (!p) return 'none';
  if (p.status === 'revoked') return 'revoked';
  if (day < p.validFrom) return 'not_yet';
  if (day > p.validTo) return 'expired';
  return 'valid';
}

/**
 * What to do: a positive result in the validity window holds the person (the health station is
 * called); coming in without a valid negative result means a test here; a valid negative, or
 * leaving the province, lets them pass. A green-lane pass speeds the freight lane but does not
 * replace the test.
 */
export function advise(testStatus: TestStatus, direction: Direction): Decision {
  if (testStatus === 'positive') return 'held';
  if (direction === 'in' && (testStatus === 'none' || testStatus === 'expired')) return 'tested';
  return 'allowed';
}

/** The decisions refused whatever the officer picks: letting through someone with a positive result in the window. */
export function decisionIssue(testStatus: TestStatus, decision: Decision): string | null {
  if (testStatus === 'positive' && decision === 'allowed') return 'positive_cannot_pass';
  if (decision === 'tested' && testStatus === 'valid_negative') return 'valid_result_no_retest';
  return null;
}

export interface DailyCount {
  day: string;
  checkpointId: number;
  in: number;
  out: number;
  tested: number;
  held: number;
  turnedBack: number;
}

/** Every day from `from` to `to` for every checkpoint, zeros where nothing passed (for the chart and the sheet). */
export function fillDaily(rows: DailyCount[], checkpointIds: number[], from: string, to: string): DailyCount[] {
  const byKey = new Map(rows.map((r) => [`${r.checkpointId}|${r.day}`, r]));
  const out: DailyCount[] = [];
  for (let t = Date.parse(from + 'T00:00:00Z'), end = Date.parse(to + 'T00:00:00Z'); t <= end; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    for (const id of checkpointIds) out.push(byKey.get(`${id}|${day}`) ?? { day, checkpointId: id, in: 0, out: 0, tested: 0, held: 0, turnedBack: 0 });
  }
  return out;
}
