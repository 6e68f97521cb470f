import { describe, expect, it } from 'vitest';
import { buildSweepList, checkVisit, riskScore, sweepMark, type SweepCandidate } from './sweep.ts';
import type { ScheduleStatus } from './types.ts';

const status = (state: ScheduleStatus['state'], dueOn: string | null = '2021-09-01'): ScheduleStatus => ({ state, nextKind: 'primary_1', dueOn, overdueAfter: null, reason: null, fullyVaccinatedOn: null });
let id = 0;
const person = (o: Partial<SweepCandidate> = {}): SweepCandidate => ({
  personId: ++id,
  fullName: `Người ${id}`,
  birthDate: '1990-01-01',
  sex: 'F',
  phone: null,
  householdId: `H${id}`,
  address: null,
  villageCode: 'V1',
  villageName: 'Thôn 1',
  comorbidity: false,
  bedridden: false,
  immunocompromised: false,
  status: status('due'),
  lastVisit: null,
  homeRequest: false,
  ...o,
});
const visit = (outcome: 'vaccinated' | 'refused' | 'absent' | 'moved' | 'contraindicated', day = '2021-10-01') => ({ outcome, reason: outcome === 'refused' ? 'sợ phản ứng' : null, day, visitedAt: day + 'T02:00:00Z' });

describe('who is on the sweep list', () => {
  it('takes people whose next dose is due or overdue, nobody else', () => {
    expect(sweepMark(person({ status: status('due') }))).toBe('new');
    expect(sweepMark(person({ status: status('overdue') }))).toBe('new');
    for (const s of ['too_early', 'complete', 'not_eligible', 'contraindicated', 'deferred'] as const) expect(sweepMark(person({ status: status(s) }))).toBeNull();
  });
  it('drops people a visit vaccinated, found moved or contraindicated; keeps refusals marked and the absent', () => {
    expect(sweepMark(person({ lastVisit: visit('vaccinated') }))).toBeNull();
    expect(sweepMark(person({ lastVisit: visit('moved') }))).toBeNull();
    expect(sweepMark(person({ lastVisit: visit('contraindicated') }))).toBeNull();
    expect(sweepMark(person({ lastVisit: visit('refused') }))).toBe('refused');
    expect(sweepMark(person({ lastVisit: visit('absent') }))).toBe('absent');
  });
  it('ignores a visit from before the dose now due (it was about an earlier dose)', () => {
    expect(sweepMark(person({ status: status('due', '2022-03-01'), lastVisit: visit('vaccinated', '2021-10-01') }))).toBe('new');
    expect(sweepMark(person({ status: status('due', '2022-03-01'), lastVisit: visit('refused', '2021-10-01') }))).toBe('new');
    // Moving away is not about a dose.
    expect(sweepMark(person({ status: status('due', '2022-03-01'), lastVisit: visit('moved', '2021-10-01') }))).toBeNull();
  });
});

describe('the order of the walk', () => {
  it('groups by household, villages in order, high-risk households first, then addresses with house numbers as numbers', () => {
    const list = buildSweepList(
      [
        person({ villageCode: 'V2', villageName: 'Thôn 2', address: 'Số 2 ngõ 5', householdId: 'A' }),
        person({ address: 'Số 10 ngõ 5', householdId: 'B' }),
        person({ address: 'Số 9 ngõ 5', householdId: 'C' }),
        person({ address: 'Số 12 ngõ 5', householdId: 'D', birthDate: '1940-05-05' }),
        person({ address: 'Số 9 ngõ 5', householdId: 'C', bedridden: true, fullName: 'Cụ bà' }),
        person({ address: 'Số 1 ngõ 5', householdId: 'E', lastVisit: visit('refused') }),
        person({ address: 'Số 3', householdId: 'F', status: status('complete') }),
      ],
      '2021-10-05',
    );
    expect(list.households.map((h) => h.householdId)).toEqual(['C', 'D', 'B', 'A']);
    expect(list.households[0].members.map((m) => m.fullName)[0]).toBe('Cụ bà');
    expect(list.refused.map((r) => r.householdId)).toEqual(['E']);
    expect(list.counts).toMatchObject({ people: 5, households: 4, refused: 1 });
  });
  it('scores risk by age, bedridden, comorbidity, immunocompromise and an overdue dose', () => {
    expect(riskScore(person(), 30)).toBe(0);
    expect(riskScore(person({ comorbidity: true }), 55)).toBe(3);
    expect(riskScore(person({ bedridden: true, status: status('overdue') }), 70)).toBe(7);
  });
});

describe('visits', () => {
  it('needs a reason for a refusal, a contraindication and a dose given elsewhere', () => {
    expect(checkVisit({ outcome: 'refused', reason: ' ', withDose: false })).toEqual([{ field: 'reason', code: 'reason_required' }]);
    expect(checkVisit({ outcome: 'refused', reason: 'sợ tiêm', withDose: false })).toEqual([]);
    expect(checkVisit({ outcome: 'contraindicated', withDose: false })[0].code).toBe('reason_required');
    expect(checkVisit({ outcome: 'vaccinated', withDose: true })).toEqual([]);
    expect(checkVisit({ outcome: 'vaccinated', withDose: false })[0].code).toBe('reason_required');
    expect(checkVisit({ outcome: 'absent', withDose: true })[0].code).toBe('dose_only_when_vaccinated');
    expect(checkVisit({ outcome: 'absent', withDose: false })).toEqual([]);
  });
});
