import { describe, expect, it } from 'vitest';
import { allocationStatuses, allocationWarnings, availableToPassOn, checkAllocation, supplySeries, type AllocationCheckInput } from './allocation.ts';
import { SUPPLY_POLICY_DEFINITIONS, type AllocationCompletionPolicy } from './supplyPolicies.ts';
import { versionOn } from '../policies/registry.ts';

const seven: AllocationCompletionPolicy = { days: 7, warnDaysBefore: 2 };
const rule = () => seven;

describe('the completion rule as a dated policy (seed 002)', () => {
  const def = SUPPLY_POLICY_DEFINITIONS.find((d) => d.key === 'vaccination.allocation_completion_days')!;
  it('is 7 days from 30/9/2021, naming its source', () => {
    const v = versionOn(def.defaults.map((d) => ({ ...d, effectiveTo: d.effectiveTo ?? null })), '2021-10-05')!;
    expect(v.value).toEqual({ days: 7, warnDaysBefore: 2 });
    expect(v.source).toMatch(/402-CV\/TU/);
    expect(versionOn(def.defaults.map((d) => ({ ...d, effectiveTo: null })), '2021-09-29')).toBeNull();
  });
});

describe('checkAllocation', () => {
  const base: AllocationCheckInput = {
    doses: 100,
    deliveredOn: '2021-10-02',
    today: '2021-10-05',
    lot: { dosesReceived: 1000, expiryDate: '2022-01-31', receivedOn: '2021-10-01' },
    lotAllocated: 800,
    parent: null,
  };
  it('accepts an allocation within the lot', () => {
    expect(checkAllocation(base)).toEqual([]);
    expect(checkAllocation({ ...base, doses: 200 })).toEqual([]);
  });
  it('never more than the lot has', () => {
    expect(checkAllocation({ ...base, doses: 201 })).toEqual([{ status: 409, field: 'doses', code: 'exceeds_lot' }]);
  });
  it('never more than the district holds when it passes doses on', () => {
    const parent = { doses: 300, passedOn: 250, deliveredOn: '2021-10-02' };
    expect(checkAllocation({ ...base, doses: 50, parent })).toEqual([]);
    expect(checkAllocation({ ...base, doses: 51, parent })).toEqual([{ status: 409, field: 'doses', code: 'exceeds_allocation' }]);
    // The lot's province-level total does not limit a pass-on (it was counted when the district got it).
    expect(checkAllocation({ ...base, doses: 50, lotAllocated: 1000, parent })).toEqual([]);
  });
  it('refuses zero, negative and fractional doses before anything else', () => {
    for (const doses of [0, -5, 1.5]) expect(checkAllocation({ ...base, doses })).toEqual([{ status: 400, field: 'doses', code: 'not_positive' }]);
  });
  it('refuses deliveries in the future, before the lot arrived or before the parent delivery', () => {
    expect(checkAllocation({ ...base, deliveredOn: '2021-10-06' }).map((i) => i.code)).toEqual(['in_future']);
    expect(checkAllocation({ ...base, deliveredOn: '2021-09-30' }).map((i) => i.code)).toEqual(['before_lot_received']);
    expect(checkAllocation({ ...base, parent: { doses: 300, passedOn: 0, deliveredOn: '2021-10-03' } }).map((i) => i.code)).toEqual(['before_parent_delivery']);
  });
  it('refuses a lot past its expiry on the delivery day', () => {
    expect(checkAllocation({ ...base, lot: { ...base.lot, expiryDate: '2021-10-01' } })).toEqual([{ status: 409, field: 'lotId', code: 'lot_expired' }]);
    expect(checkAllocation({ ...base, lot: { ...base.lot, expiryDate: '2021-10-02' } })).toEqual([]);
  });
  it('available to pass on', () => {
    expect(availableToPassOn(300, 120)).toBe(180);
    expect(availableToPassOn(300, 400)).toBe(0);
  });
});

