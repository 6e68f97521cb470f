import { describe, expect, it } from 'vitest';
import { AGE_PYRAMID_2019, ageOn, birthDateForAge, MAX_AGE, sampleAge, sampleSex } from './ages.ts';
import { createRng } from './random.ts';

describe('age pyramid', () => {
  it('covers every age once and adds up to about 100 %', () => {
    const total = AGE_PYRAMID_2019.reduce((s, b) => s + b.percent, 0);
    expect(total).toBeGreaterThan(99);
    expect(total).toBeLessThan(101);
    AGE_PYRAMID_2019.forEach((b, i) => expect(b.from).toBe(i === 0 ? 0 : AGE_PYRAMID_2019[i - 1].to + 1));
    expect(AGE_PYRAMID_2019.at(-1)!.to).toBe(MAX_AGE);
  });

  it('samples ages with the census shares of every 5-year band', () => {
    const rng = createRng(11);
    const n = 200_000;
    const ages = Array.from({ length: n }, () => sampleAge(rng));
    const total = AGE_PYRAMID_2019.reduce((s, b) => s + b.percent, 0);
    for (const band of AGE_PYRAMID_2019) {
      const share = (100 * ages.filter((a) => a >= band.from && a <= band.to).length) / n;
      expect(Math.abs(share - (100 * band.percent) / total)).toBeLessThan(0.4);
    }
    // 2019 census: 24.3 % under 15, 7.7 % aged 65 and over.
    expect((100 * ages.filter((a) => a < 15).length) / n).toBeCloseTo(24.4, 0);
    expect((100 * ages.filter((a) => a >= 65).length) / n).toBeCloseTo(7.8, 0);
  });

  it('has more boys among children and more women among the old', () => {
    const rng = createRng(5);
    const men = (age: number) => Array.from({ length: 20_000 }, () => sampleSex(rng, age)).filter((s) => s === 'M').length / 20_000;
    expect(men(3)).toBeGreaterThan(0.5);
    expect(men(85)).toBeLessThan(0.45);
  });
});

describe('birthDateForAge', () => {
  it('gives a date at which the person has exactly that age', () => {
    const rng = createRng(9);
    for (const asOf of ['2025-11-24', '2024-02-29', '2023-03-01', '2021-12-31', '2022-01-01']) {
      for (let i = 0; i < 2000; i++) {
        const age = rng.int(0, MAX_AGE);
        const d = birthDateForAge(rng, age, asOf);
        expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(ageOn(d, asOf)).toBe(age);
      }
    }
  });

  it('reaches both ends of the year of birth', () => {
    const rng = createRng(1);
    const dates = new Set(Array.from({ length: 5000 }, () => birthDateForAge(rng, 30, '2025-06-15')));
    expect(dates.has('1995-06-15')).toBe(true); // 30th birthday today
    expect(dates.has('1994-06-16')).toBe(true); // 31st birthday tomorrow
    expect(dates.has('1994-06-15')).toBe(false);
    expect(dates.has('1995-06-16')).toBe(false);
  });
});
