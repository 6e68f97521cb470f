// Shapes the declaration and checkpoint API sends (src/server/modules/checkpoints), and the area's
// error wording: `checkpoints.errors.<code>` first, then the testing area's and the app's.
import type { TFunction } from 'i18next';
import { ApiError } from '../lib/api.ts';
import { errorText as testingErrorText } from '../testing/shared.ts';

export function errorText(t: TFunction, code: string, message?: string): string {
  return t(`checkpoints.errors.${code}`, { max: message, defaultValue: testingErrorText(t, code, message) });
}

/** Per-field messages; a nested field ("from.unitCode") is also reported on its parent. */
export function fieldErrors(err: unknown, t: TFunction): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError)) return out;
  for (const f of err.fields) {
    let field = f.field;
    const text = errorText(t, f.code, f.message);
    for (;;) {
      out[field] ??= text;
      if (!field.includes('.')) break;
      field = field.replace(/\.[^.]+$/, '');
    }
  }
  return out;
}

export function errorMessage(err: unknown, t: TFunction): string {
  if (err instanceof ApiError) {
    const f = err.fields[0];
    if (f) return errorText(t, f.code, f.message ?? err.message);
    return t(`checkpoints.errors.${err.code}`, { defaultValue: err.message });
  }
  return err instanceof Error ? err.message : t('app.error');
}

export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const a = new Uint32Array(4);
  crypto.getRandomValues(a);
  return Array.from(a, (x) => x.toString(16).padStart(8, '0')).join('-');
}

export interface DeclarationForm {
  provinceCode: string;
  provinceName: string;
  districts: { code: string; name: string; communes: { code: string; name: string }[] }[];
}

export interface Declaration {
  id: number;
  kind: 'arrival' | 'domestic';
  fullName: string;
  birthDate: string;
  sex: 'M' | 'F';
  nationality: string;
  cccd: string | null;
  passport: string | null;
  phone: string;
  address: string;
  personId: number | null;
  destinationCommuneCode: string;
  destinationCommuneName: string | null;
  destinationAddress: string | null;
  arrivalDate: string;
  fromProvinceCode: string;
  fromName: string | null;
  transport: string | null;
  places: { provinceCode: string; unitCode?: string | null; name?: string | null }[];
  symptoms: string[];
  contacts: string[];
  risk: 'none' | 'high_risk_area' | 'lockdown';
  riskAreas: { name: string; level: 3 | 4 | 'lockdown' }[];
  effects: ('monitor_arrival' | 'test_arrival' | 'check_symptoms' | 'check_declared_contact')[];
  declaredAt: string;
}

export interface DeclarationList {
  total: number;
  withRisk: number;
  withSymptoms: number;
  items: Declaration[];
}

export type Decision = 'allowed' | 'tested' | 'turned_back' | 'held';
export type TestStatus = 'valid_negative' | 'positive' | 'expired' | 'none';

export interface Checkpoint {
  id: number;
  name: string;
  kind: 'road' | 'border_gate';
  communeCode: string;
  communeName: string | null;
  districtName: string | null;
  road: string | null;
  active: boolean;
  today: { in: number; out: number; tested: number; held: number };
}

export interface GreenPass {
  id: number;
  code: string;
  vehiclePlate: string;
  holder: string;
  cargo: string | null;
  route: string | null;
  validFrom: string;
  validTo: string;
  status: 'active' | 'revoked';
  state: 'valid' | 'not_yet' | 'expired' | 'revoked' | 'none';
}

export interface Lookup {
  person: { id: number; fullName: string; birthYear: number | null; communeName: string | null; cccd: string } | null;
  tests: {
    status: TestStatus;
    validUntil: string | null;
    hours: number;
    result: { kind: 'pcr' | 'pcr_pool' | 'rapid'; outcome: 'positive' | 'negative'; resultAt: string; subjectName: string; vehiclePlate: string | null; place: string | null } | null;
  };
  testStatus: TestStatus;
  vaccination: { state: string; doses: number; fullyVaccinatedOn: string | null; lastDoseOn: string | null } | null;
  greenPass: GreenPass | null;
  advice: { in: Decision; out: Decision };
  recent: { checkpointName: string; passedAt: string; direction: 'in' | 'out'; decision: Decision }[];
}

export interface Passage {
  id: number;
  checkpointName: string;
  passedAt: string;
  direction: 'in' | 'out';
  fullName: string;
  vehiclePlate: string | null;
  testStatus: TestStatus;
  decision: Decision;
  greenPassCode: string | null;
}

export interface Daily {
  from: string;
  to: string;
  checkpoints: { id: number; name: string; kind: 'road' | 'border_gate' }[];
  rows: { day: string; checkpointId: number; in: number; out: number; tested: number; held: number; turnedBack: number }[];
  total: { day: string; in: number; out: number; tested: number; held: number; turnedBack: number }[];
}

export const testColor: Record<TestStatus, string> = { valid_negative: 'green', positive: 'red', expired: 'orange', none: 'gray' };
export const decisionColor: Record<Decision, string> = { allowed: 'green', tested: 'blue', held: 'red', turned_back: 'orange' };
