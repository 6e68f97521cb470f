import { describe, expect, it } from 'vitest';
import { compareResult, interpretResult, mapResultHeaders, parseCt, parseOutcome, samplesFromRows } from './results.ts';
import { checkpointStatus, validUntil } from './validity.ts';
import { nextFollowUpState, followUpAction } from './followUp.ts';

const policy = { positiveCtMax: 40, infectiousCtMax: 30 };
const now = new Date('2021-09-10T05:00:00Z');

describe('results', () => {
  it('reads outcomes in Vietnamese and English', () => {
    expect(['Dương tính', 'DUONG TINH', 'positive', '+', 'Detected'].map(parseOutcome)).toEqual(Array(5).fill('positive'));
    expect(['Âm tính', 'am tinh', 'NEG', 'Not detected', '-'].map(parseOutcome)).toEqual(Array(5).fill('negative'));
    expect(['Không hợp lệ', 'invalid'].map(parseOutcome)).toEqual(['invalid', 'invalid']);
    expect(parseOutcome('')).toBeUndefined();
    expect(parseOutcome('maybe')).toBeNull();
  });
  it('reads Ct values as machines export them', () => {
    expect(parseCt('31,52')).toBe(31.52);
    expect(parseCt(28.1)).toBe(28.1);
    expect(parseCt('Undetermined')).toBeNull();
    expect(parseCt('')).toBeUndefined();
    expect(parseCt('abc')).toBeNaN();
  });
  it('interprets a Ct by the threshold, refuses contradictions', () => {
    expect(interpretResult({ ct: 25 }, policy)).toEqual({ ok: true, outcome: 'positive', ct: 25 });
    expect(interpretResult({ ct: 40 }, policy)).toEqual({ ok: true, outcome: 'positive', ct: 40 });
    expect(interpretResult({ ct: 41 }, policy)).toEqual({ ok: true, outcome: 'negative', ct: 41 });
    expect(interpretResult({ ct: null }, policy)).toEqual({ ok: true, outcome: 'negative', ct: null });
    expect(interpretResult({ outcome: 'positive', ct: 42 }, policy)).toEqual({ ok: false, issue: 'ct_inconsistent' });
    expect(interpretResult({ outcome: 'negative', ct: 20 }, policy)).toEqual({ ok: false, issue: 'ct_inconsistent' });
    expect(interpretResult({ outcome: 'positive', ct: 60 }, policy)).toEqual({ ok: false, issue: 'ct_out_of_range' });
    expect(interpretResult({}, policy)).toEqual({ ok: false, issue: 'result_required' });
    expect(interpretResult({ outcome: 'invalid', ct: 12 }, policy)).toEqual({ ok: true, outcome: 'invalid', ct: null });
  });
  it('compares a new result with the recorded one', () => {
    expect(compareResult(null, { outcome: 'negative', ct: null })).toBe('new');
    expect(compareResult({ outcome: 'positive', ct: 25.1 }, { outcome: 'positive', ct: 25.12 })).toBe('same');
    expect(compareResult({ outcome: 'positive', ct: 25.1 }, { outcome: 'positive', ct: 31 })).toBe('conflict');
    expect(compareResult({ outcome: 'negative', ct: null }, { outcome: 'positive', ct: 22 })).toBe('conflict');
    expect(compareResult({ outcome: 'invalid', ct: null }, { outcome: 'negative', ct: null })).toBe('replaces_invalid');
    expect(compareResult({ outcome: 'negative', ct: null }, { outcome: 'invalid', ct: null })).toBe('conflict');
  });
  it('finds import columns by Vietnamese or machine names', () => {
    expect(mapResultHeaders(['STT', 'Mã mẫu', 'Kết quả', 'Ct'])).toEqual({ ok: true, map: { barcode: 1, result: 2, ct: 3 } });
    expect(mapResultHeaders(['Well', 'Sample Name', 'Target Name', 'CT'])).toEqual({ ok: true, map: { barcode: 1, target: 2, ct: 3 } });
    expect(mapResultHeaders(['Họ tên', 'Kết quả'])).toEqual({ ok: false, missing: ['barcode'] });
    expect(mapResultHeaders(['barcode'])).toEqual({ ok: false, missing: ['result_or_ct'] });
  });
  it('one result per sample from rows, errors by row number', () => {
    const map = { barcode: 0, result: 1, ct: 2, tested_at: 3 };
    const rows = [
      ['S20-0000000014', 'Âm tính', '', '10/09/2021 08:30'],
      ['s20-0000000014', 'Âm tính', '', ''], // repeated line: harmless
      ['LAB-777', 'Dương tính', '24,5', ''],
      ['', 'Âm tính', '', ''],
      ['LAB-778', 'có thể', '', ''],
      ['LAB-779', 'Dương tính', '45', ''],
      ['LAB-780', 'Âm tính', '', '31/02/2021'],
      ['LAB-781', 'Âm tính', '', ''],
      ['LAB-781', 'Dương tính', '20', ''],
      ['LAB-782', 'Âm tính', '', '10/09/2030 08:00'],
    ].map((values, i) => ({ rowNumber: i + 2, values }));
    const { samples, errors } = samplesFromRows(rows, map, policy, now);
    expect(samples).toEqual([
      { barcode: 'S20-0000000014', outcome: 'negative', ct: null, testedAt: '2021-09-10T01:30:00.000Z', rowNumbers: [2, 3] },
      { barcode: 'LAB-777', outcome: 'positive', ct: 24.5, testedAt: null, rowNumbers: [4] },
    ]);
    expect(errors.map((e) => [e.rowNumber, e.issue])).toEqual([
      [5, 'barcode_required'],
      [6, 'unknown_result'],
      [7, 'ct_inconsistent'],
      [8, 'tested_at_invalid'],
      [11, 'tested_at_future'],
      [9, 'conflicting_rows'],
      [10, 'conflicting_rows'],
    ]);
  });
  it('machine exports with one row per target gene and an internal control', () => {
    const map = { barcode: 0, target: 1, ct: 2 };
    const rows = [
      ['P20-0000000014', 'E', '33.1'],
      ['P20-0000000014', 'RdRp', '35.0'],
      ['P20-0000000014', 'IC', '28'],
      ['LAB-1', 'E', 'Undetermined'],
      ['LAB-1', 'RdRp', 'Undetermined'],
      ['LAB-1', 'IC', '27.5'],
      ['LAB-2', 'E', 'Undetermined'],
      ['LAB-2', 'IC', 'Undetermined'],
    ].map((values, i) => ({ rowNumber: i + 2, values }));
    const { samples, errors } = samplesFromRows(rows, map, policy, now);
    expect(errors).toEqual([]);
    expect(samples.map((s) => [s.barcode, s.outcome, s.ct])).toEqual([
      ['P20-0000000014', 'positive', 33.1],
      ['LAB-1', 'negative', null],
      ['LAB-2', 'invalid', null],
    ]);
  });
});

