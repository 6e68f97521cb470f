// Queries and types of the check-in area (server: src/server/modules/checkins/routes.ts).
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api.ts';

export type VenueStatus = 'pending' | 'approved' | 'rejected' | 'revoked';
export const VENUE_KINDS = ['market', 'shop', 'restaurant', 'office', 'factory', 'school', 'health_facility', 'religious', 'transport', 'accommodation', 'other'] as const;

export interface Venue {
  id: number;
  code: string;
  name: string;
  kind: (typeof VENUE_KINDS)[number];
  address: string;
  communeCode: string;
  communeName: string;
  districtName: string | null;
  ownerName: string;
  ownerPhone: string;
  ownerEmail: string | null;
  status: VenueStatus;
  statusReason: string | null;
  createdAt: string;
  checkinsLastDay: number;
  url: string;
}

export interface Suggestion {
  id: number;
  caseId: number;
  caseName: string;
  fullName: string;
  phone: string | null;
  cccd: string | null;
  personId: number | null;
  venueId: number;
  venueName: string;
  venueAddress: string;
  caseAt: string;
  contactAt: string;
  gapMinutes: number;
  visits: number;
  status: 'suggested' | 'accepted' | 'rejected';
  reason: string | null;
  contactId: number | null;
  alreadyContact: boolean;
}

export interface MatchSummary {
  caseVisits: number;
  suggestions: number;
  windowMinutes: number;
  range: { from: string; to: string };
}

export function useVenues(status: string | null, q: string) {
  return useQuery({
    queryKey: ['venues', status, q],
    queryFn: () => api<{ items: Venue[]; total: number }>('/venues', { query: { status: status ?? undefined, q: q || undefined, limit: 200 } }),
  });
}

export function useExposures(status: string) {
  return useQuery({ queryKey: ['exposures', status], queryFn: () => api<{ items: Suggestion[]; refreshed: number }>('/checkins/exposures', { query: { status } }) });
}

export function useCaseExposures(caseId: number) {
  return useQuery({ queryKey: ['case-exposures', caseId], queryFn: () => api<{ match: MatchSummary; items: Suggestion[] }>(`/checkins/cases/${caseId}/exposures`) });
}

export interface PublicUnit {
  code: string;
  name: string;
  level: 'district' | 'commune';
  parentCode: string | null;
}

export function usePublicUnits(province: string | null) {
  return useQuery({
    queryKey: ['public-units', province],
    enabled: !!province,
    staleTime: 3_600_000,
    queryFn: () => api<{ items: PublicUnit[] }>('/venues/public/units', { query: { province } }),
  });
}

export function newRequestId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
