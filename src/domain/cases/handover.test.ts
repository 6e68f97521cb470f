import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { answerTransition, canResend, matchIdentity, needsHandover, parseIdentity, receiveDueHours, type Identity } from './handover.ts';
import { CASE_POLICY_DEFINITIONS } from './policies.ts';

const today = '2022-01-10';

describe('identity of someone living in another commune', () => {
  it('takes a valid CCCD alone (the name is kept as the sender typed it)', () => {
    expect(parseIdentity({ fullName: '  Nguyễn   Văn An ', cccd: '020 090 001 234' }, today)).toEqual({ ok: true, identity: { by: 'cccd', fullName: 'Nguyễn Văn An', cccd: '020090001234' } });
  });
  it('otherwise needs the phone, the name and the birth date together', () => {
    expect(parseIdentity({ fullName: 'Hoàng Thị Mai', phone: '0912 345 678', birthDate: '1990-05-04' }, today)).toEqual({
      ok: true,
      identity: { by: 'phone_name_birth', fullName: 'Hoàng Thị Mai', nameKey: 'hoang thi mai', phone: '+84912345678', birthDate: '1990-05-04' },
    });
    expect(parseIdentity({ fullName: 'Hoàng Thị Mai', phone: '0912 345 678' }, today)).toEqual({ ok: false, errors: [{ field: 'birthDate', code: 'required' }] });
    expect(parseIdentity({ fullName: 'Hoàng Thị Mai', birthDate: '1990-05-04' }, today)).toEqual({ ok: false, errors: [{ field: 'phone', code: 'required' }] });
  });
  it('refuses a malformed CCCD, phone or date, a future birth date and a missing name', () => {
    expect(parseIdentity({ fullName: 'A', cccd: '12345' }, today)).toEqual({
      ok: false,
      errors: [
        { field: 'fullName', code: 'too_short' },
        { field: 'cccd', code: 'invalid' },
      ],
    });
    expect(parseIdentity({ fullName: 'Lê Văn Tám', phone: '12', birthDate: '31/02/1990' }, today)).toEqual({
      ok: false,
      errors: [
        { field: 'phone', code: 'invalid' },
        { field: 'birthDate', code: 'invalid_date' },
      ],
    });
    expect(parseIdentity({ fullName: 'Lê Văn Tám', phone: '0912345678', birthDate: '2022-01-11' }, today)).toEqual({ ok: false, errors: [{ field: 'birthDate', code: 'in_future' }] });
  });

  const people = [
    { id: 1, cccd: '020090001234', nameKey: 'nguyen van an', phone: '+84912345678', birthDate: '1990-01-01' },
    { id: 2, cccd: null, nameKey: 'hoang thi mai', phone: '+84912345678', birthDate: '1990-05-04' },
    { id: 3, cccd: null, nameKey: 'hoang thi mai', phone: '+84987654321', birthDate: '1990-05-04' },
  ];
  const byPhone = (nameKey: string, phone: string, birthDate: string): Identity => ({ by: 'phone_name_birth', fullName: nameKey, nameKey, phone, birthDate });
  it('matches exactly one person, or says none or several', () => {
    expect(matchIdentity({ by: 'cccd', fullName: 'x', cccd: '020090001234' }, people)).toEqual({ match: 'one', person: people[0] });
    expect(matchIdentity({ by: 'cccd', fullName: 'x', cccd: '020090009999' }, people)).toEqual({ match: 'none' });
    expect(matchIdentity(byPhone('hoang thi mai', '+84912345678', '1990-05-04'), people)).toEqual({ match: 'one', person: people[1] });
    // Same phone and birth date, another name: not them (a shared family phone).
    expect(matchIdentity(byPhone('hoang van nam', '+84912345678', '1990-05-04'), people)).toEqual({ match: 'none' });
    // Name and birth date alone are not an identity.
    expect(matchIdentity(byPhone('hoang thi mai', '+84900000000', '1990-05-04'), people)).toEqual({ match: 'none' });
    expect(matchIdentity(byPhone('hoang thi mai', '+84912345678', '1990-05-04'), [...people, { ...people[1], id: 9 }])).toEqual({ match: 'ambiguous' });
  });
  it('hands over only people living outside the jurisdiction', () => {
    expect(needsHandover('20/178/05971/', '20/178/05971/')).toBe(false);
    expect(needsHandover('20/178/05971/06001/', '20/178/05971/')).toBe(false);
    expect(needsHandover('20/178/05974/', '20/178/05971/')).toBe(true);
    expect(needsHandover('20/180/06100/', '20/178/')).toBe(true);
    expect(needsHandover('20/180/06100/', '20/')).toBe(false);
  });
});

describe('answers to a hand-over', () => {
  it('accepts or returns a pending hand-over', () => {
    expect(answerTransition('pending', { action: 'accept' })).toEqual({ ok: true, replay: false, next: 'accepted' });
    expect(answerTransition('pending', { action: 'return', reason: 'not_resident' })).toEqual({ ok: true, replay: false, next: 'returned' });
  });
  it('treats the same answer again as a replay, and refuses the other answer', () => {
    expect(answerTransition('accepted', { action: 'accept' })).toEqual({ ok: true, replay: true, next: 'accepted' });
    expect(answerTransition('returned', { action: 'return', reason: 'not_found' })).toEqual({ ok: true, replay: true, next: 'returned' });
    expect(answerTransition('accepted', { action: 'return', reason: 'not_found' })).toEqual({ ok: false, kind: 'state', errors: [{ field: 'status', code: 'already_accepted' }] });
    expect(answerTransition('returned', { action: 'accept' })).toEqual({ ok: false, kind: 'state', errors: [{ field: 'status', code: 'already_returned' }] });
  });
  it('needs a note when the reason is "other"', () => {
    expect(answerTransition('pending', { action: 'return', reason: 'other', note: ' ' })).toEqual({ ok: false, kind: 'bad_input', errors: [{ field: 'note', code: 'required' }] });
    expect(answerTransition('pending', { action: 'return', reason: 'other', note: 'Đã chuyển đi tỉnh khác' }).ok).toBe(true);
  });
  it('lets the sender hand over again only a returned hand-over with nothing else open', () => {
    expect(canResend('returned', false)).toEqual([]);
    expect(canResend('returned', true)).toEqual([{ field: 'contactId', code: 'already_handed_over' }]);
    expect(canResend('pending', false)).toEqual([{ field: 'status', code: 'already_handed_over' }]);
    expect(canResend('accepted', false)).toEqual([{ field: 'status', code: 'already_accepted' }]);
  });
});

describe('deadline to answer', () => {
  it("takes the policy's hours, or the time to call a contact in versions without them", () => {
    expect(receiveDueHours({ investigateCase: 24, callContact: 12, deliverDecision: 24, receiveHandover: 4 })).toBe(4);
    expect(receiveDueHours({ investigateCase: 24, callContact: 12, deliverDecision: 24 })).toBe(12);
  });
  it('ships a default that its schema accepts, and the schema still accepts older values without it', () => {
    const def = CASE_POLICY_DEFINITIONS.find((d) => d.key === 'tracing.due_hours')!;
    for (const d of def.defaults) expect(Value.Check(def.schema, d.value)).toBe(true);
    expect(Value.Check(def.schema, { investigateCase: 24, callContact: 12, deliverDecision: 24 })).toBe(true);
    expect(Value.Check(def.schema, { investigateCase: 24, callContact: 12, deliverDecision: 24, receiveHandover: 0 })).toBe(false);
  });
});
