// Results shared between checkpoints (domain.md §6): a driver or traveller is looked up by CCCD or
// plate, and a negative RT-PCR (own or pooled) or rapid test read by a health worker counts while
// the policy's hours run from the result; a positive in that time stops them. Citizens' own
// negative self-tests do not count, their positive ones do. The checkpoint area calls
// `validResults`; GET /api/testing/valid-results exposes it.
import type { Queryable } from '../../db/index.ts';
import { checkpointStatus, validUntil, type CheckpointStatus } from '../../../domain/testing/validity.ts';
import { iso, policy, todayInVietnam } from './common.ts';

export interface LookupResult {
  kind: 'pcr' | 'pcr_pool' | 'rapid';
  outcome: 'positive' | 'negative';
  resultAt: string;
  validUntil: string | null;
  subjectName: string;
  vehiclePlate: string | null;
  place: string | null;
}

export interface ValidResults {
  status: CheckpointStatus;
  validUntil: string | null;
  hours: number;
  policyVersion: number;
  result: LookupResult | null;
  results: LookupResult[];
}

/** The results that decide at a checkpoint, for a CCCD or a normalised plate, at a moment. */
export async function validResults(q: Queryable, provinceCode: string, key: { cccd?: string; plate?: string }, now = new Date()): Promise<ValidResults> {
  const p = await policy<{ hours: number }>(q, provinceCode, 'checkpoint.test_validity_hours', todayInVietnam(now));
  const hours = p.value.hours;
  const col = key.cccd ? 'subject_cccd' : 'vehicle_plate';
  const value = key.cccd ?? key.plate!;
  // A week back is enough to tell "expired" from "none"; older results decide nothing.
  const since = new Date(now.getTime() - Math.max(hours, 7 * 24) * 3_600_000).toISOString();
  const r = await q.query<{ kind: LookupResult['kind']; outcome: 'positive' | 'negative'; resultAt: string; subjectName: string; vehiclePlate: string | null; place: string | null }>(
    `SELECT CASE WHEN s.outcome_source = 'pool' THEN 'pcr_pool' ELSE 'pcr' END AS kind, s.outcome, s.resulted_at AS "resultAt", s.subject_name AS "subjectName",
            s.vehicle_plate AS "vehiclePlate", l.name AS place
       FROM specimen s LEFT JOIN lab l ON l.province_code = s.province_code AND l.id = s.lab_id
      WHERE s.province_code = $1 AND s.${col} = $2 AND s.outcome IS NOT NULL AND s.resulted_at >= $3 AND s.resulted_at <= $4
     UNION ALL
     SELECT 'rapid', r.outcome, r.read_at, r.subject_name, r.vehicle_plate, CASE WHEN r.source = 'self_report' THEN 'self_report' ELSE u.name END
       FROM rapid_test r LEFT JOIN admin_unit u ON u.province_code = r.province_code AND u.code = r.commune_code
      WHERE r.province_code = $1 AND r.${col} = $2 AND r.read_at >= $3 AND r.read_at <= $4
        AND (r.outcome = 'positive' OR (r.outcome = 'negative' AND r.source = 'health_worker'))
      ORDER BY 3 DESC LIMIT 50`,
    [provinceCode, value, since, now.toISOString()],
  );
  const results = r.rows.map((x) => {
    const at = iso(x.resultAt)!;
    return { ...x, resultAt: at, validUntil: x.outcome === 'negative' ? validUntil(at, hours) : null };
  });
  const decided = checkpointStatus(results, now, hours);
  return { status: decided.status, validUntil: decided.validUntil, hours, policyVersion: p.version, result: decided.result, results };
}
