// Shapes of the quarantine API (src/server/modules/cases/orders.ts).
export interface Facility {
  id: number;
  name: string;
  kind: 'centralised' | 'hospital';
  communeCode: string;
  communeName: string | null;
  address: string | null;
  capacity: number;
  occupied: number;
  active: boolean;
}

export type CheckStatus = 'ok' | 'symptoms' | 'absent';

export interface Order {
  id: number;
  personId: number;
  fullName: string;
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  cccd: string | null;
  phone: string | null;
  address: string | null;
  communeCode: string;
  communeName: string | null;
  kind: 'quarantine' | 'isolation';
  place: 'home' | 'centralised' | 'hospital';
  facilityId: number | null;
  facilityName: string | null;
  caseId: number | null;
  contactId: number | null;
  startDate: string;
  endDate: string;
  monitorUntil: string;
  testDays: number[];
  status: 'active' | 'released' | 'cancelled';
  releasedDate: string | null;
  releaseNote: string | null;
  decisionNo: string;
  createdAt: string;
  checks: { day: string; status: CheckStatus; note: string | null }[];
}

export const decisionPdfUrl = (orderId: number) => `/api/quarantine-orders/${orderId}/decision.pdf`;
