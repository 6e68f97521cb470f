// Health declarations (domain.md §8): the checks of a declaration as a citizen sends it, and what
// it sets off. An arrival from an area at level 3–4 outside the province (the province's dated
// list) or from a lockdown zone inside it gets a task for the community team of the destination
// commune: testing at or above the policy's level (and from a lockdown), monitoring below. A
// declaration with symptoms alerts the commune health station. A declared contact (with a case,
// with someone from an affected area, with someone with symptoms) gives the same community team a
// task to check it, sooner for a contact with a case. Pure: the server gives the lists.
import { validateCccd, type Sex } from '../people/normalize.ts';
import type { DeclarationFollowUpPolicy, DeclaredContactFollowUpPolicy, HighRiskArea } from './policies.ts';
import { isProvinceCode } from './provinces.ts';

export const SYMPTOMS = ['fever', 'cough', 'shortness_of_breath', 'pneumonia', 'sore_throat', 'fatigue'] as const;
export type Symptom = (typeof SYMPTOMS)[number];
/** Contact in the last 14 days with: a case, someone from an affected area, someone with symptoms. */
export const CONTACTS = ['case', 'affected_area', 'symptomatic'] as const;
export type ContactKind = (typeof CONTACTS)[number];
export const ABROAD = 'abroad';

export interface DeclaredPlace {
  /** GSO code of the province, or 'abroad'. */
  provinceCode: string;
  /** Inside the declaring province: a commune (or district) code of its units. */
  unitCode?: string | null;
  /** Outside: a district of that province when the declarant knows it. */
  districtCode?: string | null;
  /** Free text: a country, a town, a place. */
  name?: string | null;
}

export interface DeclarationInput {
  kind: 'arrival' | 'domestic';
  fullName: string;
  birthDate: string;
  sex: Sex;
  nationality: string;
  cccd?: string | null;
  passport?: string | null;
  phone: string;
  address: string;
  destinationCommuneCode: string;
  arrivalDate: string;
  from: DeclaredPlace;
  places: DeclaredPlace[];
  symptoms: string[];
  contacts: string[];
}

export interface DeclarationIssue {
  field: string;
  code: string;
}

export const isVietnamese = (nationality: string) => /^(vi[eệ]t nam|vn|vietnam|vnm)$/i.test(nationality.normalize('NFC').trim());

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s + 'T00:00:00Z')) && new Date(s + 'T00:00:00Z').toISOString().startsWith(s);
const addDays = (day: string, n: number) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);

/**
 * The checks that need no database: dates (not in the future, inside the look-back), identity
 * (a Vietnamese citizen gives a CCCD agreeing with the birth date and sex, a foreigner a
 * passport), places (known provinces, no duplicates), symptoms and contacts from the lists.
 */
export function checkDeclaration(d: DeclarationInput, ctx: { today: string; lookbackDays: number }): DeclarationIssue[] {
  const out: DeclarationIssue[] = [];
  if (!isDate(d.birthDate)) out.push({ field: 'birthDate', code: 'invalid_date' });
  else if (d.birthDate > ctx.today) out.push({ field: 'birthDate', code: 'in_future' });
  else if (d.birthDate < addDays(ctx.today, -365 * 120 - 30)) out.push({ field: 'birthDate', code: 'too_old' });
  if (!isDate(d.arrivalDate)) out.push({ field: 'arrivalDate', code: 'invalid_date' });
  else if (d.arrivalDate > ctx.today) out.push({ field: 'arrivalDate', code: 'in_future' });
  else if (d.arrivalDate < addDays(ctx.today, -ctx.lookbackDays)) out.push({ field: 'arrivalDate', code: 'too_old' });
  if (isVietnamese(d.nationality)) {
    if (!d.cccd) out.push({ field: 'cccd', code: 'required' });
    else {
      const c = validateCccd(d.cccd, isDate(d.birthDate) ? { birthDate: d.birthDate, sex: d.sex } : { sex: d.sex });
      if (!c.ok) out.push({ field: 'cccd', code: c.error });
    }
  } else if (!d.passport && !d.cccd) out.push({ field: 'passport', code: 'required' });
  else if (d.passport && !/^[A-Z0-9]{6,12}$/i.test(d.passport.replace(/\s+/g, ''))) out.push({ field: 'passport', code: 'invalid' });
  const place = (p: DeclaredPlace, field: string) => {
    if (p.provinceCode === ABROAD) {
      if (!p.name?.trim()) out.push({ field: `${field}.name`, code: 'country_required' });
    } else if (!isProvinceCode(p.provinceCode)) out.push({ field: `${field}.provinceCode`, code: 'unknown_province' });
  };
  place(d.from, 'from');
  const seen = new Set<string>();
  d.places.forEach((p, i) => {
    place(p, `places.${i}`);
    const k = `${p.provinceCode}|${p.unitCode ?? ''}|${p.districtCode ?? ''}|${(p.name ?? '').trim().toLowerCase()}`;
    if (seen.has(k)) out.push({ field: `places.${i}`, code: 'duplicate' });
    seen.add(k);
  });
  d.symptoms.forEach((s, i) => {
    if (!(SYMPTOMS as readonly string[]).includes(s)) out.push({ field: `symptoms.${i}`, code: 'unknown' });
  });
  if (new Set(d.symptoms).size !== d.symptoms.length) out.push({ field: 'symptoms', code: 'duplicate' });
  d.contacts.forEach((s, i) => {
    if (!(CONTACTS as readonly string[]).includes(s)) out.push({ field: `contacts.${i}`, code: 'unknown' });
  });
  if (new Set(d.contacts).size !== d.contacts.length) out.push({ field: 'contacts', code: 'duplicate' });
  return out;
}