describe('validity at checkpoints (72 h)', () => {
  const at = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
  it('a negative is valid for the policy hours from the result', () => {
    expect(validUntil('2021-09-10T00:00:00.000Z', 72)).toBe('2021-09-13T00:00:00.000Z');
    expect(checkpointStatus([{ kind: 'pcr', outcome: 'negative', resultAt: at(71) }], now, 72).status).toBe('valid_negative');
    expect(checkpointStatus([{ kind: 'pcr', outcome: 'negative', resultAt: at(72) }], now, 72).status).toBe('expired');
    expect(checkpointStatus([], now, 72)).toEqual({ status: 'none', result: null, validUntil: null });
  });
  it('a positive within the window wins over negatives; the latest negative sets the validity', () => {
    const r = [
      { kind: 'rapid' as const, outcome: 'negative' as const, resultAt: at(2) },
      { kind: 'pcr' as const, outcome: 'positive' as const, resultAt: at(30) },
    ];
    expect(checkpointStatus(r, now, 72).status).toBe('positive');
    const n = checkpointStatus([{ kind: 'pcr', outcome: 'negative', resultAt: at(50) }, { kind: 'rapid', outcome: 'negative', resultAt: at(5) }], now, 72);
    expect(n.validUntil).toBe(validUntil(at(5), 72));
  });
  it('ignores results dated in the future', () => {
    expect(checkpointStatus([{ kind: 'pcr', outcome: 'negative', resultAt: at(-1) }], now, 72).status).toBe('none');
  });
});

describe('positive-pool follow-up', () => {
  it('re-sample: pending → collected → result; invalid goes back to pending', () => {
    expect(followUpAction('collection')).toBe('resample');
    expect(nextFollowUpState('resample', 'pending', { type: 'result', outcome: 'negative' })).toEqual({ ok: false, reason: 'not_collected' });
    expect(nextFollowUpState('resample', 'pending', { type: 'collected' })).toEqual({ ok: true, state: 'collected' });
    expect(nextFollowUpState('resample', 'collected', { type: 'result', outcome: 'invalid' })).toEqual({ ok: true, state: 'pending' });
    expect(nextFollowUpState('resample', 'collected', { type: 'result', outcome: 'positive' })).toEqual({ ok: true, state: 'positive' });
  });
  it('re-test in the lab: straight to the result', () => {
    expect(followUpAction('lab')).toBe('retest');
    expect(nextFollowUpState('retest', 'pending', { type: 'result', outcome: 'negative' })).toEqual({ ok: true, state: 'negative' });
    expect(nextFollowUpState('retest', 'pending', { type: 'collected' })).toEqual({ ok: false, reason: 'not_applicable' });
  });
  it('finished follow-ups stay finished; open ones can be closed', () => {
    expect(nextFollowUpState('retest', 'negative', { type: 'close' })).toEqual({ ok: false, reason: 'finished' });
    expect(nextFollowUpState('resample', 'collected', { type: 'close' })).toEqual({ ok: true, state: 'closed' });
  });
});
