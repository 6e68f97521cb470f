import { describe, expect, it } from 'vitest';
import { achievedConfidence, designCases, sampleSize, sampleSizeFinite, sampleSizeLarge, validateDesign } from './sampleSize.ts';
import { allocate, apportion } from './allocation.ts';

const d = { confidence: 0.95, prevalence: 0.01, sensitivity: 1 };

describe('freedom-from-disease sample size (domain.md §6)', () => {
  it('large population: ln(1 − C) / ln(1 − p·Se) = 299 for C = 95 %, p = 1 %, Se = 1', () => {
    expect(sampleSizeLarge(d)).toBe(299);
  });
  it('finite population (Cannon & Roe): 258 for N = 1000, p = 1 %', () => {
    expect(sampleSizeFinite(d, 1000)).toBe(258);
  });
  it('other published-formula values', () => {
    expect(sampleSizeLarge({ ...d, prevalence: 0.05 })).toBe(59); // ln 0.05 / ln 0.95 = 58.4
    expect(sampleSizeLarge({ ...d, confidence: 0.99 })).toBe(459); // ln 0.01 / ln 0.99 = 458.2
    expect(sampleSizeLarge({ ...d, sensitivity: 0.9 })).toBe(332); // ln 0.05 / ln 0.991 = 331.4
    expect(sampleSizeFinite({ ...d, prevalence: 0.02 }, 1000)).toBe(138); // D = 20: (1 − 0.05^0.05)·(1000 − 9.5) = 137.6
  });
  it('tends to the large-population size as N grows, never exceeds N', () => {
    expect(sampleSizeFinite(d, 10_000_000)).toBe(299);
    expect(sampleSizeFinite(d, 50)).toBeLessThanOrEqual(50);
    expect(sampleSizeFinite(d, 50)).toBe(48); // D = 1: 0.95 · 50 = 47.5
    expect(sampleSizeFinite(d, 1)).toBe(1);
    expect(sampleSizeFinite(d, 0)).toBe(0);
    for (let n = 1; n < 5000; n += 37) expect(sampleSizeFinite(d, n)).toBeLessThanOrEqual(Math.min(n, 299));
  });
  it('an imperfect test needs more people', () => {
    expect(sampleSizeFinite({ ...d, sensitivity: 0.8 }, 1000)).toBeGreaterThan(258);
  });
  it('uses the large formula when the population is unknown', () => {
    expect(sampleSize(d, null)).toBe(299);
    expect(sampleSize(d, 1000)).toBe(258);
  });
  it('design cases are p·N, at least one', () => {
    expect(designCases(1000, 0.01)).toBe(10);
    expect(designCases(20, 0.01)).toBe(1);
  });
  it('achieved confidence inverts the sample size', () => {
    expect(achievedConfidence(d, 299, null)).toBeGreaterThanOrEqual(0.95);
    expect(achievedConfidence(d, 298, null)).toBeLessThan(0.95);
    expect(achievedConfidence(d, 258, 1000)).toBeGreaterThanOrEqual(0.95);
    expect(achievedConfidence(d, 257, 1000)).toBeLessThan(0.95);
    expect(achievedConfidence(d, 1000, 1000)).toBe(1);
    expect(achievedConfidence(d, 0, 1000)).toBe(0);
  });
  it('refuses impossible designs', () => {
    expect(validateDesign({ confidence: 1, prevalence: 0, sensitivity: 1.2 }, -1).map((e) => e.field)).toEqual(['confidence', 'prevalence', 'sensitivity', 'population']);
    expect(validateDesign(d, 1000)).toEqual([]);
  });
});

describe('allocation over risk-weighted strata', () => {
  it('gives every stratum its full sample when the budget allows, and does not spend the rest', () => {
    const a = allocate(d, [{ riskWeight: 3, population: 1000 }, { riskWeight: 1, population: null }], 1000);
    expect(a.strata.map((s) => [s.required, s.proposed])).toEqual([
      [258, 258],
      [299, 299],
    ]);
    expect(a).toMatchObject({ required: 557, proposed: 557, surplus: 443, meetsDesign: true });
  });
  it('shares a short budget by risk weight × need, never above the need', () => {
    const a = allocate(d, [{ riskWeight: 3, population: 1000 }, { riskWeight: 1, population: 1000 }], 400);
    expect(a.proposed).toBe(400);
    expect(a.strata[0].proposed).toBe(258); // 3·258 / (4·258) · 400 = 300 > 258: capped, the rest goes to the other
    expect(a.strata[1].proposed).toBe(142);
    expect(a.meetsDesign).toBe(false);
    expect(a.strata[1].confidence).toBeLessThan(0.95);
    expect(a.strata[0].confidence).toBeGreaterThanOrEqual(0.95);
  });
  it('proportional when nobody is capped; weight 0 means not sampled', () => {
    const a = allocate(d, [{ riskWeight: 2, population: null }, { riskWeight: 1, population: null }, { riskWeight: 0, population: 500 }], 300);
    expect(a.strata.map((s) => s.proposed)).toEqual([200, 100, 0]);
    expect(a.strata[2].required).toBe(0);
  });
  it('apportions whole numbers that add up', () => {
    expect(apportion([1, 1, 1], 10)).toEqual([4, 3, 3]);
    expect(apportion([0, 0], 5)).toEqual([0, 0]);
    const parts = apportion([3.3, 1.7, 9.1, 0.4], 997);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(997);
  });
});
