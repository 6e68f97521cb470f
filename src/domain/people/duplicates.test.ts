import { describe, expect, it } from 'vitest';
import { duplicateReasons, mergeConflicts, mergedFacts, type PersonFacts } from './duplicates.ts';

const an: PersonFacts = { id: 1, cccd: '020085000001', phone: '+84912000001', fullName: 'Nguyễn Văn An', birthDate: '1985-03-02', sex: 'M', householdId: 'H1', address: 'Số 1' };

describe('duplicate people', () => {
  it('names each reason: same CCCD, same phone, same name (with or without diacritics) and birth date', () => {
    expect(duplicateReasons(an, { ...an, id: 2 })).toEqual(['cccd', 'phone', 'name_birth']);
    expect(duplicateReasons(an, { ...an, id: 2, cccd: null, phone: null, fullName: 'NGUYEN VAN AN' })).toEqual(['name_birth']);
    expect(duplicateReasons(an, { ...an, id: 2, cccd: null, birthDate: '1985-03-03' })).toEqual(['phone']);
    expect(duplicateReasons(an, { ...an, id: 2, cccd: null, phone: null, birthDate: null })).toEqual([]);
    expect(duplicateReasons(an, an)).toEqual([]);
  });
  it('refuses to merge records that contradict each other', () => {
    expect(mergeConflicts(an, { ...an, id: 2, cccd: '020085000002', sex: 'F' })).toEqual(['different_cccd', 'different_sex']);
    expect(mergeConflicts(an, { ...an, id: 2, cccd: null, birthDate: null, sex: null })).toEqual([]);
  });
  it('keeps the kept record and fills its blanks from the other', () => {
    const kept = { ...an, cccd: null, phone: null, address: null };
    expect(mergedFacts(kept, { ...an, id: 2, address: 'Số 9' })).toMatchObject({ id: 1, cccd: an.cccd, phone: an.phone, address: 'Số 9' });
    expect(mergedFacts(an, { ...an, id: 2, address: 'Số 9' }).address).toBe('Số 1');
  });
});
