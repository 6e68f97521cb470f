import { describe, expect, it } from 'vitest';
import { birthDateBounds, checkCampaign, cumulativeSeries, projectCampaign, yearsBefore } from './campaign.ts';
import { ageOn } from '../demo/ages.ts';
import { addDays } from '../cases/dates.ts';

describe('checkCampaign', () => {
  const ok = { target: { minAge: 18, doseKind: 'booster_1' as const }, startsOn: '2021-12-17', deadline: '2022-01-23' };
  it('accepts the seed 003 campaign (adults, first booster, before 23/01/2022)', () => {
    expect(checkCampaign(ok)).toEqual([]);
  });
  it('refuses a deadline before the start, bad ages, unknown dose kinds and groups, a bad goal', () => {
    expect(checkCampaign({ ...ok, deadline: '2021-12-16' })).toEqual([{ field: 'deadline', code: 'deadline_before_start' }]);
    expect(checkCampaign({ ...ok, deadline: '2021-12-17' })).toEqual([]);
    expect(checkCampaign({ ...ok, target: { minAge: 50, maxAge: 18, doseKind: 'booster_1' } })).toEqual([{ field: 'target.maxAge', code: 'below_min_age' }]);
    expect(checkCampaign({ ...ok, target: { minAge: -1, doseKind: 'booster_1' } })).toEqual([{ field: 'target.minAge', code: 'out_of_range' }]);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(checkCampaign({ ...ok, target: { minAge: 18, doseKind: 'booster_9' as any, priorityGroups: ['vip' as any], goalPct: 0 } }).map((i) => i.code)).toEqual([
      'unknown_dose_kind',
      'unknown_priority_group',
      'out_of_range',
    ]);
  });
});

describe('age bounds as birth dates', () => {
  it('agree with ageOn on every day around the bounds, leap days included', () => {
    for (const on of ['2022-01-23', '2024-02-29', '2023-02-28', '2023-03-01', '2021-12-31']) {
      const { bornOnOrBefore, bornAfter } = birthDateBounds(18, 64, on);
      for (let i = -800; i <= 800; i++) {
        for (const anchor of [bornOnOrBefore, bornAfter!]) {
          const b = addDays(anchor, i);
          const age = ageOn(b, on);
          const inRange = b <= bornOnOrBefore && b > bornAfter!;
          expect(inRange, `${b} on ${on}`).toBe(age >= 18 && age <= 64);
        }
      }
    }
  });
  it('29 February becomes 28 February in a common year; no upper limit without maxAge', () => {
    expect(yearsBefore('2024-02-29', 18)).toBe('2006-02-28');
    expect(yearsBefore('2024-02-29', 20)).toBe('2004-02-29');
    expect(birthDateBounds(18, null, '2022-01-23')).toEqual({ bornOnOrBefore: '2004-01-23', bornAfter: null });
  });
});

describe('cumulativeSeries', () => {
  it('counts doses before the start in the first day', () => {
    expect(cumulativeSeries([{ day: '2021-12-01', n: 5 }, { day: '2021-12-18', n: 3 }, { day: '2022-02-01', n: 9 }], '2021-12-16', '2021-12-18')).toEqual([
      { day: '2021-12-16', done: 5 },
      { day: '2021-12-17', done: 5 },
      { day: '2021-12-18', done: 8 },
    ]);
  });
});

describe('projectCampaign', () => {
  // 1,000 adults, 400 boosted before the start, then 20 a day from 17/12.
  const startsOn = '2021-12-17';
  const deadline = '2022-01-23';
  const doses = [{ day: '2021-11-30', n: 400 }, ...Array.from({ length: 30 }, (_, i) => ({ day: addDays(startsOn, i), n: 20 }))];
  const series = (to: string) => cumulativeSeries(doses, addDays(startsOn, -1), to);

  it('projects the completion date at the pace of the last 7 days and warns when it is after the deadline', () => {
    const today = '2021-12-26'; // 10 days in: 400 + 200 done
    const p = projectCampaign({ series: series(today), target: 1000, startsOn, deadline, today, paceDays: 7 });
    expect(p).toMatchObject({ done: 600, remaining: 400, pacePerDay: 20, paceDays: 7, share: 0.6 });
    expect(p.projectedOn).toBe('2022-01-15'); // 400 / 20 = 20 days
    expect(p.state).toBe('on_track');
    expect(p.requiredPerDay).toBeCloseTo(400 / 28, 10);
    const slow = projectCampaign({ series: series(today), target: 2000, startsOn, deadline, today, paceDays: 7 });
    expect(slow.projectedOn).toBe('2022-03-06'); // 1400 / 20 = 70 days
    expect(slow.state).toBe('will_not_finish');
  });
  it('the pace window follows the policy, and never reaches before the start', () => {
    const byDay = [{ day: '2021-11-30', n: 400 }, ...Array.from({ length: 10 }, (_, i) => ({ day: addDays(startsOn, i), n: i < 7 ? 10 : 40 }))];
    const s = cumulativeSeries(byDay, addDays(startsOn, -1), '2021-12-26');
    expect(projectCampaign({ series: s, target: 1000, startsOn, deadline, today: '2021-12-26', paceDays: 3 }).pacePerDay).toBe(40);
    expect(projectCampaign({ series: s, target: 1000, startsOn, deadline, today: '2021-12-26', paceDays: 10 }).pacePerDay).toBe(19);
    // Two days in: the pace is over those two days only (the 400 done before do not count as pace).
    const p = projectCampaign({ series: s, target: 1000, startsOn, deadline, today: '2021-12-18', paceDays: 7 });
    expect(p).toMatchObject({ paceDays: 2, pacePerDay: 10, done: 420 });
  });
  it('completed: the day the goal was reached; a goal below 100 %', () => {
    const today = '2022-01-14'; // 400 + 29 × 20 = 980
    const p = projectCampaign({ series: series(today), target: 1000, goalPct: 90, startsOn, deadline, today, paceDays: 7 });
    expect(p.goal).toBe(900);
    expect(p.state).toBe('completed');
    expect(p.projectedOn).toBe('2022-01-10'); // 400 + 25 × 20 = 900
    expect(p.remaining).toBe(0);
  });
  it('stalled without progress, missed after the deadline, not started before the start, closed', () => {
    const flat = cumulativeSeries([{ day: '2021-11-30', n: 100 }], addDays(startsOn, -1), '2022-01-10');
    const stalled = projectCampaign({ series: flat, target: 1000, startsOn, deadline, today: '2022-01-10', paceDays: 7 });
    expect(stalled).toMatchObject({ state: 'stalled', projectedOn: null, pacePerDay: 0 });
    expect(projectCampaign({ series: series('2022-01-24'), target: 5000, startsOn, deadline, today: '2022-01-24', paceDays: 7 }).state).toBe('missed');
    expect(projectCampaign({ series: flat, target: 1000, startsOn, deadline, today: '2021-12-10', paceDays: 7 })).toMatchObject({ state: 'not_started', pacePerDay: 0 });
    expect(projectCampaign({ series: flat, target: 1000, startsOn, deadline, today: '2022-01-10', paceDays: 7, status: 'closed' }).state).toBe('closed');
  });
  it('an empty target group is not a division by zero', () => {
    const p = projectCampaign({ series: [], target: 0, startsOn, deadline, today: '2022-01-01', paceDays: 7 });
    expect(p).toMatchObject({ share: 0, goal: 0, remaining: 0 });
  });
});
