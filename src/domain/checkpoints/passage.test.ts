import { describe, expect, it } from 'vitest';
import { advise, decisionIssue, fillDaily, greenPassState } from './passage.ts';

describe('checkpoint passages', () => {
  it('advises from the result found and the direction', () => {
    expect(advise('positive', 'in')).toBe('held');
    expect(advise('positive', 'out')).toBe('held');
    expect(advise('none', 'in')).toBe('tested');
    expect(advise('expired', 'in')).toBe('tested');
    expect(advise('none', 'out')).toBe('allowed');
    expect(advise('valid_negative', 'in')).toBe('allowed');
  });
  it('refuses letting a positive through, and retesting someone with a valid negative', () => {
    expect(decisionIssue('positive', 'allowed')).toBe('positive_cannot_pass');
    expect(decisionIssue('positive', 'held')).toBeNull();
    expect(decisionIssue('valid_negative', 'tested')).toBe('valid_result_no_retest');
    expect(decisionIssue('none', 'allowed')).toBeNull();
  });
  it('a green-lane pass counts from its first to its last date, unless revoked', () => {
    const p = { vehiclePlate: '12C12345', validFrom: '2021-10-01', validTo: '2021-10-31', status: 'active' as const };
    expect(greenPassState(p, '2021-10-01')).toBe('valid');
    expect(greenPassState(p, '2021-10-31')).toBe('valid');
    expect(greenPassState(p, '2021-11-01')).toBe('expired');
    expect(greenPassState(p, '2021-09-30')).toBe('not_yet');
    expect(greenPassState({ ...p, status: 'revoked' }, '2021-10-10')).toBe('revoked');
    expect(greenPassState(null, '2021-10-10')).toBe('none');
  });
  it('fills the days without passages with zeros, per checkpoint', () => {
    const rows = [{ day: '2021-10-02', checkpointId: 1, in: 5, out: 3, tested: 1, held: 0, turnedBack: 0 }];
    const f = fillDaily(rows, [1, 2], '2021-10-01', '2021-10-03');
    expect(f).toHaveLength(6);
    expect(f.find((r) => r.checkpointId === 1 && r.day === '2021-10-02')!.in).toBe(5);
    expect(f.filter((r) => r.in > 0)).toHaveLength(1);
  });
});
