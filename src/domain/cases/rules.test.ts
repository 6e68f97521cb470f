import { describe, expect, it } from 'vitest';
import { validateCaseDates, validateContactLink } from './validate.ts';
import { canLift, plannedLiftDate } from './zones.ts';
import { proposeClusters, type ClusterCase } from './clusters.ts';
import { addDays, daysBetween, monthsBetween } from './dates.ts';

describe('dates', () => {
  it('adds days across months and years, counts days and calendar months', () => {
    expect(addDays('2021-12-28', 7)).toBe('2022-01-04');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2021-12-28', '2022-01-04')).toBe(7);
    expect(monthsBetween('2021-07-15', '2022-01-15')).toBe(6);
    expect(monthsBetween('2021-07-16', '2022-01-15')).toBe(5);
  });
});

describe('case and contact checks', () => {
  it('refuses future dates and an onset or sample after the report', () => {
    expect(validateCaseDates({ reportDate: '2022-01-10', onsetDate: '2022-01-08', sampleDate: '2022-01-09' }, '2022-01-10')).toEqual([]);
    expect(validateCaseDates({ reportDate: '2022-01-11' }, '2022-01-10')).toEqual([{ field: 'reportDate', code: 'in_future' }]);
    expect(validateCaseDates({ reportDate: '2022-01-10', onsetDate: '2022-01-11' }, '2022-01-12')).toEqual([{ field: 'onsetDate', code: 'after_report' }]);
    expect(validateCaseDates({ reportDate: '2022-01-10', sampleDate: '2022-01-11' }, '2022-01-12')).toEqual([{ field: 'sampleDate', code: 'after_report' }]);
    expect(validateCaseDates({ reportDate: '2022-01-10', outcomeDate: '2022-01-09' }, '2022-01-12')).toEqual([{ field: 'outcomeDate', code: 'before_report' }]);
  });
  it('refuses an F1 of themselves, a loop up the chain, and a future exposure', () => {
    expect(validateContactLink({ personId: 1, sourcePersonId: 1, sourceChain: [], exposureDate: '2022-01-01' }, '2022-01-10')).toEqual([{ field: 'personId', code: 'self_contact' }]);
    expect(validateContactLink({ personId: 1, sourcePersonId: 2, sourceChain: [1], exposureDate: '2022-01-01' }, '2022-01-10')).toEqual([{ field: 'personId', code: 'cycle' }]);
    expect(validateContactLink({ personId: 3, sourcePersonId: 2, sourceChain: [1], exposureDate: '2022-01-11' }, '2022-01-10')).toEqual([{ field: 'exposureDate', code: 'in_future' }]);
    expect(validateContactLink({ personId: 3, sourcePersonId: 2, sourceChain: [1], exposureDate: '2022-01-09' }, '2022-01-10')).toEqual([]);
  });
});

describe('zone lift date', () => {
  it('is 14 days after the last case, or after the start when no case followed, or the extension', () => {
    expect(plannedLiftDate({ startDate: '2021-09-01', lastCaseDate: '2021-09-05' }, 14)).toBe('2021-09-19');
    expect(plannedLiftDate({ startDate: '2021-09-01', lastCaseDate: null }, 14)).toBe('2021-09-15');
    expect(plannedLiftDate({ startDate: '2021-09-01', lastCaseDate: '2021-08-20' }, 14)).toBe('2021-09-15');
    expect(plannedLiftDate({ startDate: '2021-09-01', lastCaseDate: '2021-09-05', extendedTo: '2021-09-25' }, 14)).toBe('2021-09-25');
    expect(plannedLiftDate({ startDate: '2021-09-01', lastCaseDate: '2021-09-05', extendedTo: '2021-09-10' }, 14)).toBe('2021-09-19');
    expect(canLift('2021-09-19', '2021-09-18')).toBe(false);
    expect(canLift('2021-09-19', '2021-09-19')).toBe(true);
  });
});

describe('cluster proposal', () => {
  const c = (id: number, personId: number, reportDate: string, householdId: string | null = null): ClusterCase => ({ id, personId, reportDate, householdId });
  it('links cases through a contact chain, a shared contact and a household; leaves lone cases out', () => {
    const cases = [c(1, 10, '2021-09-01'), c(2, 20, '2021-09-04'), c(3, 30, '2021-09-05', 'H1'), c(4, 40, '2021-09-06', 'H1'), c(5, 50, '2021-09-02'), c(6, 60, '2021-09-03')];
    // 10 → 99 (F1) → 20 (F2 who became a case); 30 and 40 share household H1; 50 and 60 both exposed 77.
    const edges = [
      { sourcePersonId: 10, personId: 99 },
      { sourcePersonId: 99, personId: 20 },
      { sourcePersonId: 50, personId: 77 },
      { sourcePersonId: 60, personId: 77 },
    ];
    const out = proposeClusters([...cases, c(7, 70, '2021-09-02')], edges, { windowDays: 14 });
    expect(out.map((x) => [x.caseIds, x.link])).toEqual([
      [[1, 2], 'contacts'],
      [[5, 6], 'contacts'],
      [[3, 4], 'household'],
    ]);
    expect(out[0]).toMatchObject({ firstDate: '2021-09-01', lastDate: '2021-09-04' });
  });
  it('splits a chain where report dates leave a gap longer than the window', () => {
    const cases = [c(1, 1, '2021-09-01'), c(2, 2, '2021-09-03'), c(3, 3, '2021-10-01'), c(4, 4, '2021-10-02')];
    const edges = [
      { sourcePersonId: 1, personId: 2 },
      { sourcePersonId: 2, personId: 3 },
      { sourcePersonId: 3, personId: 4 },
    ];
    expect(proposeClusters(cases, edges, { windowDays: 14 }).map((x) => x.caseIds)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
  it('links cases seen at the same venue, and names mixed links', () => {
    const cases = [c(1, 1, '2021-09-01', 'H'), c(2, 2, '2021-09-02', 'H'), c(3, 3, '2021-09-02')];
    const out = proposeClusters(cases, [], { windowDays: 14, venues: [{ caseId: 2, venue: 'cho-dong-kinh' }, { caseId: 3, venue: 'cho-dong-kinh' }] });
    expect(out).toEqual([{ caseIds: [1, 2, 3], firstDate: '2021-09-01', lastDate: '2021-09-02', link: 'mixed' }]);
  });
  it('handles a large outbreak in linear time', () => {
    const cases: ClusterCase[] = [];
    const edges = [];
    for (let i = 0; i < 20000; i++) {
      cases.push(c(i, i, addDays('2021-09-01', i % 60), null));
      if (i % 10) edges.push({ sourcePersonId: i - 1, personId: i });
      for (let k = 0; k < 5; k++) edges.push({ sourcePersonId: i, personId: 1_000_000 + i * 5 + k });
    }
    const out = proposeClusters(cases, edges, { windowDays: 14 });
    expect(out.reduce((n, x) => n + x.caseIds.length, 0)).toBe(20000);
  });
});
