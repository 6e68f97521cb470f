import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { BOOSTERS_DEFAULTS, PRODUCTS_DEFAULTS, VACCINATION_POLICY_DEFINITIONS } from './policies.ts';
import { addMonths, ageOn, birthdayAt, fullyVaccinatedOn, policiesOn, scheduleStatus, type ScheduleInput } from './schedule.ts';
import type { DoseFact } from './types.ts';

const versions = { products: PRODUCTS_DEFAULTS, boosters: BOOSTERS_DEFAULTS };
/** The status on `on` under the default versions in force on that date. */
const status = (input: ScheduleInput) => {
  const p = policiesOn(versions, input.on);
  if (!p) throw new Error('no policy on ' + input.on);
  return scheduleStatus(input, p.products, p.boosters);
};
const d = (kind: DoseFact['kind'], productCode: string, givenOn: string): DoseFact => ({ kind, productCode, givenOn });
const ADULT = '1980-05-10';

describe('vaccination policies', () => {
  it('every default version satisfies its schema, and the product codes are the agreed ones', () => {
    for (const def of VACCINATION_POLICY_DEFINITIONS) for (const v of def.defaults) expect(Value.Check(def.schema, v.value), `${def.key} ${v.effectiveFrom}`).toBe(true);
    const codes = PRODUCTS_DEFAULTS.at(-1)!.value.products.map((p) => p.code);
    expect(codes).toEqual(['astrazeneca', 'sputnik_v', 'vero_cell', 'pfizer', 'moderna', 'janssen', 'hayat_vax', 'abdala', 'pfizer_pediatric']);
  });
  it('picks the version in force on a date', () => {
    expect(policiesOn(versions, '2021-02-01')).toBeNull();
    expect(policiesOn(versions, '2021-06-01')!.products.map((p) => p.code)).toEqual(['astrazeneca', 'sputnik_v']);
    expect(policiesOn(versions, '2021-12-16')!.boosters.booster1[0].minMonths).toBe(6);
    expect(policiesOn(versions, '2021-12-17')!.boosters.booster1[0].minMonths).toBe(3);
  });
});

describe('calendar helpers', () => {
  it('adds months clamping to the month end, counts ages and birthdays', () => {
    expect(addMonths('2021-08-31', 6)).toBe('2022-02-28');
    expect(addMonths('2021-12-17', 3)).toBe('2022-03-17');
    expect(addMonths('2023-11-30', 3)).toBe('2024-02-29');
    expect(ageOn('2004-12-18', '2021-12-17')).toBe(16);
    expect(ageOn('2004-12-17', '2021-12-17')).toBe(17);
    expect(birthdayAt('2008-02-29', 13)).toBe('2021-03-01');
    expect(birthdayAt('2008-02-29', 12)).toBe('2020-02-29');
  });
});