export interface RiskContext {
  /** The declaring province (places inside it are matched against lockdowns). */
  provinceCode: string;
  highRiskAreas: HighRiskArea[];
  /** Units inside the province under an active lockdown on the arrival date, as unit codes; a commune counts when it or one of its villages is. */
  lockdownUnitCodes: ReadonlySet<string>;
  /** Parent of a unit code inside the province (to find a village's commune, a commune's district). */
  parentOf?: (code: string) => string | null;
  followUp: DeclarationFollowUpPolicy;
  contactFollowUp: DeclaredContactFollowUpPolicy;
}

export interface MatchedArea {
  name: string;
  provinceCode: string;
  /** 3 or 4 for the province's list of outside areas; 'lockdown' for a zone inside the province. */
  level: 3 | 4 | 'lockdown';
}

export type DeclarationTaskKind = 'monitor_arrival' | 'test_arrival' | 'check_symptoms' | 'check_declared_contact';

export interface DeclarationTask {
  kind: DeclarationTaskKind;
  role: 'community_team' | 'health_worker';
  dueHours: number;
}

export interface Assessment {
  risk: 'none' | 'high_risk_area' | 'lockdown';
  areas: MatchedArea[];
  tasks: DeclarationTask[];
}

function ancestorsOf(code: string, parentOf: RiskContext['parentOf']): string[] {
  const out = [code];
  for (let c = parentOf?.(code) ?? null, i = 0; c && i < 6; c = parentOf?.(c) ?? null, i++) out.push(c);
  return out;
}

/** The areas a journey touched, the risk, and the tasks it sets off. */
export function assessDeclaration(d: Pick<DeclarationInput, 'from' | 'places' | 'symptoms' | 'contacts'>, ctx: RiskContext): Assessment {
  const areas: MatchedArea[] = [];
  const add = (a: MatchedArea) => {
    if (!areas.some((x) => x.name === a.name && x.level === a.level)) areas.push(a);
  };
  for (const p of [d.from, ...d.places]) {
    if (p.provinceCode === ctx.provinceCode) {
      if (!p.unitCode) continue;
      const chain = ancestorsOf(p.unitCode, ctx.parentOf);
      if (chain.some((c) => ctx.lockdownUnitCodes.has(c))) add({ name: p.name?.trim() || p.unitCode, provinceCode: p.provinceCode, level: 'lockdown' });
      continue;
    }
    // The highest level listed for the province (whole province, or the declared district).
    const hit = ctx.highRiskAreas
      .filter((a) => a.provinceCode === p.provinceCode && (!a.districtCode || a.districtCode === p.districtCode))
      .sort((a, b) => b.level - a.level)[0];
    if (hit) add({ name: hit.name, provinceCode: hit.provinceCode, level: hit.level });
  }
  const lockdown = areas.some((a) => a.level === 'lockdown');
  const top = Math.max(0, ...areas.map((a) => (a.level === 'lockdown' ? 4 : a.level)));
  const tasks: DeclarationTask[] = [];
  if (lockdown || top >= ctx.followUp.testFromLevel) tasks.push({ kind: 'test_arrival', role: 'community_team', dueHours: ctx.followUp.arrivalDueHours });
  else if (top >= 3) tasks.push({ kind: 'monitor_arrival', role: 'community_team', dueHours: ctx.followUp.arrivalDueHours });
  if (d.symptoms.length > 0) tasks.push({ kind: 'check_symptoms', role: 'health_worker', dueHours: ctx.followUp.symptomsDueHours });
  // One task for the declared contacts, whatever the journey: a contact with a case may be an F1.
  if (d.contacts.length > 0)
    tasks.push({ kind: 'check_declared_contact', role: 'community_team', dueHours: d.contacts.includes('case') ? ctx.contactFollowUp.caseDueHours : ctx.contactFollowUp.otherDueHours });
  return { risk: lockdown ? 'lockdown' : areas.length ? 'high_risk_area' : 'none', areas, tasks };
}
