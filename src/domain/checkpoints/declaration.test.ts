import { describe, expect, it } from 'vitest';
import { assessDeclaration, checkDeclaration, type DeclarationInput, type RiskContext } from './declaration.ts';
import { CHECKPOINT_POLICY_DEFINITIONS, type DeclarationFollowUpPolicy } from './policies.ts';
import { cccdPrefix } from '../people/normalize.ts';
import { PROVINCES, provinceName } from './provinces.ts';

const followUp: DeclarationFollowUpPolicy = { testFromLevel: 4, arrivalDueHours: 24, symptomsDueHours: 4, lookbackDays: 14 };
const base: DeclarationInput = {
  kind: 'arrival',
  fullName: 'Nguyễn Văn An',
  birthDate: '1990-05-01',
  sex: 'M',
  nationality: 'Việt Nam',
  cccd: cccdPrefix('020', 1990, 'M') + '123456',
  phone: '+84912345678',
  address: 'Số 1 Trần Hưng Đạo',
  destinationCommuneCode: '06160',
  arrivalDate: '2021-10-20',
  from: { provinceCode: '79' },
  places: [],
  symptoms: [],
  contacts: [],
};
const today = '2021-10-20';
const parents: Record<string, string> = { '06160': '178', v1: '06160', '06163': '178', '178': '20' };
const ctx = (over: Partial<RiskContext> = {}): RiskContext => ({
  provinceCode: '20',
  highRiskAreas: [
    { provinceCode: '79', name: 'TP. Hồ Chí Minh', level: 4 },
    { provinceCode: '75', name: 'Đồng Nai', level: 3 },
    { provinceCode: '01', districtCode: '001', name: 'Ba Đình', level: 4 },
    { provinceCode: 'abroad', name: 'Nước ngoài', level: 4 },
  ],
  lockdownUnitCodes: new Set(),
  parentOf: (c) => parents[c] ?? null,
  followUp,
  contactFollowUp: { caseDueHours: 12, otherDueHours: 24 },
  ...over,
});

describe('health declaration checks', () => {
  it('accepts a complete declaration', () => {
    expect(checkDeclaration(base, { today, lookbackDays: 14 })).toEqual([]);
  });
  it('refuses dates in the future, impossible dates, and arrivals older than the look-back', () => {
    expect(checkDeclaration({ ...base, arrivalDate: '2021-10-21' }, { today, lookbackDays: 14 })).toContainEqual({ field: 'arrivalDate', code: 'in_future' });
    expect(checkDeclaration({ ...base, arrivalDate: '2021-10-01' }, { today, lookbackDays: 14 })).toContainEqual({ field: 'arrivalDate', code: 'too_old' });
    expect(checkDeclaration({ ...base, birthDate: '2021-02-30' }, { today, lookbackDays: 14 })).toContainEqual({ field: 'birthDate', code: 'invalid_date' });
    expect(checkDeclaration({ ...base, birthDate: '2022-01-01' }, { today, lookbackDays: 14 })).toContainEqual({ field: 'birthDate', code: 'in_future' });
  });
  it('checks the CCCD against the birth date and sex of a Vietnamese citizen; a foreigner gives a passport', () => {
    expect(checkDeclaration({ ...base, cccd: '0201901234' }, { today, lookbackDays: 14 })).toContainEqual({ field: 'cccd', code: 'format' });
    expect(checkDeclaration({ ...base, sex: 'F' }, { today, lookbackDays: 14 })).toContainEqual({ field: 'cccd', code: 'century_sex' });
    expect(checkDeclaration({ ...base, cccd: null }, { today, lookbackDays: 14 })).toContainEqual({ field: 'cccd', code: 'required' });
    expect(checkDeclaration({ ...base, nationality: 'Trung Quốc', cccd: null, passport: 'E12345678' }, { today, lookbackDays: 14 })).toEqual([]);
    expect(checkDeclaration({ ...base, nationality: 'Trung Quốc', cccd: null }, { today, lookbackDays: 14 })).toContainEqual({ field: 'passport', code: 'required' });
  });
  it('refuses unknown provinces, unknown symptoms or contacts, duplicates', () => {
    const issues = checkDeclaration({ ...base, from: { provinceCode: '99' }, places: [{ provinceCode: '01' }, { provinceCode: '01' }], symptoms: ['fever', 'headache'], contacts: ['case', 'case'] }, { today, lookbackDays: 14 });
    expect(issues).toEqual(
      expect.arrayContaining([
        { field: 'from.provinceCode', code: 'unknown_province' },
        { field: 'places.1', code: 'duplicate' },
        { field: 'symptoms.1', code: 'unknown' },
        { field: 'contacts', code: 'duplicate' },
      ]),
    );
    expect(checkDeclaration({ ...base, from: { provinceCode: 'abroad' } }, { today, lookbackDays: 14 })).toContainEqual({ field: 'from.name', code: 'country_required' });
  });
});

