import { describe, expect, it } from 'vitest';
import { BOOSTERS_DEFAULTS, PRODUCTS_DEFAULTS } from './policies.ts';
import { checkDose, type DoseCheckInput } from './doses.ts';
import { policiesOn } from './schedule.ts';
import type { DoseFact } from './types.ts';

const versions = { products: PRODUCTS_DEFAULTS, boosters: BOOSTERS_DEFAULTS };
const check = (i: Partial<DoseCheckInput> & { dose: DoseFact }) =>
  checkDose({ birthDate: '1980-05-10', existing: [], today: '2022-07-01', ...i }, policiesOn(versions, i.dose.givenOn));
const d = (kind: DoseFact['kind'], productCode: string, givenOn: string): DoseFact => ({ kind, productCode, givenOn });
const codes = (r: ReturnType<typeof check>) => r.errors.map((e) => `${e.field}:${e.code}`);
const pf = [d('primary_1', 'pfizer', '2021-08-01'), d('primary_2', 'pfizer', '2021-08-22')];

describe('checkDose: the bad inputs', () => {
  it('accepts a good dose, unflagged', () => {
    expect(check({ dose: d('primary_1', 'pfizer', '2021-08-01') })).toEqual({ errors: [], flagged: false, minimumOn: null });
    expect(check({ existing: pf.slice(0, 1), dose: pf[1] })).toEqual({ errors: [], flagged: false, minimumOn: '2021-08-22' });
  });
  it('rejects a date that is not a date, in the future, before birth', () => {
    expect(codes(check({ dose: d('primary_1', 'pfizer', '2021-02-30') }))).toEqual(['givenOn:invalid_date']);
    expect(codes(check({ dose: d('primary_1', 'pfizer', '2022-07-02') }))).toEqual(['givenOn:in_future']);
    expect(codes(check({ birthDate: '2021-09-01', dose: d('primary_1', 'pfizer', '2021-08-01') }))).toEqual(['givenOn:before_birth']);
  });
  it('rejects a product not in use on the date, or not for the age', () => {
    expect(codes(check({ dose: d('primary_1', 'pfizer', '2021-05-01') }))).toEqual(['productCode:product_not_in_force']);
    expect(codes(check({ dose: d('primary_1', 'covaxin', '2021-09-01') }))).toEqual(['productCode:product_not_in_force']);
    expect(codes(check({ birthDate: '2007-01-01', dose: d('primary_1', 'pfizer', '2021-09-01') }))).toEqual(['productCode:product_not_for_age']);
    expect(codes(check({ birthDate: '2007-01-01', dose: d('primary_1', 'pfizer', '2021-10-20') }))).toEqual([]);
    expect(codes(check({ birthDate: '2007-01-01', dose: d('primary_1', 'astrazeneca', '2021-10-20') }))).toEqual(['productCode:product_not_for_age']);
    expect(codes(check({ birthDate: '2015-01-01', dose: d('primary_1', 'pfizer_pediatric', '2022-05-01') }))).toEqual([]);
    expect(codes(check({ dose: d('primary_1', 'pfizer_pediatric', '2022-05-01') }))).toEqual(['productCode:product_not_for_age']);
  });
  it('rejects a product not used for the kind of dose, or a dose the series does not have', () => {
    expect(codes(check({ existing: pf, dose: d('booster_1', 'vero_cell', '2022-01-10') }))).toEqual(['productCode:product_not_for_kind']);
    const j = [d('primary_1', 'janssen', '2021-08-10')];
    expect(codes(check({ existing: j, dose: d('primary_2', 'janssen', '2021-10-10') }))).toEqual(['kind:not_in_series']);
  });
  it('rejects mixing where the products do not allow it; allows AstraZeneca → Pfizer', () => {
    expect(codes(check({ existing: [d('primary_1', 'vero_cell', '2021-08-01')], dose: d('primary_2', 'pfizer', '2021-08-29') }))).toEqual(['productCode:mixing_not_allowed']);
    expect(codes(check({ existing: [d('primary_1', 'astrazeneca', '2021-07-01')], dose: d('primary_2', 'pfizer', '2021-08-30') }))).toEqual([]);
    expect(codes(check({ birthDate: '2015-01-01', existing: [d('primary_1', 'pfizer_pediatric', '2022-05-01')], dose: d('primary_2', 'pfizer', '2022-06-01') }))).toContain('productCode:mixing_not_allowed');
  });
  it('rejects duplicates: the same kind, or another dose the same day', () => {
    expect(codes(check({ existing: pf, dose: d('primary_2', 'pfizer', '2021-09-22') }))).toContain('kind:duplicate_kind');
    expect(codes(check({ existing: pf, dose: d('booster_1', 'pfizer', '2021-08-22') }))).toContain('givenOn:duplicate_day');
  });
  it('rejects the wrong order: a missing previous dose, dates out of order, a booster before the series', () => {
    expect(codes(check({ dose: d('primary_2', 'pfizer', '2021-09-01') }))).toEqual(['kind:missing_previous']);
    expect(codes(check({ existing: [d('primary_1', 'pfizer', '2021-09-01')], dose: d('primary_2', 'pfizer', '2021-08-01') }))).toContain('givenOn:wrong_order');
    expect(codes(check({ existing: [pf[1]], dose: d('primary_1', 'pfizer', '2021-09-01') }))).toEqual(['givenOn:wrong_order']);
    expect(codes(check({ existing: pf.slice(0, 1), dose: d('booster_1', 'pfizer', '2021-12-20') }))).toEqual(['kind:primary_incomplete']);
    expect(codes(check({ existing: pf, dose: d('booster_2', 'pfizer', '2022-06-20') }))).toEqual(['kind:missing_previous']);
  });
  it('rejects a kind not offered on the date or at the age; the additional dose only when indicated', () => {
    expect(codes(check({ existing: pf, dose: d('booster_1', 'pfizer', '2021-11-10') }))).toEqual(['kind:not_offered']);
    expect(codes(check({ birthDate: '2007-01-01', existing: [d('primary_1', 'pfizer', '2021-11-01'), d('primary_2', 'pfizer', '2021-11-22')], dose: d('booster_1', 'pfizer', '2022-03-01') }))).toEqual(['kind:not_for_age']);
    expect(codes(check({ existing: pf, dose: d('additional', 'pfizer', '2021-12-01') }))).toEqual(['kind:not_indicated']);
    expect(codes(check({ existing: pf, dose: d('additional', 'pfizer', '2021-12-01'), profile: { immunocompromised: true } }))).toEqual([]);
  });
});

