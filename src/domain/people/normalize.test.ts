import { describe, expect, it } from 'vitest';
import { cccdPrefix, normalizeName, normalizePhone, parseCalendarDate, parseSex, searchKey, validateCccd } from './normalize.ts';

describe('searchKey', () => {
  it('strips Vietnamese diacritics and đ', () => {
    expect(searchKey('Nguyễn Văn An')).toBe('nguyen van an');
    expect(searchKey('ĐẶNG THỊ Ỷ')).toBe('dang thi y');
    expect(searchKey('  Lò   Thị  Mười ')).toBe('lo thi muoi');
  });
  it('treats precomposed and decomposed input alike', () => {
    expect(searchKey('Nguy\u1ec5n')).toBe(searchKey('Nguye\u0302\u0303n'));
  });
  it('drops punctuation', () => {
    expect(searchKey("Hoàng-Văn, Thụ")).toBe('hoang van thu');
  });
});

describe('normalizeName', () => {
  it('composes to NFC and collapses spaces', () => {
    const out = normalizeName('  Nguye\u0302\u0303n   Văn An ');
    expect(out).toBe('Nguyễn Văn An');
    expect(out).toBe(out.normalize('NFC'));
  });
});

describe('validateCccd', () => {
  it('accepts a well-formed CCCD consistent with birth year and sex', () => {
    expect(validateCccd('020085001234', { birthDate: '1985-03-02', sex: 'M' })).toEqual({ ok: true, value: '020085001234' });
    expect(validateCccd('020 185 001 234', { birthDate: '1985-03-02', sex: 'F' })).toEqual({ ok: true, value: '020185001234' });
    expect(validateCccd('038205123456', { birthDate: '2005-01-01', sex: 'M' }).ok).toBe(true);
    expect(validateCccd('038305123456', { birthDate: '2005-01-01', sex: 'F' }).ok).toBe(true);
  });
  it('rejects wrong length and letters', () => {
    expect(validateCccd('02008500123')).toEqual({ ok: false, error: 'format' });
    expect(validateCccd('0200850012345')).toEqual({ ok: false, error: 'format' });
    expect(validateCccd('02008500123A')).toEqual({ ok: false, error: 'format' });
  });
  it('rejects an unknown province code', () => {
    expect(validateCccd('003085001234')).toEqual({ ok: false, error: 'province' });
    expect(validateCccd('099085001234')).toEqual({ ok: false, error: 'province' });
  });
  it('rejects a number that contradicts birth date or sex', () => {
    expect(validateCccd('020085001234', { birthDate: '1986-01-01' })).toEqual({ ok: false, error: 'birth_year' });
    expect(validateCccd('020085001234', { birthDate: '2085-01-01' })).toEqual({ ok: false, error: 'century_sex' });
    expect(validateCccd('020085001234', { sex: 'F' })).toEqual({ ok: false, error: 'century_sex' });
  });
  it('cccdPrefix builds numbers that validate', () => {
    expect(cccdPrefix('20', 1985, 'M')).toBe('020085');
    expect(cccdPrefix('38', 2010, 'F')).toBe('038310');
    expect(validateCccd(cccdPrefix('38', 2010, 'F') + '000001', { birthDate: '2010-05-05', sex: 'F' }).ok).toBe(true);
  });
});

describe('normalizePhone', () => {
  it('normalises mobiles to +84', () => {
    expect(normalizePhone('0912345678')).toBe('+84912345678');
    expect(normalizePhone('0912.345.678')).toBe('+84912345678');
    expect(normalizePhone('+84 912 345 678')).toBe('+84912345678');
    expect(normalizePhone('84912345678')).toBe('+84912345678');
    expect(normalizePhone('(+84) 39-123-4567')).toBe('+84391234567');
  });
  it('accepts landlines with 10 national digits', () => {
    expect(normalizePhone('02053871234')).toBe('+842053871234');
  });
  it('rejects what is not a Vietnamese number', () => {
    expect(normalizePhone('12345')).toBeNull();
    expect(normalizePhone('0112345678')).toBeNull();
    expect(normalizePhone('+1 415 555 0100')).toBeNull();
    expect(normalizePhone('09123abc78')).toBeNull();
    expect(normalizePhone('')).toBeNull();
  });
});

describe('parseCalendarDate', () => {
  it('reads ISO and Vietnamese day-first dates', () => {
    expect(parseCalendarDate('1990-02-28')).toBe('1990-02-28');
    expect(parseCalendarDate('28/02/1990')).toBe('1990-02-28');
    expect(parseCalendarDate('5/3/2001')).toBe('2001-03-05');
  });
  it('rejects impossible dates', () => {
    expect(parseCalendarDate('1990-02-30')).toBeNull();
    expect(parseCalendarDate('31/04/2000')).toBeNull();
    expect(parseCalendarDate('29/02/2001')).toBeNull();
    expect(parseCalendarDate('2000-13-01')).toBeNull();
    expect(parseCalendarDate('yesterday')).toBeNull();
  });
  it('accepts 29 February in a leap year', () => {
    expect(parseCalendarDate('29/02/2000')).toBe('2000-02-29');
  });
});

describe('parseSex', () => {
  it('reads Vietnamese and English forms', () => {
    expect(parseSex('Nam')).toBe('M');
    expect(parseSex('Nữ')).toBe('F');
    expect(parseSex('male')).toBe('M');
    expect(parseSex('F')).toBe('F');
    expect(parseSex('?')).toBeNull();
  });
});