describe('schedule engine: the primary series', () => {
  it('an unvaccinated adult is due for a first dose; a child is not eligible until the policy admits the age', () => {
    expect(status({ birthDate: ADULT, doses: [], on: '2021-08-01' })).toMatchObject({ state: 'due', nextKind: 'primary_1', overdueAfter: null });
    // 15 years old: adults only until 10/2021, then Pfizer / Moderna from 12.
    expect(status({ birthDate: '2006-03-01', doses: [], on: '2021-09-01' })).toMatchObject({ state: 'not_eligible', reason: 'under_min_age', nextKind: null, dueOn: '2024-03-01' });
    expect(status({ birthDate: '2006-03-01', doses: [], on: '2021-10-20' })).toMatchObject({ state: 'due', nextKind: 'primary_1', dueOn: '2018-03-01' });
    // 7 years old: nothing before 2022, the paediatric product from 14/04/2022.
    expect(status({ birthDate: '2014-06-01', doses: [], on: '2021-12-01' })).toMatchObject({ state: 'not_eligible', reason: 'under_min_age', dueOn: '2026-06-01' });
    expect(status({ birthDate: '2014-06-01', doses: [], on: '2022-05-01' })).toMatchObject({ state: 'due', nextKind: 'primary_1' });
    expect(status({ birthDate: '2019-06-01', doses: [], on: '2022-05-01' })).toMatchObject({ state: 'not_eligible', reason: 'under_min_age', dueOn: '2024-06-01' });
    expect(status({ birthDate: null, doses: [], on: '2022-05-01' })).toMatchObject({ state: 'not_eligible', reason: 'birth_date_unknown' });
  });

  it('AstraZeneca: dose 2 from 8 weeks, overdue after 12', () => {
    const doses = [d('primary_1', 'astrazeneca', '2021-07-01')];
    expect(status({ birthDate: ADULT, doses, on: '2021-08-01' })).toMatchObject({ state: 'too_early', nextKind: 'primary_2', dueOn: '2021-08-26', overdueAfter: '2021-09-23', reason: 'interval_not_reached' });
    expect(status({ birthDate: ADULT, doses, on: '2021-08-26' })).toMatchObject({ state: 'due', dueOn: '2021-08-26' });
    expect(status({ birthDate: ADULT, doses, on: '2021-09-23' }).state).toBe('due');
    expect(status({ birthDate: ADULT, doses, on: '2021-09-24' })).toMatchObject({ state: 'overdue', reason: 'overdue' });
  });

  it('Pfizer 3 weeks, Moderna 4 weeks, overdue after the policy window when the product names no maximum', () => {
    expect(status({ birthDate: ADULT, doses: [d('primary_1', 'pfizer', '2021-08-01')], on: '2021-08-05' })).toMatchObject({ dueOn: '2021-08-22', overdueAfter: '2021-09-19' });
    expect(status({ birthDate: ADULT, doses: [d('primary_1', 'moderna', '2021-08-01')], on: '2021-08-05' })).toMatchObject({ dueOn: '2021-08-29' });
    expect(status({ birthDate: ADULT, doses: [d('primary_1', 'moderna', '2021-08-01')], on: '2021-10-01' }).state).toBe('overdue');
  });

  it('Janssen is complete after one dose; Abdala needs three', () => {
    const j = status({ birthDate: ADULT, doses: [d('primary_1', 'janssen', '2021-08-10')], on: '2021-09-01' });
    expect(j).toMatchObject({ fullyVaccinatedOn: '2021-08-10', state: 'complete', reason: 'no_booster_in_force' });
    const a1 = [d('primary_1', 'abdala', '2021-10-01')];
    expect(status({ birthDate: ADULT, doses: a1, on: '2021-10-05' })).toMatchObject({ state: 'too_early', nextKind: 'primary_2', dueOn: '2021-10-15', fullyVaccinatedOn: null });
    const a2 = [...a1, d('primary_2', 'abdala', '2021-10-15')];
    expect(status({ birthDate: ADULT, doses: a2, on: '2021-10-20' })).toMatchObject({ nextKind: 'primary_3', dueOn: '2021-10-29', fullyVaccinatedOn: null });
    const a3 = [...a2, d('primary_3', 'abdala', '2021-10-29')];
    expect(status({ birthDate: ADULT, doses: a3, on: '2021-11-01' })).toMatchObject({ state: 'complete', fullyVaccinatedOn: '2021-10-29' });
  });

  it('a mixed AstraZeneca + Pfizer series is complete after the second dose; the interval follows the first product', () => {
    const doses = [d('primary_1', 'astrazeneca', '2021-07-01'), d('primary_2', 'pfizer', '2021-08-30')];
    expect(status({ birthDate: ADULT, doses, on: '2021-09-10' })).toMatchObject({ state: 'complete', fullyVaccinatedOn: '2021-08-30' });
    expect(fullyVaccinatedOn(doses, policiesOn(versions, '2021-09-10')!.products)).toBe('2021-08-30');
    expect(fullyVaccinatedOn(doses.slice(0, 1), policiesOn(versions, '2021-09-10')!.products)).toBeNull();
  });

  it('doses after the date are not counted (status for any date)', () => {
    const doses = [d('primary_1', 'pfizer', '2021-08-01'), d('primary_2', 'pfizer', '2021-08-22')];
    expect(status({ birthDate: ADULT, doses, on: '2021-08-10' })).toMatchObject({ nextKind: 'primary_2', fullyVaccinatedOn: null });
  });
});

