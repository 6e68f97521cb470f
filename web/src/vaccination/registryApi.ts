// Types and queries of the vaccination registry, as the server sends them
// (src/server/modules/vaccination/registryRoutes.ts).
import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { api, ApiError } from '../lib/api.ts';
import { formatDate } from '../lib/format.ts';

export const DOSE_KINDS = ['primary_1', 'primary_2', 'primary_3', 'additional', 'booster_1', 'booster_2'] as const;
export type DoseKind = (typeof DOSE_KINDS)[number];
export type ScheduleState = 'not_eligible' | 'too_early' | 'due' | 'overdue' | 'complete' | 'contraindicated' | 'deferred';
export const PRIORITY_GROUPS = ['frontline', 'diplomatic_customs', 'essential_services', 'teachers_officials', 'chronic_or_over_65', 'outbreak_area', 'poor_policy', 'other_named'] as const;
export const AE_STATUSES = ['open', 'recovered', 'hospitalised', 'sequelae', 'died'] as const;
export type AeStatus = (typeof AE_STATUSES)[number];

export interface Product {
  code: string;
  name: string;
  primaryDoses: number;
  primaryIntervals: { minDays: number; maxDays?: number }[];
  minAge: number;
  maxAge?: number;
  mixPrimary: boolean;
  booster: boolean;
}

export interface Lot {
  id: number;
  productCode: string;
  lotNumber: string;
  expiryDate: string | null;
}

export interface ProductsInForce {
  date: string;
  products: Product[];
  lots: Lot[];
  policy: { products: { version: number; effectiveFrom: string; source: string } | null; boosters: { version: number; effectiveFrom: string; source: string } | null };
}

export interface ScheduleStatus {
  state: ScheduleState;
  nextKind: DoseKind | null;
  dueOn: string | null;
  overdueAfter: string | null;
  reason: string | null;
  fullyVaccinatedOn: string | null;
}

export interface Dose {
  id: number;
  personId: number;
  kind: DoseKind;
  productCode: string;
  lotId: number;
  lotNumber: string | null;
  givenOn: string;
  siteName: string | null;
  siteUnitCode: string | null;
  siteUnitName: string | null;
  vaccinator: string | null;
  overrideReason: string | null;
  flagged: boolean;
  source: string;
}

export interface Profile {
  priorityGroup: (typeof PRIORITY_GROUPS)[number] | null;
  comorbidity: boolean;
  bedridden: boolean;
  immunocompromised: boolean;
  deferral: 'contraindicated' | 'deferred' | null;
  deferralReason: string | null;
  deferralOn: string | null;
  deferralUntil: string | null;
  updatedAt: string | null;
}

export interface AdverseEvent {
  id: number;
  doseId: number;
  onsetAt: string;
  severity: 'mild' | 'serious';
  description: string;
  status: AeStatus;
  followUps: { id: number; at: string; status: AeStatus; note: string | null }[];
}

export interface VaccinationRecord {
  on: string;
  person: { id: number; fullName: string; birthDate: string | null; sex: string | null; cccd: string | null; communeName: string | null; address: string | null };
  profile: Profile;
  doses: Dose[];
  status: ScheduleStatus;
  adverseEvents: AdverseEvent[];
}

export interface DoseBody {
  personId: number;
  kind: DoseKind;
  lotId: number;
  givenOn: string;
  siteName?: string | null;
  vaccinator?: string | null;
  overrideReason?: string | null;
}

export const useProducts = (date: string) =>
  useQuery({ queryKey: ['vaccination', 'products', date], queryFn: ({ signal }) => api<ProductsInForce>('/vaccination/products', { query: { date }, signal }), staleTime: 60_000 });

export const useVaccinationRecord = (personId: number | null) =>
  useQuery({
    queryKey: ['vaccination', 'record', personId],
    queryFn: ({ signal }) => api<VaccinationRecord>(`/vaccination/people/${personId}`, { signal }),
    enabled: personId != null,
  });

export const recordDose = (body: DoseBody) => api<{ dose: Dose; flagged: boolean; status: ScheduleStatus }>('/vaccination/doses', { method: 'POST', body });
export const saveProfile = (personId: number, body: Omit<Profile, 'updatedAt'>) => api<Profile>(`/vaccination/people/${personId}/profile`, { method: 'PUT', body });
export const reportAdverseEvent = (doseId: number, body: { onsetAt: string; severity: 'mild' | 'serious'; description: string }) =>
  api<AdverseEvent>(`/vaccination/doses/${doseId}/adverse-events`, { method: 'POST', body });
export const followUpAdverseEvent = (id: number, body: { status: AeStatus; note?: string | null }) => api<AdverseEvent>(`/vaccination/adverse-events/${id}/follow-ups`, { method: 'POST', body });

export const stateColor: Record<ScheduleState, string> = {
  not_eligible: 'gray',
  too_early: 'blue',
  due: 'orange',
  overdue: 'red',
  complete: 'green',
  contraindicated: 'grape',
  deferred: 'yellow',
};

/** The API's field errors as sentences of this area, by field (the dates formatted day first). */
export function registryFieldErrors(err: unknown, t: TFunction): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError)) return out;
  for (const f of err.fields) {
    const param = f.message && /^\d{4}-\d{2}-\d{2}$/.test(f.message) ? formatDate(f.message) : f.message;
    const text = t(`vaccRegistry.errors.${f.code}`, { defaultValue: f.message ?? f.code, date: param, detail: param });
    out[f.field] = out[f.field] ? `${out[f.field]}; ${text}` : text;
  }
  return out;
}