describe('allocationStatuses (7-day rule, first in first out)', () => {
  it('an allocation administered within 7 days is completed on the day the doses covered it', () => {
    const [s] = allocationStatuses([{ id: 1, doses: 100, deliveredOn: '2021-10-01' }], [{ day: '2021-10-02', n: 60 }, { day: '2021-10-05', n: 40 }], rule, '2021-10-20');
    expect(s).toEqual({ id: 1, administered: 100, dueOn: '2021-10-08', completedOn: '2021-10-05', state: 'completed', daysLeft: null });
  });
  it('completed after the deadline is completed late', () => {
    const [s] = allocationStatuses([{ id: 1, doses: 100, deliveredOn: '2021-10-01' }], [{ day: '2021-10-02', n: 60 }, { day: '2021-10-09', n: 40 }], rule, '2021-10-20');
    expect(s.state).toBe('completed_late');
    expect(s.completedOn).toBe('2021-10-09');
  });
  it('open, due soon (within warnDaysBefore of the deadline), overdue', () => {
    const d = [{ id: 1, doses: 100, deliveredOn: '2021-10-01' }];
    const given = [{ day: '2021-10-02', n: 30 }];
    expect(allocationStatuses(d, given, rule, '2021-10-05')[0]).toMatchObject({ state: 'open', daysLeft: 3, administered: 30 });
    expect(allocationStatuses(d, given, rule, '2021-10-06')[0]).toMatchObject({ state: 'due_soon', daysLeft: 2 });
    expect(allocationStatuses(d, given, rule, '2021-10-08')[0]).toMatchObject({ state: 'due_soon', daysLeft: 0 });
    expect(allocationStatuses(d, given, rule, '2021-10-09')[0]).toMatchObject({ state: 'overdue', daysLeft: -1 });
  });
  it('doses after today are not counted (a date in the past is read as it was)', () => {
    const s = allocationStatuses([{ id: 1, doses: 10, deliveredOn: '2021-10-01' }], [{ day: '2021-10-03', n: 10 }], rule, '2021-10-02');
    expect(s[0]).toMatchObject({ administered: 0, completedOn: null, state: 'open' });
  });
  it('two deliveries of a lot to a unit: the first is used up first', () => {
    const d = [
      { id: 7, doses: 50, deliveredOn: '2021-10-10' },
      { id: 3, doses: 100, deliveredOn: '2021-10-01' },
    ];
    const s = allocationStatuses(d, [{ day: '2021-10-04', n: 80 }, { day: '2021-10-12', n: 40 }], rule, '2021-10-15');
    expect(s.map((x) => x.id)).toEqual([7, 3]); // same order as given
    expect(s[1]).toMatchObject({ administered: 100, completedOn: '2021-10-12', state: 'completed_late' });
    expect(s[0]).toMatchObject({ administered: 20, completedOn: null, state: 'due_soon', dueOn: '2021-10-17', daysLeft: 2 });
  });
  it('doses given before a delivery complete it on its delivery day', () => {
    const s = allocationStatuses([{ id: 1, doses: 10, deliveredOn: '2021-10-05' }], [{ day: '2021-10-01', n: 12 }], rule, '2021-10-06');
    expect(s[0]).toMatchObject({ administered: 10, completedOn: '2021-10-05', state: 'completed' });
  });
  it('without a rule in force on delivery there is no deadline', () => {
    const s = allocationStatuses([{ id: 1, doses: 10, deliveredOn: '2021-09-01' }], [], (day) => (day >= '2021-09-30' ? seven : null), '2021-12-01');
    expect(s[0]).toMatchObject({ dueOn: null, state: 'open', daysLeft: null });
  });
  it('the rule in force on the delivery day applies (a later version does not move old deadlines)', () => {
    const policyOn = (day: string) => (day >= '2021-11-01' ? { days: 5, warnDaysBefore: 1 } : seven);
    const s = allocationStatuses(
      [
        { id: 1, doses: 10, deliveredOn: '2021-10-30' },
        { id: 2, doses: 10, deliveredOn: '2021-11-02' },
      ],
      [],
      policyOn,
      '2021-11-03',
    );
    expect(s.map((x) => x.dueOn)).toEqual(['2021-11-06', '2021-11-07']);
  });
});

describe('allocationWarnings', () => {
  it('overdue first (most overdue first), then due soon, nothing else', () => {
    const w = allocationWarnings([
      { id: 1, state: 'open', daysLeft: 5 },
      { id: 2, state: 'due_soon', daysLeft: 1 },
      { id: 3, state: 'overdue', daysLeft: -1 },
      { id: 4, state: 'overdue', daysLeft: -4 },
      { id: 5, state: 'completed', daysLeft: null },
      { id: 6, state: 'due_soon', daysLeft: 0 },
    ] as const);
    expect(w.map((x) => x.id)).toEqual([4, 3, 6, 2]);
  });
});

describe('supplySeries', () => {
  it('cumulative allocated and administered per day, earlier doses in the first day', () => {
    const s = supplySeries([{ day: '2021-09-28', n: 100 }, { day: '2021-10-02', n: 50 }], [{ day: '2021-09-29', n: 10 }, { day: '2021-10-01', n: 5 }, { day: '2021-10-01', n: 5 }, { day: '2021-10-09', n: 1 }], '2021-10-01', '2021-10-03');
    expect(s).toEqual([
      { day: '2021-10-01', allocated: 100, administered: 20 },
      { day: '2021-10-02', allocated: 150, administered: 20 },
      { day: '2021-10-03', allocated: 150, administered: 20 },
    ]);
    expect(supplySeries([], [], '2021-10-03', '2021-10-01')).toEqual([]);
  });
});