describe('what a declaration sets off', () => {
  it('tests an arrival from a level-4 province, monitors one from level 3, nothing from elsewhere', () => {
    expect(assessDeclaration({ ...base }, ctx())).toEqual({ risk: 'high_risk_area', areas: [{ name: 'TP. Hồ Chí Minh', provinceCode: '79', level: 4 }], tasks: [{ kind: 'test_arrival', role: 'community_team', dueHours: 24 }] });
    expect(assessDeclaration({ ...base, from: { provinceCode: '75' } }, ctx()).tasks).toEqual([{ kind: 'monitor_arrival', role: 'community_team', dueHours: 24 }]);
    expect(assessDeclaration({ ...base, from: { provinceCode: '02' } }, ctx())).toEqual({ risk: 'none', areas: [], tasks: [] });
  });
  it('the threshold is the policy’s: with testing from level 3, a level-3 arrival is tested', () => {
    expect(assessDeclaration({ ...base, from: { provinceCode: '75' } }, ctx({ followUp: { ...followUp, testFromLevel: 3 } })).tasks[0].kind).toBe('test_arrival');
  });
  it('matches a listed district only when the declared place names it; the places visited count like the origin', () => {
    expect(assessDeclaration({ ...base, from: { provinceCode: '01' } }, ctx()).risk).toBe('none');
    expect(assessDeclaration({ ...base, from: { provinceCode: '01', districtCode: '001' } }, ctx()).areas[0].name).toBe('Ba Đình');
    expect(assessDeclaration({ ...base, from: { provinceCode: '02' }, places: [{ provinceCode: '75' }] }, ctx()).tasks[0].kind).toBe('monitor_arrival');
    expect(assessDeclaration({ ...base, from: { provinceCode: 'abroad', name: 'Trung Quốc' } }, ctx()).tasks[0].kind).toBe('test_arrival');
  });
  it('a commune inside the province under lockdown (itself or one of its villages listed) means testing', () => {
    const inside = { ...base, from: { provinceCode: '20', unitCode: '06160', name: 'Phường X' } };
    expect(assessDeclaration(inside, ctx()).risk).toBe('none');
    const a = assessDeclaration(inside, ctx({ lockdownUnitCodes: new Set(['06160']) }));
    expect(a).toMatchObject({ risk: 'lockdown', areas: [{ name: 'Phường X', level: 'lockdown' }], tasks: [{ kind: 'test_arrival' }] });
    // A lockdown of a whole district covers its communes.
    expect(assessDeclaration(inside, ctx({ lockdownUnitCodes: new Set(['178']) })).risk).toBe('lockdown');
    expect(assessDeclaration(inside, ctx({ lockdownUnitCodes: new Set(['06163']) })).risk).toBe('none');
  });
  it('symptoms alert the health station, whatever the journey', () => {
    expect(assessDeclaration({ ...base, from: { provinceCode: '02' }, symptoms: ['fever'] }, ctx()).tasks).toEqual([{ kind: 'check_symptoms', role: 'health_worker', dueHours: 4 }]);
    expect(assessDeclaration({ ...base, symptoms: ['cough'] }, ctx()).tasks.map((t) => t.kind)).toEqual(['test_arrival', 'check_symptoms']);
  });
  it('a declared contact gives the community team a check, sooner for a contact with a case; with no contact, none', () => {
    const home = { ...base, from: { provinceCode: '02' } };
    const check = (contacts: string[], over: Partial<RiskContext> = {}) => assessDeclaration({ ...home, contacts }, ctx(over)).tasks;
    expect(check([])).toEqual([]);
    expect(check(['case'])).toEqual([{ kind: 'check_declared_contact', role: 'community_team', dueHours: 12 }]);
    expect(check(['affected_area'])).toEqual([{ kind: 'check_declared_contact', role: 'community_team', dueHours: 24 }]);
    expect(check(['symptomatic'])).toEqual([{ kind: 'check_declared_contact', role: 'community_team', dueHours: 24 }]);
    // One task for several contacts, at the most urgent of them.
    expect(check(['symptomatic', 'case'])).toEqual([{ kind: 'check_declared_contact', role: 'community_team', dueHours: 12 }]);
    // The delays are the policy's.
    expect(check(['case'], { contactFollowUp: { caseDueHours: 3, otherDueHours: 48 } })[0].dueHours).toBe(3);
    expect(check(['affected_area'], { contactFollowUp: { caseDueHours: 3, otherDueHours: 48 } })[0].dueHours).toBe(48);
    // Beside the journey's and the symptoms' tasks; the risk of the journey is unchanged.
    const all = assessDeclaration({ ...base, symptoms: ['fever'], contacts: ['case'] }, ctx());
    expect(all.tasks.map((t) => t.kind)).toEqual(['test_arrival', 'check_symptoms', 'check_declared_contact']);
    expect(assessDeclaration({ ...home, contacts: ['case'] }, ctx()).risk).toBe('none');
  });
});

describe('declaration policies and provinces', () => {
  it('defaults name only known provinces and satisfy their schema', async () => {
    const { Value } = await import('typebox/value');
    for (const d of CHECKPOINT_POLICY_DEFINITIONS) for (const v of d.defaults) expect(Value.Check(d.schema, v.value), d.key).toBe(true);
    const areas = (CHECKPOINT_POLICY_DEFINITIONS[0].defaults[0].value as { areas: { provinceCode: string }[] }).areas;
    for (const a of areas) expect(a.provinceCode === 'abroad' || provinceName(a.provinceCode) != null).toBe(true);
    expect(PROVINCES).toHaveLength(63);
    expect(provinceName('20')).toBe('Tỉnh Lạng Sơn');
  });
});
