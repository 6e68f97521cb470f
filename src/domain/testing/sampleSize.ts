// Freedom-from-disease sample sizes (domain.md §6): how many people to test so that, if the
// disease were present at the design prevalence, at least one positive would be found with the
// given confidence. Large populations: n = ln(1 − C) / ln(1 − p·Se). Finite populations
// (Cannon & Roe 1982, with Cannon's 2001 adjustment for an imperfect test):
// n = (1 − (1 − C)^(1/D)) · (N − (D·Se − 1)/2) / Se, D = p·N infected at the design prevalence.

export interface Design {
  /** Confidence of detecting at least one positive, 0 < C < 1 (0.95). */
  confidence: number;
  /** Design prevalence, 0 < p < 1 (0.01 = 1 %). */
  prevalence: number;
  /** Test sensitivity, 0 < Se ≤ 1. */
  sensitivity: number;
}

export type DesignError = { field: keyof Design | 'population'; code: 'out_of_range' };

export function validateDesign(d: Design, population?: number | null): DesignError[] {
  const errors: DesignError[] = [];
  const open = (x: number) => Number.isFinite(x) && x > 0 && x < 1;
  if (!open(d.confidence)) errors.push({ field: 'confidence', code: 'out_of_range' });
  if (!open(d.prevalence)) errors.push({ field: 'prevalence', code: 'out_of_range' });
  if (!(Number.isFinite(d.sensitivity) && d.sensitivity > 0 && d.sensitivity <= 1)) errors.push({ field: 'sensitivity', code: 'out_of_range' });
  if (population != null && !(Number.isInteger(population) && population >= 0)) errors.push({ field: 'population', code: 'out_of_range' });
  return errors;
}

/** Rounds up, forgiving floating-point noise just above an integer (298.0000000001 → 298). */
function ceilClean(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) < 1e-9 ? r : Math.ceil(x);
}

/** Sample size for a large (infinite) population: 299 for C = 95 %, p = 1 %, Se = 1. */
export function sampleSizeLarge(d: Design): number {
  return ceilClean(Math.log(1 - d.confidence) / Math.log(1 - d.prevalence * d.sensitivity));
}

/** Infected people in a population of N at the design prevalence: at least one. */
export function designCases(population: number, prevalence: number): number {
  return Math.max(1, Math.round(prevalence * population));
}

/**
 * Sample size for a finite population of N (Cannon & Roe): 258 for N = 1000, p = 1 %, C = 95 %,
 * Se = 1. Never more than N (a census); 0 for an empty population.
 */
export function sampleSizeFinite(d: Design, population: number): number {
  if (population <= 0) return 0;
  const D = designCases(population, d.prevalence);
  const n = ((1 - Math.pow(1 - d.confidence, 1 / D)) * (population - (D * d.sensitivity - 1) / 2)) / d.sensitivity;
  return Math.min(population, Math.max(1, ceilClean(n)));
}

/** The sample size for a population of known size (finite formula), or of unknown size (large formula). */
export function sampleSize(d: Design, population: number | null): number {
  return population == null ? sampleSizeLarge(d) : sampleSizeFinite(d, population);
}

/**
 * The confidence a sample of n actually gives (the inverse of the formulas above): used when a
 * budget allows fewer tests than the design asks for.
 */
export function achievedConfidence(d: Omit<Design, 'confidence'>, n: number, population: number | null): number {
  if (n <= 0) return 0;
  if (population == null) return 1 - Math.pow(1 - d.prevalence * d.sensitivity, n);
  if (population <= 0) return 0;
  if (n >= population) return d.sensitivity >= 1 ? 1 : 1 - Math.pow(1 - d.sensitivity, designCases(population, d.prevalence));
  const D = designCases(population, d.prevalence);
  const base = 1 - (n * d.sensitivity) / (population - (D * d.sensitivity - 1) / 2);
  return base <= 0 ? 1 : 1 - Math.pow(base, D);
}