describe('checkDose: the minimum interval', () => {
  it('too early is refused without a reason and accepted, flagged, with one', () => {
    const early = { existing: pf.slice(0, 1), dose: d('primary_2', 'pfizer', '2021-08-15') };
    expect(check(early)).toEqual({ errors: [{ field: 'givenOn', code: 'interval_too_short', message: '2021-08-22' }], flagged: false, minimumOn: '2021-08-22' });
    expect(check({ ...early, overrideReason: '  ' }).errors[0].code).toBe('interval_too_short');
    expect(check({ ...early, overrideReason: 'Đi công tác nước ngoài' })).toEqual({ errors: [], flagged: true, minimumOn: '2021-08-22' });
  });
  it('the booster interval follows the version in force on the dose date (6 months, then 3 from 17/12/2021)', () => {
    expect(check({ existing: pf, dose: d('booster_1', 'pfizer', '2021-12-10') }).errors).toEqual([{ field: 'givenOn', code: 'interval_too_short', message: '2022-02-22' }]);
    expect(check({ existing: pf, dose: d('booster_1', 'pfizer', '2021-12-17') }).errors).toEqual([]);
    const b = [...pf, d('booster_1', 'pfizer', '2022-01-10')];
    expect(check({ birthDate: '1960-01-01', existing: b, dose: d('booster_2', 'moderna', '2022-06-10') })).toMatchObject({ errors: [], minimumOn: '2022-05-10' });
    expect(check({ birthDate: '1960-01-01', existing: b, dose: d('booster_2', 'moderna', '2022-06-01') }).flagged).toBe(false);
  });
  it('the booster after an additional dose counts from the additional dose', () => {
    const vc = [d('primary_1', 'vero_cell', '2021-09-01'), d('primary_2', 'vero_cell', '2021-09-25'), d('additional', 'astrazeneca', '2021-12-05')];
    expect(check({ existing: vc, dose: d('booster_1', 'pfizer', '2022-02-01') }).errors).toEqual([{ field: 'givenOn', code: 'interval_too_short', message: '2022-03-05' }]);
  });
  it('is fast enough for an import row by row', () => {
    const p = policiesOn(versions, '2022-01-10')!;
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i++) checkDose({ birthDate: '1980-05-10', existing: pf, today: '2022-07-01', dose: d('booster_1', 'pfizer', '2022-01-10') }, p);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