describe('schedule engine: additional dose and boosters across policy versions', () => {
  const pf = [d('primary_1', 'pfizer', '2021-08-01'), d('primary_2', 'pfizer', '2021-08-22')];
  it('no booster before the guidance of 11/2021; then 6 months; 3 months from 17/12/2021', () => {
    expect(status({ birthDate: ADULT, doses: pf, on: '2021-11-01' })).toMatchObject({ state: 'complete', reason: 'no_booster_in_force', nextKind: null });
    expect(status({ birthDate: ADULT, doses: pf, on: '2021-12-01' })).toMatchObject({ state: 'too_early', nextKind: 'booster_1', dueOn: '2022-02-22' });
    expect(status({ birthDate: ADULT, doses: pf, on: '2021-12-17' })).toMatchObject({ state: 'due', nextKind: 'booster_1', dueOn: '2021-11-22', overdueAfter: '2022-02-20' });
    expect(status({ birthDate: ADULT, doses: pf, on: '2022-03-01' }).state).toBe('overdue');
  });

  it('Vero Cell recipients and immunocompromised people get an additional dose 28 days after the series, then the booster counts from it', () => {
    const vc = [d('primary_1', 'vero_cell', '2021-09-01'), d('primary_2', 'vero_cell', '2021-09-25')];
    expect(status({ birthDate: ADULT, doses: vc, on: '2021-11-20' })).toMatchObject({ state: 'due', nextKind: 'additional', dueOn: '2021-10-23', overdueAfter: '2021-11-20' });
    expect(status({ birthDate: ADULT, doses: vc, on: '2021-12-01' })).toMatchObject({ state: 'overdue', nextKind: 'additional' });
    // Before the guidance of 11/2021 there was no additional dose: the series was complete.
    expect(status({ birthDate: ADULT, doses: vc, on: '2021-11-01' })).toMatchObject({ state: 'complete', reason: 'no_booster_in_force' });
    const withAdditional = [...vc, d('additional', 'astrazeneca', '2021-12-05')];
    expect(status({ birthDate: ADULT, doses: withAdditional, on: '2021-12-20' })).toMatchObject({ state: 'too_early', nextKind: 'booster_1', dueOn: '2022-03-05', fullyVaccinatedOn: '2021-09-25' });
    expect(status({ birthDate: ADULT, doses: pf, on: '2021-12-01', profile: { immunocompromised: true } })).toMatchObject({ nextKind: 'additional', dueOn: '2021-09-19' });
    // A booster already given: no additional dose afterwards.
    expect(status({ birthDate: ADULT, doses: [...vc, d('booster_1', 'pfizer', '2022-01-10')], on: '2022-02-01' })).toMatchObject({ state: 'complete', reason: 'no_booster_in_force' });
  });

  it('2022: dose 3 after 5 months at 12–17, dose 4 after 4 months from 50 (or at risk), none for other adults', () => {
    const teen = '2007-01-15';
    const t = [d('primary_1', 'pfizer', '2021-11-01'), d('primary_2', 'pfizer', '2021-11-22')];
    expect(status({ birthDate: teen, doses: t, on: '2022-03-01' })).toMatchObject({ state: 'complete', reason: 'booster_not_for_age' });
    expect(status({ birthDate: teen, doses: t, on: '2022-06-10' })).toMatchObject({ state: 'due', nextKind: 'booster_1', dueOn: '2022-04-22' });
    const b = [...pf, d('booster_1', 'moderna', '2022-01-10')];
    expect(status({ birthDate: '1965-01-01', doses: b, on: '2022-06-10' })).toMatchObject({ state: 'due', nextKind: 'booster_2', dueOn: '2022-05-10' });
    expect(status({ birthDate: ADULT, doses: b, on: '2022-06-10' })).toMatchObject({ state: 'complete', reason: 'booster_not_for_age' });
    expect(status({ birthDate: ADULT, doses: b, on: '2022-06-10', profile: { comorbidity: true } })).toMatchObject({ nextKind: 'booster_2' });
    expect(status({ birthDate: '1965-01-01', doses: [...b, d('booster_2', 'pfizer', '2022-06-12')], on: '2022-07-01' })).toMatchObject({ state: 'complete', reason: null });
  });
});

describe('schedule engine: contraindications and deferrals', () => {
  const one = [d('primary_1', 'pfizer', '2021-08-01')];
  it('a contraindication stops further doses; the finished course stays complete', () => {
    expect(status({ birthDate: ADULT, doses: one, on: '2021-09-01', profile: { deferral: 'contraindicated' } })).toMatchObject({ state: 'contraindicated', reason: 'contraindicated', dueOn: null, nextKind: 'primary_2' });
    expect(status({ birthDate: ADULT, doses: [], on: '2021-09-01', profile: { deferral: 'contraindicated' } }).state).toBe('contraindicated');
    const j = [d('primary_1', 'janssen', '2021-08-10')];
    expect(status({ birthDate: ADULT, doses: j, on: '2021-09-01', profile: { deferral: 'contraindicated' } }).state).toBe('complete');
  });
  it('a deferral holds the dose until its end date, then the schedule resumes', () => {
    expect(status({ birthDate: ADULT, doses: one, on: '2021-09-01', profile: { deferral: 'deferred', deferralUntil: '2021-09-15' } })).toMatchObject({ state: 'deferred', reason: 'deferred_until', dueOn: '2021-09-15' });
    expect(status({ birthDate: ADULT, doses: one, on: '2021-08-05', profile: { deferral: 'deferred', deferralUntil: '2021-08-10' } })).toMatchObject({ state: 'deferred', dueOn: '2021-08-22' });
    expect(status({ birthDate: ADULT, doses: one, on: '2021-09-15', profile: { deferral: 'deferred', deferralUntil: '2021-09-15' } }).state).toBe('due');
    expect(status({ birthDate: ADULT, doses: one, on: '2021-09-01', profile: { deferral: 'deferred', deferralUntil: null } })).toMatchObject({ state: 'deferred', reason: 'deferred', dueOn: null });
  });
});

describe('date arithmetic without Date objects', () => {
  it('agrees with the calendar for every day of several centuries', async () => {
    const { addDays: ref } = await import('../cases/dates.ts');
    const { addDays, isIsoDate } = await import('./schedule.ts');
    let day = '1899-12-25';
    const wrong: string[] = [];
    for (let i = 0; i < 80_000; i++) {
      if (addDays(day, 1) !== ref(day, 1) || (i % 97 === 0 && addDays(day, -400) !== ref(day, -400)) || !isIsoDate(day)) wrong.push(day);
      day = ref(day, 1);
    }
    expect(wrong).toEqual([]);
    for (const bad of ['2021-02-29', '2021-13-01', '2021-00-10', '2021-04-31', '2021-1-01', '2021/01/01', '20210101', 'abcd-ef-gh', '2000-02-30']) expect(isIsoDate(bad), bad).toBe(false);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('1900-02-29')).toBe(false);
  });
});
