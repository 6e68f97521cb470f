// Sample sizes for the strata of a sampling plan: each stratum needs the freedom-from-disease
// sample for its population; when the budget is short, the budget is shared in proportion to
// risk weight × need (never more than a stratum needs), and the confidence each stratum then
// reaches is reported. A budget larger than the need is not spent: the plan asks for the
// smallest sample that still detects the design prevalence in every stratum.
import { achievedConfidence, sampleSize, type Design } from './sampleSize.ts';

export interface StratumNeed {
  /** Relative risk weight (0 = do not sample). */
  riskWeight: number;
  /** People in the stratum, or null when unknown (large-population formula). */
  population: number | null;
}

export interface StratumProposal {
  required: number;
  proposed: number;
  /** Confidence of detection the proposed size gives at the design prevalence. */
  confidence: number;
}

export interface Allocation {
  strata: StratumProposal[];
  required: number;
  proposed: number;
  budget: number;
  /** Budget left over (0 when the budget is short). */
  surplus: number;
  /** True when every stratum gets its full freedom-from-disease sample. */
  meetsDesign: boolean;
}

/** Whole numbers in proportion to `shares` summing to `total` (largest remainder, ties by position). */
export function apportion(shares: number[], total: number): number[] {
  const sum = shares.reduce((s, x) => s + x, 0);
  if (total <= 0 || sum <= 0) return shares.map(() => 0);
  const exact = shares.map((x) => (x / sum) * total);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let j = 0; left > 0 && j < order.length; j++, left--) out[order[j][1]]++;
  return out;
}

export function allocate(design: Design, strata: StratumNeed[], budget: number): Allocation {
  const required = strata.map((s) => (s.riskWeight > 0 ? sampleSize(design, s.population) : 0));
  const need = required.reduce((a, b) => a + b, 0);
  let proposed: number[];
  if (need <= budget) proposed = [...required];
  else {
    // Water-filling: strata whose proportional share exceeds their need are capped at it and
    // the rest of the budget is shared again among the others.
    proposed = required.map(() => 0);
    const capped = new Set<number>();
    let remaining = budget;
    for (;;) {
      const open = required.map((_, i) => i).filter((i) => !capped.has(i) && required[i] > 0);
      const weights = open.map((i) => strata[i].riskWeight * required[i]);
      const sum = weights.reduce((a, b) => a + b, 0);
      const over = open.filter((i, j) => (weights[j] / sum) * remaining >= required[i]);
      if (!over.length || !open.length) {
        const parts = apportion(weights, remaining);
        open.forEach((i, j) => (proposed[i] = parts[j]));
        break;
      }
      for (const i of over) {
        capped.add(i);
        proposed[i] = required[i];
        remaining -= required[i];
      }
    }
  }
  const total = proposed.reduce((a, b) => a + b, 0);
  return {
    strata: strata.map((s, i) => ({
      required: required[i],
      proposed: proposed[i],
      confidence: required[i] === 0 ? 0 : achievedConfidence(design, proposed[i], s.population),
    })),
    required: need,
    proposed: total,
    budget,
    surplus: Math.max(0, budget - total),
    meetsDesign: proposed.every((p, i) => p >= required[i]),
  };
}
