import { describe, expect, it } from 'vitest';
import { maskPhone, parseIdentity, subjectsOf } from './identity.ts';
import { checkAt, expiredBefore, vnDay, vnMidnight } from './time.ts';
import { caseCheckinRange, matchVisits } from './exposure.ts';
import { checkinUrl, displayCode, parseVenueCode, venueCode } from './venue.ts';
import { addDays } from './time.ts';

describe('check-in identity', () => {
  it('normalises a phone into the subject', () => {
    const r = parseIdentity({ fullName: '  Nguyễn  Văn An ', phone: '0912 345 678' });
    expect(r).toEqual({ ok: true, value: { subject: 'p+84912345678', fullName: 'Nguyễn Văn An', phone: '+84912345678', cccd: null } });
  });
  it('prefers the CCCD as the subject when both are given', () => {
    const r = parseIdentity({ fullName: 'Lê Thị B', phone: '0912345678', cccd: '020190000123' });
    expect(r.ok && r.value.subject).toBe('c020190000123');
  });
  it('refuses a malformed phone, a malformed CCCD, a missing identity, a missing name', () => {
    expect(parseIdentity({ fullName: 'A B', phone: '12345' })).toEqual({ ok: false, errors: [{ field: 'phone', code: 'invalid' }] });
    expect(parseIdentity({ fullName: 'A B', cccd: '12345678901' })).toEqual({ ok: false, errors: [{ field: 'cccd', code: 'invalid' }] });
    expect(parseIdentity({ fullName: 'A B', cccd: '999190000123' })).toEqual({ ok: false, errors: [{ field: 'cccd', code: 'invalid' }] });
    expect(parseIdentity({ fullName: 'A B' })).toEqual({ ok: false, errors: [{ field: 'phone', code: 'phone_or_cccd' }] });
    expect(parseIdentity({ phone: '0912345678' })).toEqual({ ok: false, errors: [{ field: 'fullName', code: 'required' }] });
  });
  it('lists the subjects of a registry person and masks phones', () => {
    expect(subjectsOf({ phone: '+84912345678', cccd: '020190000123' })).toEqual(['p+84912345678', 'c020190000123']);
    expect(subjectsOf({ phone: null, cccd: null })).toEqual([]);
    expect(maskPhone('+84912345678')).toBe('*******678');
  });
});

describe('check-in time', () => {
  const now = new Date('2026-12-01T10:00:00Z');
  it('takes the server time when none is given, a stated time within the limits', () => {
    expect(checkAt(undefined, now)).toEqual({ ok: true, at: now });
    expect(checkAt('2026-12-01T10:04:00Z', now).ok).toBe(true);
    expect(checkAt('2026-11-30T11:00:00Z', now).ok).toBe(true);
  });
  it('refuses the future (beyond 5 minutes of clock skew), a day-old time, garbage', () => {
    expect(checkAt('2026-12-01T10:06:00Z', now)).toEqual({ ok: false, code: 'in_future' });
    expect(checkAt('2026-11-30T09:59:00Z', now)).toEqual({ ok: false, code: 'too_old' });
    expect(checkAt('yesterday', now)).toEqual({ ok: false, code: 'invalid' });
    expect(checkAt('1700000000', now)).toEqual({ ok: false, code: 'invalid' });
  });
  it('puts an instant in its Viet Nam day', () => {
    expect(vnDay(new Date('2026-12-01T16:59:59Z'))).toBe('2026-12-01');
    expect(vnDay(new Date('2026-12-01T17:00:00Z'))).toBe('2026-12-02');
    expect(vnMidnight('2026-12-02').toISOString()).toBe('2026-12-01T17:00:00.000Z');
    expect(expiredBefore('2026-12-29', 28)).toBe('2026-12-01');
  });
});

describe('exposure matching', () => {
  const at = (h: number, m = 0) => new Date(Date.UTC(2026, 10, 20, h, m));
  const caseVisits = [
    { venueId: 1, at: at(8), subject: 'pCASE' },
    { venueId: 2, at: at(15), subject: 'pCASE' },
  ];
  it('matches the same venue within ±60 minutes, not other venues, not the case itself, not 61 minutes away', () => {
    const others = [
      { venueId: 1, at: at(8, 59), subject: 'pA' },
      { venueId: 1, at: at(6, 59), subject: 'pB' },
      { venueId: 1, at: at(7, 0), subject: 'pC' },
      { venueId: 3, at: at(8), subject: 'pD' },
      { venueId: 1, at: at(8), subject: 'pCASE' },
      { venueId: 2, at: at(16, 1), subject: 'pE' },
    ];
    const m = matchVisits(caseVisits, others, 60, ['pCASE', 'cCASE']);
    expect(m.map((x) => [x.subject, x.gapMinutes])).toEqual([
      ['pA', 59],
      ['pC', 60],
    ]);
  });
  it('keeps one suggestion per person: the closest visit, counting the case visits overlapped', () => {
    const others = [
      { venueId: 1, at: at(8, 40), subject: 'pA' },
      { venueId: 2, at: at(15, 5), subject: 'pA' },
      { venueId: 1, at: at(8, 10), subject: 'pA' },
    ];
    const [m] = matchVisits(caseVisits, others, 60, ['pCASE']);
    expect(m).toMatchObject({ subject: 'pA', gapMinutes: 5, visits: 2 });
    expect(m.visit.venueId).toBe(2);
  });
  it('follows the policy window', () => {
    const others = [{ venueId: 1, at: at(8, 30), subject: 'pA' }];
    expect(matchVisits(caseVisits, others, 15, [])).toEqual([]);
    expect(matchVisits(caseVisits, others, 30, [])).toHaveLength(1);
  });
  it('looks at the case’s check-ins from the window start to the end of the report day', () => {
    const r = caseCheckinRange({ from: '2026-11-18', to: null }, '2026-11-20', vnMidnight, addDays);
    expect(r.from.toISOString()).toBe('2026-11-17T17:00:00.000Z');
    expect(r.to.toISOString()).toBe('2026-11-20T17:00:00.000Z');
  });
});

describe('venue codes', () => {
  it('makes a code of the province and 8 unambiguous characters, parses it back as typed', () => {
    const c = venueCode('20', new Uint8Array([0, 1, 2, 3, 31, 30, 8, 14]));
    expect(c).toBe('20ABCD98JQ');
    expect(parseVenueCode('20abcd-98jq')).toEqual({ provinceCode: '20', code: '20ABCD98JQ' });
    expect(parseVenueCode('20ABCD98J0')).toBeNull();
    expect(parseVenueCode('20ABCD98JQX')).toBeNull();
    expect(displayCode(c)).toBe('20 ABCD 98JQ');
    expect(checkinUrl('https://x.vn/', c)).toBe('https://x.vn/ci/?v=20ABCD98JQ');
  });
});

import { decodePersonalQr, encodePersonalQr } from './personalQr.ts';
describe('personal QR', () => {
  it('round-trips an identity and refuses anything else', () => {
    const r = parseIdentity({ fullName: 'Hoàng Văn Ba', phone: '0912345678' });
    if (!r.ok) throw new Error('identity');
    const text = encodePersonalQr(r.value);
    expect(text).toMatch(/^CDQR1\.[A-Za-z0-9_-]+$/);
    expect(decodePersonalQr(text)).toEqual(r.value);
    expect(decodePersonalQr('https://example.com')).toBeNull();
    expect(decodePersonalQr('CDQR1.' + Buffer.from('{"n":"A B","p":"123"}').toString('base64url'))).toBeNull();
    expect(decodePersonalQr('CDQR1.!!!')).toBeNull();
  });
});
