// What waits for whom: a lab's worklist (sealed pools, single specimens, re-tests of positive
// pools' members), follow-ups of positive pools for the commune and the lab.
import type { Queryable } from '../../db/index.ts';
import type { Scope } from '../units/store.ts';
import type { ResultDuePolicy } from '../../../domain/testing/policies.ts';
import { iso, policy, todayInVietnam } from './common.ts';

export interface WorkItem {
  type: 'pool' | 'specimen' | 'retest';
  id: number;
  barcode: string;
  members: number | null;
  subjectName: string | null;
  collectedAt: string;
  waitingHours: number;
  overdue: boolean;
  poolBarcode: string | null;
  followUpId: number | null;
  lastOutcome: 'invalid' | null;
}

export async function labWorklist(q: Queryable, scope: Scope, labId: number, limit: number) {
  const due = await policy<ResultDuePolicy>(q, scope.provinceCode, 'testing.result_due_hours', todayInVietnam());
  const r = await q.query<WorkItem & { collectedAt: string }>(
    `SELECT * FROM (
       SELECT 'pool' AS type, p.id, p.barcode, p.members, NULL::text AS "subjectName",
              (SELECT min(s.collected_at) FROM pool_member pm JOIN specimen s ON s.province_code = pm.province_code AND s.id = pm.specimen_id
                WHERE pm.province_code = p.province_code AND pm.pool_id = p.id) AS "collectedAt",
              NULL::text AS "poolBarcode", NULL::bigint AS "followUpId",
              (SELECT r.outcome FROM test_result r WHERE r.province_code = p.province_code AND r.pool_id = p.id AND r.current) AS "lastOutcome"
         FROM pool p WHERE p.province_code = $1 AND p.lab_id = $2 AND p.status = 'sealed' AND p.unit_path LIKE $3 || '%'
       UNION ALL
       SELECT 'specimen', s.id, s.barcode, NULL, s.subject_name, s.collected_at, NULL, s.follow_up_id,
              (SELECT r.outcome FROM test_result r WHERE r.province_code = s.province_code AND r.specimen_id = s.id AND r.current)
         FROM specimen s WHERE s.province_code = $1 AND s.lab_id = $2 AND s.kind = 'single' AND s.outcome IS NULL AND s.status = 'collected'
          AND (s.unit_path LIKE $3 || '%' OR s.site_path LIKE $3 || '%')
       UNION ALL
       SELECT 'retest', s.id, s.barcode, NULL, s.subject_name, s.collected_at, p.barcode, f.id,
              (SELECT r.outcome FROM test_result r WHERE r.province_code = s.province_code AND r.specimen_id = s.id AND r.current)
         FROM follow_up f JOIN pool p ON p.province_code = f.province_code AND p.id = f.pool_id
         JOIN specimen s ON s.province_code = f.province_code AND s.id = f.specimen_id
        WHERE f.province_code = $1 AND p.lab_id = $2 AND f.action = 'retest' AND f.status = 'pending' AND f.unit_path LIKE $3 || '%'
     ) w ORDER BY (type = 'retest') DESC, "collectedAt" NULLS LAST, id LIMIT $4`,
    [scope.provinceCode, labId, scope.path, limit],
  );
  const now = Date.now();
  const items = r.rows.map((w) => {
    const at = iso(w.collectedAt) ?? new Date().toISOString();
    const hours = (now - Date.parse(at)) / 3_600_000;
    return { ...w, id: Number(w.id), followUpId: w.followUpId == null ? null : Number(w.followUpId), collectedAt: at, waitingHours: Math.round(hours * 10) / 10, overdue: hours > due.value.hours };
  });
  const open = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM pool WHERE province_code = $1 AND lab_id = $2 AND status = 'open' AND unit_path LIKE $3 || '%'`, [scope.provinceCode, labId, scope.path]);
  return {
    dueHours: due.value.hours,
    items,
    counts: {
      pools: items.filter((i) => i.type === 'pool').length,
      specimens: items.filter((i) => i.type === 'specimen').length,
      retests: items.filter((i) => i.type === 'retest').length,
      overdue: items.filter((i) => i.overdue).length,
      openPools: open.rows[0].n,
    },
  };
}

export interface FollowUpRow {
  id: number;
  poolId: number;
  poolBarcode: string;
  specimenId: number;
  barcode: string;
  personId: number | null;
  subjectName: string;
  phone: string | null;
  address: string | null;
  communeCode: string;
  communeName: string | null;
  action: 'resample' | 'retest';
  status: string;
  newSpecimenId: number | null;
  newBarcode: string | null;
  caseId: number | null;
  note: string | null;
  createdAt: string;
  resolvedAt: string | null;
}

export async function listFollowUps(q: Queryable, scope: Scope, f: { poolId?: number; jobId?: number; state?: 'open' | 'done' | 'all'; unitPath?: string; limit: number }) {
  const state = f.state === 'done' ? `f.status IN ('positive', 'negative', 'closed')` : f.state === 'all' ? 'true' : `f.status IN ('pending', 'collected')`;
  const r = await q.query<FollowUpRow>(
    `SELECT f.id, f.pool_id AS "poolId", p.barcode AS "poolBarcode", f.specimen_id AS "specimenId", s.barcode, f.person_id AS "personId", s.subject_name AS "subjectName",
            coalesce(pe.phone, s.subject_phone) AS phone, pe.address, f.commune_code AS "communeCode", cu.name AS "communeName", f.action, f.status,
            f.new_specimen_id AS "newSpecimenId", ns.barcode AS "newBarcode", f.case_id AS "caseId", f.note, f.created_at AS "createdAt", f.resolved_at AS "resolvedAt"
       FROM follow_up f
       JOIN pool p ON p.province_code = f.province_code AND p.id = f.pool_id
       JOIN specimen s ON s.province_code = f.province_code AND s.id = f.specimen_id
       LEFT JOIN person pe ON pe.province_code = f.province_code AND pe.id = f.person_id
       LEFT JOIN admin_unit cu ON cu.province_code = f.province_code AND cu.code = f.commune_code
       LEFT JOIN specimen ns ON ns.province_code = f.province_code AND ns.id = f.new_specimen_id
      WHERE f.province_code = $1 AND f.unit_path LIKE $2 || '%' AND ${state} AND ($3::bigint IS NULL OR f.pool_id = $3)
        AND ($4::bigint IS NULL OR f.source_result_id IN (SELECT r.id FROM test_result r WHERE r.province_code = $1 AND r.import_job_id = $4))
      ORDER BY f.created_at, f.pool_id, f.id LIMIT $5`,
    [scope.provinceCode, f.unitPath ?? scope.path, f.poolId ?? null, f.jobId ?? null, f.limit],
  );
  const n = (v: unknown) => (v == null ? null : Number(v));
  return r.rows.map((x) => ({
    ...x,
    id: Number(x.id),
    poolId: Number(x.poolId),
    specimenId: Number(x.specimenId),
    personId: n(x.personId),
    newSpecimenId: n(x.newSpecimenId),
    caseId: n(x.caseId),
    createdAt: iso(x.createdAt)!,
    resolvedAt: iso(x.resolvedAt),
  }));
}
