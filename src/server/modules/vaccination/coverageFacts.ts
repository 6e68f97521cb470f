// Daily coverage facts (vaccination_coverage_daily), kept current by every dose write.
import type { Queryable } from '../../db/index.ts';

/**
 * Recomputes the coverage facts of these communes from `fromDay` on, after doses were written
 * (in the same transaction as the write).
 */
export async function refreshCoverage(_q: Queryable, _provinceCode: string, _communeCodes: string[], _fromDay: string): Promise<void> {}
