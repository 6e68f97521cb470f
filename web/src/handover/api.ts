// Shapes and queries of the hand-overs between communes (src/server/modules/cases/handover.ts).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../lib/api.ts';

export type HandoverStatus = 'pending' | 'accepted' | 'returned';
export const RETURN_REASONS = ['not_resident', 'not_found', 'already_followed', 'wrong_identity', 'other'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/** What the sending side sees: what it recorded, where it went, the answer. */
export interface OutgoingHandover {
  id: number;
  status: HandoverStatus;
  caseId: number;
  contactName: string;
  degree: number;
  exposureDate: string;
  setting: string;
  meetsDefinition: boolean;
  identifiedBy: 'cccd' | 'phone_name_birth' | 'new_person';
  message: string | null;
  fromUnitName: string | null;
  toUnitCode: string;
  toUnitName: string | null;
  toDistrictName: string | null;
  createdAt: string;
  createdByName: string | null;
  answeredAt: string | null;
  answeredByName: string | null;
  returnReason: ReturnReason | null;
  answerNote: string | null;
  resentFrom: number | null;
  resent: boolean;
  caseVisible: boolean;
}

/** What the receiving commune sees: the above, the exposure in full and the person of its registry. */
export interface IncomingHandover extends OutgoingHandover {
  contactId: number | null;
  personId: number | null;
  fullName: string | null;
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  phone: string | null;
  address: string | null;
  villageName: string | null;
  communeName: string | null;
  proximity: string | null;
  durationMinutes: number | null;
  masked: boolean | null;
  contactStatus: string | null;
  orderId: number | null;
  orderEndDate: string | null;
}

export type Box = 'in' | 'out';
export interface HandoverCounts {
  pending: number;
  accepted: number;
  returned: number;
}

export const useHandovers = <B extends Box>(box: B, status: HandoverStatus | null) =>
  useQuery({
    queryKey: ['handovers', box, status],
    queryFn: ({ signal }) =>
      api<{ items: (B extends 'in' ? IncomingHandover : OutgoingHandover)[]; counts: HandoverCounts }>('/handovers', { query: { box, status }, signal }),
    placeholderData: keepPreviousData,
    staleTime: 15_000,
    refetchInterval: 60_000,
  });

export interface IdentityLookup {
  found: boolean;
  ambiguous?: boolean;
  inJurisdiction?: boolean;
  commune?: { code: string; name: string; districtName: string | null };
}

export interface OtherUnit {
  code: string;
  name: string;
  level: 'commune' | 'village';
  parentName: string | null;
}
