import { describe, expect, it } from 'vitest';
import { countCoverage, coverageDates, coveredOn, groupSpan, inGroup, percent } from './coverage.ts';
import type { ProductPolicy } from './types.ts';

const product = (code: string, primaryDoses: number): ProductPolicy => ({ code, name: code, primaryDoses, primaryIntervals: [], minAge: 0, mixPrimary: true, booster: true });
const products = [product('astrazeneca', 2), product('pfizer', 2), product('janssen', 1), product('abdala', 3)];

describe('age groups by age on the date', () => {
  it('puts a person in a group from the birthday that reaches its lower age to the one that passes its upper age', () => {
    expect(inGroup('2004-06-15', '12-17', '2022-06-14')).toBe(true);
    expect(inGroup('2004-06-15', '18+', '2022-06-14')).toBe(false);
    expect(inGroup('2004-06-15', '18+', '2022-06-15')).toBe(true);
    expect(inGroup('2004-06-15', '12-17', '2022-06-15')).toBe(false);
    expect(inGroup('2010-01-01', '5-11', '2022-01-01')).toBe(false);
    expect(inGroup('2010-01-01', '5-11', '2021-12-31')).toBe(true);
    expect(inGroup('1950-03-01', '65+', '2022-01-01')).toBe(true);
    expect(inGroup('1950-03-01', '50+', '2022-01-01')).toBe(true);
    expect(inGroup('1950-03-01', '18+', '2022-01-01')).toBe(true);
  });
  it('counts 29 February birthdays on 1 March in common years', () => {
    expect(inGroup('1956-02-29', '65+', '2021-02-28')).toBe(false);
    expect(inGroup('1956-02-29', '65+', '2021-03-01')).toBe(true);
    expect(groupSpan('1956-02-29', '65+')).toEqual({ from: '2021-03-01', until: null });
    expect(groupSpan('2004-02-29', '12-17')).toEqual({ from: '2016-02-29', until: '2022-03-01' });
  });
  it('counts people of unknown age only in the whole population, and nobody before birth', () => {
    expect(inGroup(null, 'all', '2022-01-01')).toBe(true);
    expect(inGroup(null, '18+', '2022-01-01')).toBe(false);
    expect(inGroup('2022-05-01', 'all', '2022-01-01')).toBe(false);
  });
});

describe('measures', () => {
  it('at least one dose, a complete primary series by the first product, boosters', () => {
    const d = coverageDates(
      [
        { kind: 'primary_1', productCode: 'astrazeneca', givenOn: '2021-07-01' },
        { kind: 'primary_2', productCode: 'pfizer', givenOn: '2021-09-01' },
        { kind: 'booster_1', productCode: 'pfizer', givenOn: '2022-01-10' },
      ],
      products,
    );
    expect(d).toEqual({ atLeastOne: '2021-07-01', fully: '2021-09-01', booster: '2022-01-10', booster2: null });
    expect(coveredOn(d, '2021-08-01')).toEqual({ atLeastOne: true, fully: false, booster: false, booster2: false });
    expect(coverageDates([{ kind: 'primary_1', productCode: 'janssen', givenOn: '2021-10-01' }], products).fully).toBe('2021-10-01');
    const abdala = coverageDates(
      [
        { kind: 'primary_1', productCode: 'abdala', givenOn: '2021-10-01' },
        { kind: 'primary_2', productCode: 'abdala', givenOn: '2021-10-15' },
      ],
      products,
    );
    expect(abdala.fully).toBeNull();
    expect(coverageDates([], products)).toEqual({ atLeastOne: null, fully: null, booster: null, booster2: null });
  });
  it('counts a group on a date and rounds shares to one decimal', () => {
    const people = [
      { birthDate: '1950-01-01', dates: { atLeastOne: '2021-07-01', fully: '2021-08-01', booster: null, booster2: null } },
      { birthDate: '2000-01-01', dates: { atLeastOne: '2021-07-01', fully: null, booster: null, booster2: null } },
      { birthDate: '2010-01-01', dates: { atLeastOne: null, fully: null, booster: null, booster2: null } },
    ];
    expect(countCoverage(people, '18+', '2021-07-15')).toEqual({ population: 2, atLeastOne: 2, fully: 0, booster: 0, booster2: 0 });
    expect(countCoverage(people, 'all', '2021-09-01')).toEqual({ population: 3, atLeastOne: 2, fully: 1, booster: 0, booster2: 0 });
    expect(percent(2, 3)).toBe(66.7);
    expect(percent(0, 0)).toBeNull();
  });
});
