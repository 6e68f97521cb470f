// Shapes of the zones API (src/server/modules/cases/zones.ts).
export interface Zone {
  id: number;
  name: string;
  kind: 'lockdown' | 'zoned';
  unitCodes: string[];
  unitNames: string[];
  streets: string | null;
  startDate: string;
  lastCaseDate: string | null;
  plannedLiftDate: string;
  liftedDate: string | null;
  status: 'active' | 'lifted';
  reason: string | null;
  version: number;
  residents: number;
}

export interface Resident {
  id: number;
  fullName: string;
  birthDate: string | null;
  phone: string | null;
  address: string | null;
  villageName: string | null;
}

export interface ResidentsPage {
  zone: Zone;
  total: number;
  items: Resident[];
}
