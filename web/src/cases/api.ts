// Types and queries of the case area, as the server sends them (src/server/modules/cases).
import { useQuery, keepPreviousData } from '@tanstack/react-query';
import { api } from '../lib/api.ts';
import type { HandoverStatus, OutgoingHandover } from '../handover/api.ts';

export type CaseStatus = 'confirmed' | 'recovered' | 'died' | 'transferred' | 'discarded';

export interface CaseRecord {
  id: number;
  personId: number;
  fullName: string;
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  phone: string | null;
  householdId: string | null;
  communeCode: string;
  communeName: string | null;
  status: CaseStatus;
  basis: string;
  reportedVia: string;
  definitionVersion: number;
  reportDate: string;
  onsetDate: string | null;
  sampleDate: string | null;
  detectedIn: 'community' | 'quarantine';
  vaccinationStatus: string;
  lastDoseDate: string | null;
  comorbidities: string[];
  pregnant: boolean;
  severity: string;
  outcomeDate: string | null;
  placeDetected: string | null;
  notes: string | null;
  fromContactId: number | null;
  version: number;
}

export interface Contact {
  id: number;
  personId: number;
  fullName: string;
  birthDate: string | null;
  phone: string | null;
  communeName: string | null;
  sourcePersonId: number;
  sourceName: string | null;
  sourceContactId: number | null;
  rootCaseId: number;
  degree: number;
  exposureDate: string;
  setting: string;
  proximity: string;
  durationMinutes: number | null;
  masked: boolean | null;
  meetsDefinition: boolean;
  source: string;
  status: 'proposed' | 'traced' | 'rejected' | 'became_case';
  note: string | null;
  caseId: number | null;
  orderId: number | null;
  orderEndDate: string | null;
}

export interface Order {
  id: number;
  personId: number;
  fullName: string;
  kind: 'quarantine' | 'isolation';
  place: 'home' | 'centralised' | 'hospital';
  facilityName: string | null;
  startDate: string;
  endDate: string;
  monitorUntil: string;
  testDays: number[];
  policyKey: string;
  policyVersion: number;
  rule: string;
  status: string;
  decisionNo: string;
}

export interface CaseEvent {
  id: number;
  at: string;
  username: string | null;
  kind: string;
  changes: Record<string, unknown> | null;
}

export interface CaseDetail {
  case: CaseRecord;
  events: CaseEvent[];
  contacts: Contact[];
  householdProposals: { id: number; fullName: string; birthDate: string | null; sex: string | null; phone: string | null }[];
  orders: Order[];
  /** Contacts living in other communes, handed over to them: what was recorded and the answer (their record is not shown). */
  handovers: OutgoingHandover[];
  clusters: { id: number; name: string; status: string }[];
}

/** A contact just recorded; a handed-over one comes without the person's registry id. */
export interface AddedContact {
  id: number;
  personId?: number;
  degree: number;
  meetsDefinition: boolean;
  handover?: { id: number; status: HandoverStatus; toUnitCode: string; toUnitName: string; replayed?: boolean };
}

export interface CaseFilter {
  status?: string | null;
  from?: string | null;
  to?: string | null;
  unit?: string | null;
  offset: number;
}

export const PAGE = 50;

export const useCases = (f: CaseFilter) =>
  useQuery({
    queryKey: ['cases', f],
    queryFn: ({ signal }) => api<{ items: CaseRecord[]; total: number }>('/cases', { query: { status: f.status, from: f.from, to: f.to, unit: f.unit, limit: PAGE, offset: f.offset }, signal }),
    placeholderData: keepPreviousData,
  });

export const useCase = (id: string) => useQuery({ queryKey: ['case', id], queryFn: ({ signal }) => api<CaseDetail>(`/cases/${encodeURIComponent(id)}`, { signal }) });

export interface ContactBody {
  personId: number;
  exposureDate: string;
  setting: string;
  proximity: string;
  durationMinutes?: number | null;
  masked?: boolean | null;
  source?: string;
}

export const SETTINGS = ['household', 'workplace', 'venue', 'transport', 'health_facility', 'school', 'other'] as const;
export const PROXIMITIES = ['physical', 'within_2m', 'same_closed_space', 'care_without_ppe', 'farther'] as const;
export const SEVERITIES = ['asymptomatic', 'mild', 'moderate', 'severe', 'critical'] as const;
export const STATUSES: CaseStatus[] = ['confirmed', 'recovered', 'died', 'transferred', 'discarded'];
export const VACCINATION = ['unknown', 'none', 'partial', 'full', 'booster'] as const;

export const statusColor: Record<string, string> = { confirmed: 'red', recovered: 'green', died: 'dark', transferred: 'violet', discarded: 'gray' };
