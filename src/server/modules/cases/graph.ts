// Transmission-chain graph data and cluster proposals, scoped to the caller's jurisdiction.
// The graph goes out columnar (arrays per attribute, edges as index pairs): a 20,000-case /
// 100,000-contact outbreak is a few MB of JSON instead of tens.
import type { Queryable } from '../../db/index.ts';
import type { Scope } from '../units/store.ts';
import { proposeClusters, type ClusterCase, type ClusterEdge } from '../../../domain/cases/clusters.ts';

export interface GraphFilter {
  unitPath?: string;
  from?: string;
  to?: string;
  limit: number;
}

export interface GraphPayload {
  person: number[];
  name: string[];
  degree: number[];
  status: string[];
  commune: string[];
  date: string[];
  cluster: (number | null)[];
  edges: number[];
  truncated: boolean;
}

const pathIn = (scope: Scope, unitPath?: string) => (unitPath && unitPath.startsWith(scope.path) ? unitPath : scope.path);

export async function graphData(q: Queryable, scope: Scope, f: GraphFilter): Promise<GraphPayload> {
  const path = pathIn(scope, f.unitPath);
  const cases = await q.query<{ personId: number; name: string; status: string; commune: string; date: string; cluster: number | null; id: number }>(
    `SELECT c.id, c.person_id AS "personId", p.full_name AS name, c.status, c.commune_code AS commune, c.report_date AS date,
            (SELECT min(cc.cluster_id) FROM cluster_case cc WHERE cc.province_code = c.province_code AND cc.case_id = c.id) AS cluster
       FROM case_record c JOIN person p ON p.province_code = c.province_code AND p.id = c.person_id
      WHERE c.province_code = $1 AND c.unit_path LIKE $2 || '%' AND c.status <> 'discarded'
        AND ($3::date IS NULL OR c.report_date >= $3) AND ($4::date IS NULL OR c.report_date <= $4)
      ORDER BY c.report_date, c.id LIMIT $5`,
    [scope.provinceCode, path, f.from ?? null, f.to ?? null, f.limit],
  );
  const out: GraphPayload = { person: [], name: [], degree: [], status: [], commune: [], date: [], cluster: [], edges: [], truncated: cases.rows.length >= f.limit };
  const index = new Map<number, number>();
  const add = (personId: number, name: string, degree: number, status: string, commune: string, date: string, cluster: number | null) => {
    index.set(personId, out.person.length);
    out.person.push(personId);
    out.name.push(name);
    out.degree.push(degree);
    out.status.push(status);
    out.commune.push(commune);
    out.date.push(date);
    out.cluster.push(cluster);
  };
  for (const c of cases.rows) if (!index.has(Number(c.personId))) add(Number(c.personId), c.name, 0, c.status, c.commune, c.date, c.cluster == null ? null : Number(c.cluster));
  if (!cases.rows.length) return out;
  // Contacts in the chains of those cases (their residence also inside the jurisdiction).
  const contacts = await q.query<{ personId: number; sourcePersonId: number; name: string; degree: number; status: string; commune: string; date: string }>(
    `SELECT k.person_id AS "personId", k.source_person_id AS "sourcePersonId", p.full_name AS name, k.degree, k.status, k.commune_code AS commune, k.exposure_date AS date
       FROM contact k JOIN person p ON p.province_code = k.province_code AND p.id = k.person_id
      WHERE k.province_code = $1 AND k.root_case_id = ANY($2::bigint[]) AND k.unit_path LIKE $3 || '%' AND k.status <> 'rejected'
      ORDER BY k.degree, k.id LIMIT $4`,
    [scope.provinceCode, cases.rows.map((c) => c.id), scope.path, f.limit * 8],
  );
  for (const k of contacts.rows) if (!index.has(Number(k.personId))) add(Number(k.personId), k.name, k.degree, k.status, k.commune, k.date, null);
  for (const k of contacts.rows) {
    const s = index.get(Number(k.sourcePersonId));
    const t = index.get(Number(k.personId));
    if (s !== undefined && t !== undefined && s !== t) out.edges.push(s, t);
  }
  return out;
}

export async function clusterProposals(q: Queryable, scope: Scope, f: { from?: string; to?: string; windowDays: number }) {
  const cases = await q.query<ClusterCase & { communeCode: string }>(
    `SELECT c.id, c.person_id AS "personId", c.report_date AS "reportDate", p.household_id AS "householdId", c.commune_code AS "communeCode"
       FROM case_record c JOIN person p ON p.province_code = c.province_code AND p.id = c.person_id
      WHERE c.province_code = $1 AND c.unit_path LIKE $2 || '%' AND c.status <> 'discarded'
        AND ($3::date IS NULL OR c.report_date >= $3) AND ($4::date IS NULL OR c.report_date <= $4)
        AND NOT EXISTS (SELECT 1 FROM cluster_case cc JOIN cluster cl ON cl.province_code = cc.province_code AND cl.id = cc.cluster_id
                         WHERE cc.province_code = c.province_code AND cc.case_id = c.id AND cl.status = 'active')`,
    [scope.provinceCode, scope.path, f.from ?? null, f.to ?? null],
  );
  const edges = await q.query<ClusterEdge>(
    `SELECT k.source_person_id AS "sourcePersonId", k.person_id AS "personId" FROM contact k
      WHERE k.province_code = $1 AND k.unit_path LIKE $2 || '%' AND k.status <> 'rejected'
        AND ($3::date IS NULL OR k.exposure_date >= $3::date - 14) AND ($4::date IS NULL OR k.exposure_date <= $4)`,
    [scope.provinceCode, scope.path, f.from ?? null, f.to ?? null],
  );
  const rows = cases.rows.map((c) => ({ ...c, id: Number(c.id), personId: Number(c.personId) }));
  const proposals = proposeClusters(
    rows,
    edges.rows.map((e) => ({ sourcePersonId: Number(e.sourcePersonId), personId: Number(e.personId) })),
    { windowDays: f.windowDays },
  );
  const byId = new Map(rows.map((c) => [c.id, c]));
  return proposals.map((p) => ({ ...p, communes: [...new Set(p.caseIds.map((id) => byId.get(id)!.communeCode))] }));
}
