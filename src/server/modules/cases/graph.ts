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
  /** Names, parallel to person — only for graphs of up to GRAPH_NAMES_INLINE people (see personNames). */
  name?: string[];
  degree: number[];
  status: string[];
  commune: string[];
  date: string[];
  cluster: (number | null)[];
  edges: number[];
  truncated: boolean;
}

const pathIn = (scope: Scope, unitPath?: string) => (unitPath && unitPath.startsWith(scope.path) ? unitPath : scope.path);

/** Up to this many people the names come with the graph; above it the browser asks for the names it shows. */
export const GRAPH_NAMES_INLINE = 5_000;

interface CaseColumns {
  person: number[] | null;
  status: string[];
  commune: string[];
  date: number[];
  cluster: (number | null)[];
}
interface ContactColumns {
  person: number[] | null;
  source: number[];
  degree: number[];
  status: string[];
  commune: string[];
  date: number[];
}

/**
 * The cases of the area and the contacts of their chains. The database sends each as one row of
 * JSON arrays (parsing 120,000 rows one by one costs more than the query); nodes are merged here:
 * a person appears once, as a case when they are one, else at their closest degree.
 */
export async function graphData(q: Queryable, scope: Scope, f: GraphFilter): Promise<GraphPayload> {
  const path = pathIn(scope, f.unitPath);
  const args = [scope.provinceCode, path, f.from ?? null, f.to ?? null, f.limit];
  const cases = `SELECT c.id, c.person_id, c.status, c.commune_code, c.report_date
       FROM case_record c
      WHERE c.province_code = $1 AND c.unit_path LIKE $2 || '%' AND c.status <> 'discarded'
        AND ($3::date IS NULL OR c.report_date >= $3) AND ($4::date IS NULL OR c.report_date <= $4)
      ORDER BY c.report_date, c.id LIMIT $5`;
  // Two statements the database can run side by side (PostgreSQL: two connections, two cores).
  const [cr, kr] = await Promise.all([
    q.query<{ cases: string; n: number }>(
      `WITH cs AS (${cases})
       SELECT json_build_object('person', json_agg(cs.person_id), 'status', json_agg(cs.status), 'commune', json_agg(cs.commune_code),
                                'date', json_agg(cs.report_date - DATE '2000-01-01'), 'cluster', json_agg(cl.cluster))::text AS cases, count(*)::int AS n
         FROM cs LEFT JOIN (SELECT case_id, min(cluster_id) AS cluster FROM cluster_case WHERE province_code = $1 GROUP BY case_id) cl ON cl.case_id = cs.id`,
      args,
    ),
    q.query<{ contacts: string }>(
      `WITH cs AS (${cases})
       SELECT json_build_object('person', json_agg(k.person_id), 'source', json_agg(k.source_person_id), 'degree', json_agg(k.degree),
                                'status', json_agg(k.status), 'commune', json_agg(k.commune_code), 'date', json_agg(k.exposure_date - DATE '2000-01-01'))::text AS contacts
         FROM contact k JOIN cs ON cs.id = k.root_case_id
        WHERE k.province_code = $1 AND k.unit_path LIKE $6 || '%' AND k.status <> 'rejected'`,
      [...args, scope.path],
    ),
  ]);
  const cs = JSON.parse(cr.rows[0].cases) as CaseColumns;
  const ks = JSON.parse(kr.rows[0].contacts) as ContactColumns;
  // Dates come as day numbers from 2000-01-01 (an outbreak spans a few dozen distinct days).
  const days = new Map<number, string>();
  const day = (n: number) => {
    let d = days.get(n);
    if (d === undefined) days.set(n, (d = new Date(Date.UTC(2000, 0, 1 + n)).toISOString().slice(0, 10)));
    return d;
  };
  const out: GraphPayload = { person: [], degree: [], status: [], commune: [], date: [], cluster: [], edges: [], truncated: Number(cr.rows[0].n) >= f.limit };
  const index = new Map<number, number>();
  const cp = cs.person ?? [];
  for (let i = 0; i < cp.length; i++) {
    if (index.has(cp[i])) continue;
    index.set(cp[i], out.person.length);
    out.person.push(cp[i]);
    out.degree.push(0);
    out.status.push(cs.status[i]);
    out.commune.push(cs.commune[i]);
    out.date.push(day(cs.date[i]));
    out.cluster.push(cs.cluster[i]);
  }
  const kp = ks.person ?? [];
  for (let i = 0; i < kp.length; i++) {
    const at = index.get(kp[i]);
    if (at === undefined) {
      index.set(kp[i], out.person.length);
      out.person.push(kp[i]);
      out.degree.push(ks.degree[i]);
      out.status.push(ks.status[i]);
      out.commune.push(ks.commune[i]);
      out.date.push(day(ks.date[i]));
      out.cluster.push(null);
    } else if (out.degree[at] > ks.degree[i]) {
      out.degree[at] = ks.degree[i];
      out.status[at] = ks.status[i];
      out.date[at] = day(ks.date[i]);
    }
  }
  const edges = new Array<number>(kp.length * 2);
  let e = 0;
  for (let i = 0; i < kp.length; i++) {
    const s = index.get(ks.source[i]);
    const t = index.get(kp[i]);
    if (s !== undefined && t !== undefined && s !== t) {
      edges[e++] = s;
      edges[e++] = t;
    }
  }
  edges.length = e;
  out.edges = edges;
  if (out.person.length <= GRAPH_NAMES_INLINE) {
    const names = await personNames(q, scope, out.person);
    out.name = out.person.map((p) => names.get(p) ?? '');
  }
  return out;
}

/** Names of people of the jurisdiction (for the graph's labels); unknown or outside ids are left out. */
export async function personNames(q: Queryable, scope: Scope, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const r = await q.query<{ id: number; name: string }>(
    `SELECT id, full_name AS name FROM person WHERE province_code = $1 AND id = ANY($2::bigint[]) AND unit_path LIKE $3 || '%'`,
    [scope.provinceCode, ids, scope.path],
  );
  return new Map(r.rows.map((x) => [Number(x.id), x.name]));
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
