// Shapes of the API's answers (see /api/docs).
export type Level = 'province' | 'district' | 'commune' | 'village';

export interface Me {
  id: number;
  username: string;
  fullName: string;
  role: string;
  provinceCode: string;
  unitCode: string;
  unitName: string;
  unitPath: string;
  locale: string;
  csrfToken: string;
  permissions: string[];
}

export interface UnitStats {
  population: number;
  households: number;
  agedUnder18: number;
  aged65Plus: number;
}

export interface Unit extends UnitStats {
  code: string;
  parentCode: string | null;
  level: Level;
  type: string | null;
  name: string;
  path: string;
  depth: number;
  childCount?: number;
  hasBoundary?: boolean;
  /** Set by the unit search: communes of a province can share a name. */
  parentName?: string | null;
}

export interface UnitDetail {
  unit: Unit;
  ancestors: Unit[];
  children: Unit[];
}

export interface UnitFeature {
  type: 'Feature';
  id: string;
  geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon;
  properties: Unit & { bbox?: number[] };
}

export interface UnitMap {
  type: 'FeatureCollection';
  unit: Unit;
  outline: UnitFeature | null;
  features: UnitFeature[];
  withoutBoundary: string[];
}

export interface Person {
  id: number;
  cccd: string | null;
  fullName: string;
  birthDate: string | null;
  sex: 'M' | 'F' | null;
  phone: string | null;
  communeCode: string;
  communeName: string | null;
  villageCode: string | null;
  villageName: string | null;
  householdId: string | null;
  address: string | null;
}

export interface Household {
  householdId: string;
  communeCode: string;
  communeName: string | null;
  villageCode: string | null;
  villageName: string | null;
  address: string | null;
  members: Person[];
}

export interface PeopleSearch {
  kind: 'cccd' | 'phone' | 'name' | null;
  items: Person[];
}

export interface ImportJob {
  id: number | string;
  kind: string;
  filename: string;
  status: 'running' | 'done' | 'failed';
  totalRows: number | null;
  processedRows: number;
  insertedRows: number;
  updatedRows: number;
  unchangedRows: number;
  errorRows: number;
  message: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface PolicyVersion {
  key: string;
  version: number;
  effectiveFrom: string;
  effectiveTo: string | null;
  value: unknown;
  source: string;
  note: string | null;
}

export interface Policy {
  key: string;
  title: { vi: string; en: string };
  schema: unknown;
  current: PolicyVersion | null;
  versions: PolicyVersion[];
}

export interface AuditEntry {
  id: number;
  at: string;
  userId: number | null;
  username: string | null;
  role: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  outcome: string;
  ip: string | null;
  userAgent: string | null;
  details: unknown;
}

export interface AuditPage {
  total: number;
  items: AuditEntry[];
}

export interface UserRow {
  id: number;
  username: string;
  fullName: string;
  role: string;
  unitCode: string;
  unitName: string;
  active: boolean;
  lockedUntil: string | null;
  createdAt: string;
}
