// Pooled RT-PCR (domain.md §6). Dorfman two-stage pooling: k samples are tested together; a
// positive pool means each member is tested again on their own. Expected tests per person
// E(k, p) = 1/k + 1 − (1 − p)^k; the best k minimises E. Above p = 1 − 3^(−1/3) ≈ 0.3066 no
// pool size does better than testing everyone individually.

/** Highest prevalence at which pooling (k = 3) still saves tests. */
export const POOLING_LIMIT = 1 - Math.cbrt(1 / 3);

/** Pool sizes the advisor looks at: beyond 50 the saving is never worth the dilution. */
export const MAX_ADVISED_POOL = 50;

export function expectedTestsPerPerson(prevalence: number, k: number): number {
  if (k <= 1) return 1;
  return 1 / k + 1 - Math.pow(1 - prevalence, k);
}

export interface PoolChoice {
  k: number;
  /** Expected tests per person (1 = individual testing). */
  expected: number;
  /** Share of tests saved against individual testing. */
  saving: number;
}

/** The pool size with the fewest expected tests per person among 1..maxK (the smallest k on a tie). */
export function optimumPoolSize(prevalence: number, maxK = MAX_ADVISED_POOL): PoolChoice {
  let best: PoolChoice = { k: 1, expected: 1, saving: 0 };
  for (let k = 2; k <= maxK; k++) {
    const e = expectedTestsPerPerson(prevalence, k);
    if (e < best.expected - 1e-12) best = { k, expected: e, saving: 1 - e };
  }
  return best;
}

export interface PoolAdvice {
  prevalence: number;
  /** The Dorfman optimum without limit. */
  optimum: PoolChoice;
  /** The best pool size the policy allows (maximum pool size for the area). */
  withinPolicy: PoolChoice & { maxPoolSize: number };
  poolingHelps: boolean;
  /** E for every k from 1 to the larger of the optimum and the policy maximum. */
  table: PoolChoice[];
}

export function advisePoolSize(prevalence: number, maxPoolSize: number): PoolAdvice {
  const optimum = optimumPoolSize(prevalence);
  const within = optimumPoolSize(prevalence, maxPoolSize);
  const upTo = Math.max(optimum.k, maxPoolSize);
  const table: PoolChoice[] = [];
  for (let k = 1; k <= upTo; k++) {
    const e = expectedTestsPerPerson(prevalence, k);
    table.push({ k, expected: e, saving: 1 - e });
  }
  return { prevalence, optimum, withinPolicy: { ...within, maxPoolSize }, poolingHelps: optimum.k > 1, table };
}

export type AreaRisk = 'low' | 'high';

export interface PoolSizePolicy {
  lowRisk: number;
  highRisk: number;
}

export function maxPoolSize(policy: PoolSizePolicy, risk: AreaRisk): number {
  return risk === 'high' ? policy.highRisk : policy.lowRisk;
}

export interface HighRiskAreas {
  /** Paths of units under an active zone or lockdown of a kind the policy names. */
  zonePaths: string[];
  /** Paths of units the province lists as higher-risk. */
  listedPaths: string[];
}

/**
 * Whether a unit is a higher-risk area: it overlaps (contains or lies inside) a zone of a kind
 * the policy names, or a unit the province lists. A commune holding a locked-down village
 * counts: the smaller pool is the safer mistake.
 */
export function areaRisk(unitPath: string, areas: HighRiskAreas): { risk: AreaRisk; reason: 'zone' | 'listed' | null } {
  const overlaps = (p: string) => unitPath.startsWith(p) || p.startsWith(unitPath);
  if (areas.zonePaths.some(overlaps)) return { risk: 'high', reason: 'zone' };
  if (areas.listedPaths.some((p) => unitPath.startsWith(p))) return { risk: 'high', reason: 'listed' };
  return { risk: 'low', reason: null };
}

export type PoolRefusal = 'pool_closed' | 'pool_full' | 'already_pooled' | 'single_specimen' | 'already_resulted' | 'specimen_rejected';

/** Whether a specimen may join a pool: the pool is open and not full, the specimen free and untested. */
export function canJoinPool(
  pool: { status: string; members: number; maxSize: number },
  specimen: { kind: string; poolId: number | null; status: string },
): { ok: true } | { ok: false; reason: PoolRefusal } {
  if (specimen.poolId != null) return { ok: false, reason: 'already_pooled' };
  if (pool.status !== 'open') return { ok: false, reason: 'pool_closed' };
  if (specimen.kind === 'single') return { ok: false, reason: 'single_specimen' };
  if (specimen.status === 'rejected') return { ok: false, reason: 'specimen_rejected' };
  if (specimen.status !== 'collected') return { ok: false, reason: 'already_resulted' };
  if (pool.members >= pool.maxSize) return { ok: false, reason: 'pool_full' };
  return { ok: true };
}
