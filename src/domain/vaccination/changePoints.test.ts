import { describe, expect, it } from 'vitest';
import { changePoints, personDays } from './changePoints.ts';

const series = new Map([
  ['astrazeneca', 2],
  ['pfizer', 2],
  ['janssen', 1],
]);

describe('coverage change points of a commune', () => {
  it('reads a person’s days from their doses: the series of the first product, boosters', () => {
    expect(
      personDays('2000-06-15', [
        { kind: 'booster_1', productCode: 'pfizer', givenOn: '2022-01-05' },
        { kind: 'primary_2', productCode: 'astrazeneca', givenOn: '2021-10-01' },
        { kind: 'primary_1', productCode: 'astrazeneca', givenOn: '2021-08-01' },
      ], series),
    ).toEqual({ birthDate: '2000-06-15', first: '2021-08-01', fully: '2021-10-01', booster: '2022-01-05', booster2: null });
    expect(personDays(null, [{ kind: 'primary_1', productCode: 'janssen', givenOn: '2021-09-09' }], series).fully).toBe('2021-09-09');
    expect(personDays(null, [{ kind: 'primary_1', productCode: 'pfizer', givenOn: '2021-09-09' }], series).fully).toBeNull();
    // Only the second dose recorded: it is the first of the series.
    expect(personDays(null, [{ kind: 'primary_2', productCode: 'janssen', givenOn: '2021-09-09' }], series).fully).toBe('2021-09-09');
    expect(personDays(null, [{ kind: 'primary_1', productCode: 'unknown', givenOn: '2021-09-09' }], series).fully).toBeNull();
  });

  it('writes a row per group and day on which anything changes, birthdays moving people between groups', () => {
    const a = personDays('2000-06-15', [
      { kind: 'primary_1', productCode: 'astrazeneca', givenOn: '2021-08-01' },
      { kind: 'primary_2', productCode: 'astrazeneca', givenOn: '2021-10-01' },
      { kind: 'booster_1', productCode: 'pfizer', givenOn: '2022-01-05' },
    ], series);
    const b = personDays('2009-11-20', [{ kind: 'primary_1', productCode: 'pfizer', givenOn: '2021-12-01' }], series);
    const rows = changePoints([a, b], '2021-01-01', '2022-12-31');
    const of = (g: string) => rows.filter((r) => r.ageGroup === g).map(({ ageGroup: _, ...r }) => r);
    const row = (day: string, population: number, atLeastOne: number, fully: number, booster: number) => ({ day, population, atLeastOne, fully, booster, booster2: 0 });
    expect(of('all')).toEqual([
      row('2021-01-01', 2, 0, 0, 0),
      row('2021-08-01', 2, 1, 0, 0),
      row('2021-10-01', 2, 1, 1, 0),
      row('2021-12-01', 2, 2, 1, 0),
      row('2022-01-05', 2, 2, 1, 1),
      row('2022-12-31', 2, 2, 1, 1),
    ]);
    // B turns 12 on 20/11/2021: leaves 5–11, enters 12–17, where the dose of 1/12 counts.
    expect(of('5-11')).toEqual([row('2021-01-01', 1, 0, 0, 0), row('2021-11-20', 0, 0, 0, 0), row('2022-12-31', 0, 0, 0, 0)]);
    expect(of('12-17')).toEqual([row('2021-01-01', 0, 0, 0, 0), row('2021-11-20', 1, 0, 0, 0), row('2021-12-01', 1, 1, 0, 0), row('2022-12-31', 1, 1, 0, 0)]);
    expect(of('18+').at(-1)).toEqual(row('2022-12-31', 1, 1, 1, 1));
    expect(of('65+')).toEqual([row('2021-01-01', 0, 0, 0, 0), row('2022-12-31', 0, 0, 0, 0)]);
  });

  it('counts a 29 February birthday on 1 March in other years, and someone without a birth date only in everyone', () => {
    const leap = personDays('2004-02-29', [], series);
    const rows = changePoints([leap, personDays(null, [], series)], '2021-01-01', '2022-12-31');
    expect(rows.filter((r) => r.ageGroup === '18+').map((r) => [r.day, r.population])).toEqual([
      ['2021-01-01', 0],
      ['2022-03-01', 1],
      ['2022-12-31', 1],
    ]);
    expect(rows.filter((r) => r.ageGroup === 'all').map((r) => r.population)).toEqual([2, 2]);
  });
});
