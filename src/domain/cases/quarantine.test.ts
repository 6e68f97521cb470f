import { describe, expect, it } from 'vitest';
import { isProtected, planIsolation, planQuarantine } from './quarantine.ts';
import { CASE_POLICY_DEFINITIONS, type IsolationPolicy, type QuarantinePolicy } from './policies.ts';
import { versionOn } from '../policies/registry.ts';

const versions = (key: string) => {
  const d = CASE_POLICY_DEFINITIONS.find((x) => x.key === key)!.defaults;
  return d.map((v, i) => ({ ...v, effectiveTo: d[i + 1]?.effectiveFrom ?? null }));
};
const f1On = (date: string) => versionOn(versions('quarantine.f1'), date)!.value as QuarantinePolicy;
const f0On = (date: string) => versionOn(versions('isolation.f0'), date)!.value as IsolationPolicy;
const unvaccinated = { fullyVaccinatedOn: null, recoveredOn: null };

describe('F1 quarantine end dates by policy version (14 → 7 → 5 days)', () => {
  it('14/7/2021: 14 days centralised + 14 days monitoring for everyone, tests day 1, 7, 14', () => {
    const p = planQuarantine(f1On('2021-08-01'), { fullyVaccinatedOn: '2021-07-01', recoveredOn: null }, '2021-08-01', '2021-08-02');
    expect(p).toMatchObject({ place: 'centralised', startDate: '2021-08-02', endDate: '2021-08-15', monitorUntil: '2021-08-29', rule: 'any' });
    expect(p.testDays).toEqual([
      { day: 1, date: '2021-08-02' },
      { day: 7, date: '2021-08-08' },
      { day: 14, date: '2021-08-15' },
    ]);
  });
  it('16/12/2021: 7 days at home if the last dose was 14 days to 6 months ago, else 14 days', () => {
    const p = f1On('2022-01-10');
    const vaccinated = planQuarantine(p, { fullyVaccinatedOn: '2021-10-01', recoveredOn: null }, '2022-01-10', '2022-01-10');
    expect(vaccinated).toMatchObject({ place: 'home', endDate: '2022-01-17', monitorUntil: '2022-01-24', rule: 'protected' });
    expect(vaccinated.testDays.map((t) => t.day)).toEqual([1, 7]);
    const tooRecent = planQuarantine(p, { fullyVaccinatedOn: '2022-01-01', recoveredOn: null }, '2022-01-10', '2022-01-10');
    expect(tooRecent).toMatchObject({ place: 'centralised', endDate: '2022-01-24', rule: 'other' });
    const tooOld = planQuarantine(p, { fullyVaccinatedOn: '2021-07-01', recoveredOn: null }, '2022-01-10', '2022-01-10');
    expect(tooOld.rule).toBe('other');
    const recovered = planQuarantine(p, { fullyVaccinatedOn: null, recoveredOn: '2021-09-01' }, '2022-01-10', '2022-01-10');
    expect(recovered.rule).toBe('protected');
  });
  it('21/2/2022: 5 days (vaccinated or recovered ≤ 3 months, test day 5, + 5 monitoring) or 7 days (test day 7, + 3)', () => {
    const p = f1On('2022-03-01');
    expect(planQuarantine(p, { fullyVaccinatedOn: '2021-06-01', recoveredOn: null }, '2022-03-01', '2022-03-02')).toMatchObject({
      place: 'home',
      endDate: '2022-03-06',
      monitorUntil: '2022-03-11',
      testDays: [{ day: 5, date: '2022-03-06' }],
    });
    expect(planQuarantine(p, { fullyVaccinatedOn: null, recoveredOn: '2021-11-01' }, '2022-03-01', '2022-03-01')).toMatchObject({ endDate: '2022-03-08', monitorUntil: '2022-03-11', rule: 'other' });
    expect(planQuarantine(p, unvaccinated, '2022-03-01', '2022-03-01')).toMatchObject({ endDate: '2022-03-08', testDays: [{ day: 7, date: '2022-03-08' }] });
  });
  it('an order made after the counted period still runs to the order date', () => {
    const p = planQuarantine(f1On('2022-03-01'), unvaccinated, '2022-03-01', '2022-03-20');
    expect(p).toMatchObject({ startDate: '2022-03-20', endDate: '2022-03-20', monitorUntil: '2022-03-23' });
  });
  it('counts from the order date when the exposure date is unknown', () => {
    expect(planQuarantine(f1On('2022-03-01'), unvaccinated, null, '2022-03-01')).toMatchObject({ startDate: '2022-03-01', endDate: '2022-03-08' });
  });
  it('protection needs the last dose 14 days before, and counts months by the calendar', () => {
    const p = f1On('2022-01-10');
    expect(isProtected({ fullyVaccinatedOn: '2021-12-27', recoveredOn: null }, '2022-01-10', p)).toBe(true);
    expect(isProtected({ fullyVaccinatedOn: '2021-12-28', recoveredOn: null }, '2022-01-10', p)).toBe(false);
    expect(isProtected({ fullyVaccinatedOn: '2021-07-11', recoveredOn: null }, '2022-01-10', p)).toBe(true);
    expect(isProtected({ fullyVaccinatedOn: '2021-07-10', recoveredOn: null }, '2022-01-10', p)).toBe(false);
    expect(isProtected({ fullyVaccinatedOn: '2022-02-01', recoveredOn: null }, '2022-01-10', p)).toBe(false);
  });
});

describe('F0 isolation by policy version', () => {
  it('14/7/2021: 10 days, two negative PCRs, then 14 days of monitoring', () => {
    expect(planIsolation(f0On('2021-08-01'), unvaccinated, '2021-08-01', '2021-08-02')).toMatchObject({ endDate: '2021-08-11', monitorUntil: '2021-08-25', place: 'centralised' });
  });
  it('31/1/2022: 7 days with a negative rapid test, else day 10 (vaccinated) or day 14', () => {
    const p = f0On('2022-02-10');
    expect(planIsolation(p, { fullyVaccinatedOn: '2021-10-01', recoveredOn: null }, '2022-02-10', '2022-02-10')).toMatchObject({
      place: 'home',
      endDate: '2022-02-17',
      extendedEndDate: '2022-02-20',
      testDays: [{ day: 7, date: '2022-02-17' }],
    });
    expect(planIsolation(p, unvaccinated, '2022-02-10', '2022-02-11')).toMatchObject({ startDate: '2022-02-11', endDate: '2022-02-17', extendedEndDate: '2022-02-24' });
  });
});
