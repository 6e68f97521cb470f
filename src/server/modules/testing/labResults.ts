// Results: one by one or from an import, for single specimens and pools. Each batch is applied
// set-wise in one transaction: barcodes resolved (unknown, never collected, pooled specimens
// refused row by row), compared with the current result (same: unchanged; after an invalid
// run: replaces it; different: held as a conflict for review), then the effects: a negative pool
// clears its members, a positive pool opens a follow-up for each member (a re-sampling task for
// the commune, or a re-test on the lab's worklist), a positive individual result creates or
// updates the person's case through the case area, and the daily figures are recomputed.
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError, notFound } from '../../errors.ts';
import { audit } from '../../plugins/audit.ts';
import type { Scope } from '../units/store.ts';
import { createCase, noteCaseEvidence } from '../cases/service.ts';
import { openCaseOfPerson } from '../cases/store.ts';
import { listOrders } from '../cases/orders.ts';
import { addTracedPerson } from '../cases/tracedPerson.ts';
import { compareResult, type Outcome, type PcrInterpretation } from '../../../domain/testing/results.ts';
import { followUpAction, nextFollowUpState, type FollowUpState } from '../../../domain/testing/followUp.ts';
import type { FollowUpDuePolicy } from '../../../domain/testing/policies.ts';
import { dayInVietnam, iso, policy, provinceScope, savepoint, todayInVietnam, type Actor } from './common.ts';
import { refreshDaily, refreshLabDaily, type DayLab, type DayUnit } from './aggregates.ts';
import { createTestingTask } from './tasks.ts';

export interface ResultContext {
  scope: Scope;
  actor: Actor;
  req: FastifyRequest | null;
  labId: number;
  source: 'manual' | 'import';
  jobId: number | null;
  /** testing.pcr_interpretation version the outcomes were read with. */
  policyVersion: number | null;
  /** An import collects the days and units it touched and recomputes the daily figures once at its end. */
  deferAggregates?: { units: DayUnit[]; labs: DayLab[] };
}

export interface IncomingResult {
  barcode: string;
  outcome: Outcome;
  ct: number | null;
  testedAt: string | null;
  rowNumbers?: number[];
}

export type ResultStatus = 'inserted' | 'replaced' | 'unchanged' | 'conflict' | 'error';

export interface ResultEffects {
  followUps?: number;
  followUpId?: number;
  followUpState?: FollowUpState;
  caseId?: number;
  caseAction?: 'created' | 'noted' | 'unregistered' | 'failed';
  caseError?: string;
  /** The person tested was not in the registry: found by their CCCD, or added to it for the case. */
  personRegistered?: 'found' | 'added';
}

export interface AppliedResult {
  barcode: string;
  status: ResultStatus;
  issue?: string;
  target?: { type: 'specimen' | 'pool'; id: number };
  resultId?: number;
  conflictId?: number;
  outcome?: Outcome;
  effects: ResultEffects;
  rowNumbers?: number[];
}

interface Resolved {
  i: number;
  barcode: string;
  barcodeKind: 'specimen' | 'pool' | 'reserved' | null;
  specimenId: number | null;
  specimenStatus: string | null;
  specimenVisible: boolean | null;
  personId: number | null;
  collectedAt: string | null;
  collectedOn: string | null;
  followUpId: number | null;
  inPool: number | null;
  poolId: number | null;
  poolStatus: string | null;
  poolMembers: number | null;
  poolVisible: boolean | null;
  retestId: number | null;
  retestStatus: FollowUpState | null;
  currentId: number | null;
  currentOutcome: Outcome | null;
  currentCt: number | null;
  unitPath: string | null;
}

async function resolve(q: Queryable, scope: Scope, barcodes: string[]): Promise<Resolved[]> {
  // One writer per sample at a time: the barcode rows are locked in a fixed order.
  await q.query(`SELECT 1 FROM test_barcode WHERE province_code = $1 AND barcode = ANY($2::text[]) ORDER BY barcode FOR UPDATE`, [scope.provinceCode, barcodes]);
  const r = await q.query<Resolved>(
    `SELECT x.i::int AS i, x.barcode, b.kind AS "barcodeKind",
            s.id AS "specimenId", s.status AS "specimenStatus", (s.unit_path LIKE $3 || '%' OR s.site_path LIKE $3 || '%') AS "specimenVisible",
            s.person_id AS "personId", s.collected_at AS "collectedAt", s.collected_on AS "collectedOn", s.follow_up_id AS "followUpId", pm.pool_id AS "inPool",
            p.id AS "poolId", p.status AS "poolStatus", p.members AS "poolMembers", (p.unit_path LIKE $3 || '%') AS "poolVisible",
            rt.id AS "retestId", rt.status AS "retestStatus",
            coalesce(rs.id, rp.id) AS "currentId", coalesce(rs.outcome, rp.outcome) AS "currentOutcome", coalesce(rs.ct, rp.ct) AS "currentCt",
            coalesce(s.unit_path, p.unit_path) AS "unitPath"
       FROM unnest($2::text[]) WITH ORDINALITY AS x(barcode, i)
       LEFT JOIN test_barcode b ON b.province_code = $1 AND b.barcode = x.barcode
       LEFT JOIN specimen s ON b.kind = 'specimen' AND s.province_code = $1 AND s.barcode = x.barcode
       LEFT JOIN pool_member pm ON pm.province_code = $1 AND pm.specimen_id = s.id
       LEFT JOIN pool p ON b.kind = 'pool' AND p.province_code = $1 AND p.barcode = x.barcode
       LEFT JOIN follow_up rt ON rt.province_code = $1 AND rt.specimen_id = s.id AND rt.action = 'retest'
       LEFT JOIN test_result rs ON rs.province_code = $1 AND rs.current AND rs.specimen_id = s.id
       LEFT JOIN test_result rp ON rp.province_code = $1 AND rp.current AND rp.pool_id = p.id
      ORDER BY x.i`,
    [scope.provinceCode, barcodes, scope.path],
  );
  const n = (v: unknown) => (v == null ? null : Number(v));
  return r.rows.map((x) => ({
    ...x,
    specimenId: n(x.specimenId),
    personId: n(x.personId),
    followUpId: n(x.followUpId),
    inPool: n(x.inPool),
    poolId: n(x.poolId),
    retestId: n(x.retestId),
    currentId: n(x.currentId),
    collectedAt: iso(x.collectedAt),
  }));
}

interface Insert {
  index: number;
  specimenId: number | null;
  poolId: number | null;
  outcome: Outcome;
  ct: number | null;
  testedAt: string;
  rowNumbers: number[] | null;
  replaces: number | null;
}

export async function applyResults(q: Queryable, ctx: ResultContext, items: IncomingResult[]): Promise<AppliedResult[]> {
  const { scope } = ctx;
  const out: AppliedResult[] = items.map((it) => ({ barcode: it.barcode, status: 'error', effects: {}, rowNumbers: it.rowNumbers }));
  if (!items.length) return out;
  const resolved = await resolve(q, scope, items.map((i) => i.barcode));
  const now = new Date();
  const seen = new Set<string>();
  const inserts: Insert[] = [];
  const conflicts: (Insert & { existing: number; unitPath: string })[] = [];
  for (const [index, it] of items.entries()) {
    const r = resolved[index];
    const o = out[index];
    const fail = (issue: string) => {
      o.status = 'error';
      o.issue = issue;
    };
    if (seen.has(it.barcode)) {
      fail('duplicate_in_batch');
      continue;
    }
    seen.add(it.barcode);
    const testedAt = it.testedAt ?? now.toISOString();
    if (!r.barcodeKind || (r.barcodeKind === 'specimen' && !r.specimenVisible) || (r.barcodeKind === 'pool' && !r.poolVisible)) {
      fail('unknown_barcode');
      continue;
    }
    if (r.barcodeKind === 'reserved') {
      fail('not_collected');
      continue;
    }
    if (r.barcodeKind === 'specimen') {
      if (r.specimenStatus === 'rejected') {
        fail('specimen_rejected');
        continue;
      }
      // A pooled specimen is tested on its own only to follow up a positive pool (re-test in the lab).
      if (r.inPool != null && !(r.retestId != null && r.retestStatus === 'pending')) {
        fail('pooled_specimen');
        continue;
      }
      if (r.collectedAt && Date.parse(testedAt) < Date.parse(r.collectedAt)) {
        fail('tested_before_collection');
        continue;
      }
      o.target = { type: 'specimen', id: r.specimenId! };
    } else {
      if (!r.poolMembers) {
        fail('pool_empty');
        continue;
      }
      o.target = { type: 'pool', id: r.poolId! };
    }
    o.outcome = it.outcome;
    const cmp = compareResult(r.currentId != null ? { outcome: r.currentOutcome!, ct: r.currentCt } : null, { outcome: it.outcome, ct: it.ct });
    const ins: Insert = { index, specimenId: r.specimenId, poolId: r.barcodeKind === 'pool' ? r.poolId : null, outcome: it.outcome, ct: it.ct, testedAt, rowNumbers: it.rowNumbers ?? null, replaces: null };
    if (r.barcodeKind === 'pool') ins.specimenId = null;
    if (cmp === 'same') {
      o.status = 'unchanged';
      o.resultId = r.currentId!;
    } else if (cmp === 'conflict') {
      conflicts.push({ ...ins, existing: r.currentId!, unitPath: r.unitPath! });
    } else {
      ins.replaces = cmp === 'replaces_invalid' ? r.currentId : null;
      inserts.push(ins);
    }
  }

  // Conflicts: held for review once (the same differing value imported again is not held twice).
  if (conflicts.length) {
    const open = await q.query<{ id: number; specimenId: number | null; poolId: number | null; outcome: Outcome; ct: number | null }>(
      `SELECT id, specimen_id AS "specimenId", pool_id AS "poolId", outcome, ct FROM result_conflict
        WHERE province_code = $1 AND status = 'open' AND (specimen_id = ANY($2::bigint[]) OR pool_id = ANY($3::bigint[]))`,
      [scope.provinceCode, conflicts.map((c) => c.specimenId).filter((x) => x != null), conflicts.map((c) => c.poolId).filter((x) => x != null)],
    );
    const fresh: typeof conflicts = [];
    for (const c of conflicts) {
      const same = open.rows.find((x) => Number(x.specimenId ?? 0) === (c.specimenId ?? 0) && Number(x.poolId ?? 0) === (c.poolId ?? 0) && x.outcome === c.outcome && (x.ct == null ? c.ct == null : c.ct != null && Math.abs(x.ct - c.ct) < 0.05));
      out[c.index].status = 'conflict';
      if (same) out[c.index].conflictId = Number(same.id);
      else fresh.push(c);
    }
    if (fresh.length) {
      const ins = await q.query<{ id: number; specimenId: number | null; poolId: number | null }>(
        `INSERT INTO result_conflict (province_code, specimen_id, pool_id, existing_result_id, lab_id, outcome, ct, tested_at, source, import_job_id, row_numbers, entered_by, unit_path)
         SELECT $1, x.specimen_id, x.pool_id, x.existing, $2, x.outcome, x.ct, x.tested_at, $3, $4, x.row_numbers, $5, x.unit_path
           FROM jsonb_to_recordset($6::jsonb) AS x(specimen_id bigint, pool_id bigint, existing bigint, outcome text, ct double precision, tested_at timestamptz, row_numbers int[], unit_path text)
         RETURNING id, specimen_id AS "specimenId", pool_id AS "poolId"`,
        [
          scope.provinceCode,
          ctx.labId,
          ctx.source,
          ctx.jobId,
          ctx.actor.id,
          JSON.stringify(fresh.map((c) => ({ specimen_id: c.specimenId, pool_id: c.poolId, existing: c.existing, outcome: c.outcome, ct: c.ct, tested_at: c.testedAt, row_numbers: c.rowNumbers, unit_path: c.unitPath }))),
        ],
      );
      // A sample appears once in a batch: its conflict is found by its specimen or pool.
      const byTarget = new Map(ins.rows.map((row) => [targetKey(row.specimenId, row.poolId), Number(row.id)]));
      for (const c of fresh) out[c.index].conflictId = byTarget.get(targetKey(c.specimenId, c.poolId));
    }
  }

  if (inserts.length) {
    const replaced = inserts.map((x) => x.replaces).filter((x): x is number => x != null);
    if (replaced.length) await q.query(`UPDATE test_result SET current = false WHERE province_code = $1 AND id = ANY($2::bigint[])`, [scope.provinceCode, replaced]);
    const rows = await insertResults(q, ctx, inserts, ctx.source);
    inserts.forEach((x, k) => {
      out[x.index].status = x.replaces != null ? 'replaced' : 'inserted';
      out[x.index].resultId = rows[k];
    });
    const effects = await applyEffects(
      q,
      ctx,
      inserts.map((x, k) => ({ resultId: rows[k], replacing: x.replaces != null, specimenId: x.specimenId, poolId: x.poolId, outcome: x.outcome, ct: x.ct, testedAt: x.testedAt, barcode: items[x.index].barcode })),
    );
    inserts.forEach((x, k) => (out[x.index].effects = effects[k]));
  }
  const counts = out.reduce<Record<string, number>>((a, o) => ((a[o.status] = (a[o.status] ?? 0) + 1), a), {});
  if (inserts.length || conflicts.length)
    await audit(q, ctx.req, { action: ctx.source === 'import' ? 'import' : 'create', entity: 'test_result', entityId: ctx.jobId ?? out.find((o) => o.resultId)?.resultId ?? null, details: { labId: ctx.labId, ...counts } }, { provinceCode: scope.provinceCode, id: ctx.actor.id, username: ctx.actor.username });
  return out;
}

const targetKey = (specimenId: number | string | null, poolId: number | string | null) => (specimenId != null ? `s${specimenId}` : `p${poolId}`);

async function insertResults(q: Queryable, ctx: ResultContext, rows: Omit<Insert, 'index' | 'replaces'>[], source: 'manual' | 'import' | 'review'): Promise<number[]> {
  const r = await q.query<{ id: number; specimenId: number | null; poolId: number | null }>(
    `INSERT INTO test_result (province_code, specimen_id, pool_id, lab_id, outcome, ct, tested_at, tested_on, source, import_job_id, row_numbers, policy_version, entered_by)
     SELECT $1, x.specimen_id, x.pool_id, $2, x.outcome, x.ct, x.tested_at, x.tested_on, $3, $4, x.row_numbers, $5, $6
       FROM jsonb_to_recordset($7::jsonb) AS x(specimen_id bigint, pool_id bigint, outcome text, ct double precision, tested_at timestamptz, tested_on date, row_numbers int[])
     RETURNING id, specimen_id AS "specimenId", pool_id AS "poolId"`,
    [
      ctx.scope.provinceCode,
      ctx.labId,
      source,
      ctx.jobId,
      ctx.policyVersion,
      ctx.actor.id,
      JSON.stringify(rows.map((x) => ({ specimen_id: x.specimenId, pool_id: x.poolId, outcome: x.outcome, ct: x.ct, tested_at: x.testedAt, tested_on: dayInVietnam(x.testedAt), row_numbers: x.rowNumbers }))),
    ],
  );
  const byTarget = new Map(r.rows.map((x) => [targetKey(x.specimenId, x.poolId), Number(x.id)]));
  return rows.map((x) => byTarget.get(targetKey(x.specimenId, x.poolId))!);
}

interface NewResult {
  resultId: number;
  /** The sample had a current result before (an invalid run, or a conflict decided): its effects are undone first. */
  replacing: boolean;
  specimenId: number | null;
  poolId: number | null;
  outcome: Outcome;
  ct: number | null;
  testedAt: string;
  barcode: string;
}

/** What new current results change: specimens and pools, follow-ups, cases, tasks and the daily figures. */
async function applyEffects(q: Queryable, ctx: ResultContext, results: NewResult[]): Promise<ResultEffects[]> {
  const pc = ctx.scope.provinceCode;
  const effects: ResultEffects[] = results.map(() => ({}));
  const json = (xs: unknown[]) => JSON.stringify(xs);
  const pools = results.map((r, k) => ({ ...r, k })).filter((r) => r.poolId != null);
  const own = results.map((r, k) => ({ ...r, k })).filter((r) => r.specimenId != null);

  if (pools.length) {
    const poolIds = pools.map((p) => p.poolId!);
    const replaced = pools.filter((p) => p.replacing).map((p) => p.poolId!);
    // A replaced pool result first undoes what the previous one did to the members.
    if (replaced.length) {
    await q.query(
      `UPDATE specimen s SET outcome = NULL, outcome_source = NULL, resulted_at = NULL, status = 'pooled'
         FROM pool_member pm WHERE pm.province_code = $1 AND pm.pool_id = ANY($2::bigint[]) AND s.province_code = pm.province_code AND s.id = pm.specimen_id
          AND (s.outcome_source = 'pool' OR (s.status = 'follow_up' AND s.outcome IS NULL))`,
      [pc, replaced],
    );
    const closed = await q.query<{ id: string }>(
      `UPDATE follow_up SET status = 'closed', note = 'pool_result_replaced', resolved_at = now(), updated_at = now()
        WHERE province_code = $1 AND pool_id = ANY($2::bigint[]) AND status IN ('pending', 'collected') AND source_result_id <> ALL($3::bigint[])
        RETURNING id::text`,
      [pc, replaced, pools.map((p) => p.resultId)],
    );
    // Their re-sample tasks go too: nobody should visit a person for a pool that is no longer positive.
    if (closed.rows.length)
      await q.query(
        `UPDATE task SET status = 'cancelled', done_at = now(), note = 'pool_result_replaced'
          WHERE province_code = $1 AND kind = 'resample_pool_member' AND status = 'open' AND detail->>'followUpId' = ANY($2::text[])`,
        [pc, closed.rows.map((r) => r.id)],
      );
    }
    await q.query(
      `UPDATE pool p SET status = CASE WHEN x.outcome = 'invalid' THEN 'sealed' ELSE 'resulted' END, outcome = CASE WHEN x.outcome = 'invalid' THEN NULL ELSE x.outcome END,
              resulted_at = CASE WHEN x.outcome = 'invalid' THEN NULL ELSE x.tested_at END, sealed_at = coalesce(p.sealed_at, now())
         FROM jsonb_to_recordset($2::jsonb) AS x(id bigint, outcome text, tested_at timestamptz) WHERE p.province_code = $1 AND p.id = x.id`,
      [pc, json(pools.map((p) => ({ id: p.poolId, outcome: p.outcome, tested_at: p.testedAt })))],
    );
    const negative = pools.filter((p) => p.outcome === 'negative');
    if (negative.length) {
      await q.query(
        `UPDATE specimen s SET outcome = 'negative', outcome_source = 'pool', resulted_at = x.tested_at, status = 'resulted'
           FROM pool_member pm, jsonb_to_recordset($2::jsonb) AS x(id bigint, tested_at timestamptz)
          WHERE pm.province_code = $1 AND pm.pool_id = x.id AND s.province_code = pm.province_code AND s.id = pm.specimen_id AND s.status <> 'rejected'`,
        [pc, json(negative.map((p) => ({ id: p.poolId, tested_at: p.testedAt })))],
      );
    }
    const positive = pools.filter((p) => p.outcome === 'positive');
    if (positive.length) {
      await q.query(
        `UPDATE specimen s SET status = 'follow_up' FROM pool_member pm
          WHERE pm.province_code = $1 AND pm.pool_id = ANY($2::bigint[]) AND s.province_code = pm.province_code AND s.id = pm.specimen_id AND s.status <> 'rejected'`,
        [pc, positive.map((p) => p.poolId)],
      );
      const created = await q.query<{ id: number; poolId: number; personId: number | null; unitPath: string; communeCode: string; action: 'resample' | 'retest' }>(
        `INSERT INTO follow_up (province_code, pool_id, specimen_id, source_result_id, person_id, unit_path, commune_code, action)
         SELECT $1, pm.pool_id, s.id, x.result_id, s.person_id, s.unit_path, s.commune_code, CASE WHEN p.method = 'lab' THEN 'retest' ELSE 'resample' END
           FROM jsonb_to_recordset($2::jsonb) AS x(id bigint, result_id bigint)
           JOIN pool p ON p.province_code = $1 AND p.id = x.id
           JOIN pool_member pm ON pm.province_code = $1 AND pm.pool_id = x.id
           JOIN specimen s ON s.province_code = $1 AND s.id = pm.specimen_id AND s.status <> 'rejected'
         ON CONFLICT (province_code, specimen_id) DO UPDATE SET status = 'pending', source_result_id = EXCLUDED.source_result_id, new_specimen_id = NULL, note = NULL,
              resolved_at = NULL, updated_at = now()
         RETURNING id, pool_id AS "poolId", person_id AS "personId", unit_path AS "unitPath", commune_code AS "communeCode", action`,
        [pc, json(positive.map((p) => ({ id: p.poolId, result_id: p.resultId })))],
      );
      const resample = created.rows.filter((f) => f.action === 'resample' && f.personId != null);
      if (resample.length) {
        const due = await policy<FollowUpDuePolicy>(q, pc, 'testing.follow_up_due_hours', todayInVietnam());
        const dueAt = new Date(Date.now() + due.value.resampleHours * 3_600_000);
        for (const f of resample)
          await createTestingTask(q, pc, { kind: 'resample_pool_member', personId: Number(f.personId), unitPath: f.unitPath, communeCode: f.communeCode, role: 'health_worker', dueAt, detail: { followUpId: Number(f.id), poolId: Number(f.poolId) } });
      }
      for (const p of positive) effects[p.k].followUps = created.rows.filter((f) => Number(f.poolId) === p.poolId).length;
    }
  }

  if (own.length) {
    const final = own.filter((r) => r.outcome !== 'invalid');
    if (final.length) {
      await q.query(
        `UPDATE specimen s SET outcome = x.outcome, outcome_source = 'own', resulted_at = x.tested_at, status = 'resulted'
           FROM jsonb_to_recordset($2::jsonb) AS x(id bigint, outcome text, tested_at timestamptz) WHERE s.province_code = $1 AND s.id = x.id`,
        [pc, json(final.map((r) => ({ id: r.specimenId, outcome: r.outcome, tested_at: r.testedAt })))],
      );
    }
    // Follow-ups these results answer: a re-sample (the specimen's follow_up_id) or a re-test of the member's own tube.
    const fu = await q.query<{ id: number; specimenId: number; newSpecimenId: number | null; action: 'resample' | 'retest'; status: FollowUpState; personId: number | null; unitPath: string; communeCode: string; poolId: number }>(
      `SELECT f.id, f.specimen_id AS "specimenId", f.new_specimen_id AS "newSpecimenId", f.action, f.status, f.person_id AS "personId", f.unit_path AS "unitPath",
              f.commune_code AS "communeCode", f.pool_id AS "poolId"
         FROM follow_up f WHERE f.province_code = $1 AND f.status IN ('pending', 'collected')
          AND ((f.action = 'retest' AND f.specimen_id = ANY($2::bigint[])) OR (f.action = 'resample' AND f.new_specimen_id = ANY($2::bigint[])))
        FOR UPDATE`,
      [pc, own.map((r) => r.specimenId)],
    );
    for (const f of fu.rows) {
      const target = Number(f.action === 'retest' ? f.specimenId : f.newSpecimenId);
      const r = own.find((x) => x.specimenId === target);
      if (!r) continue;
      const next = nextFollowUpState(f.action, f.status, { type: 'result', outcome: r.outcome });
      if (!next.ok) continue;
      await q.query(
        `UPDATE follow_up SET status = $3, updated_at = now(), resolved_at = CASE WHEN $3 IN ('positive', 'negative') THEN now() ELSE NULL END,
                new_specimen_id = CASE WHEN $3 = 'pending' AND action = 'resample' THEN NULL ELSE new_specimen_id END
          WHERE province_code = $1 AND id = $2`,
        [pc, f.id, next.state],
      );
      effects[r.k].followUpId = Number(f.id);
      effects[r.k].followUpState = next.state;
      // An invalid re-sample: the commune samples the person again.
      if (next.state === 'pending' && f.action === 'resample' && f.personId != null) {
        const due = await policy<FollowUpDuePolicy>(q, pc, 'testing.follow_up_due_hours', todayInVietnam());
        await createTestingTask(q, pc, {
          kind: 'resample_pool_member',
          personId: Number(f.personId),
          unitPath: f.unitPath,
          communeCode: f.communeCode,
          role: 'health_worker',
          dueAt: new Date(Date.now() + due.value.resampleHours * 3_600_000),
          detail: { followUpId: Number(f.id), poolId: Number(f.poolId), reason: 'invalid_resample' },
        });
      }
    }
    // Positive individual results: the person's case.
    const positives = own.filter((r) => r.outcome === 'positive');
    if (positives.length) {
      const people = await q.query<{ id: number; personId: number | null; collectedOn: string }>(
        `SELECT id, person_id AS "personId", collected_on AS "collectedOn" FROM specimen WHERE province_code = $1 AND id = ANY($2::bigint[])`,
        [pc, positives.map((r) => r.specimenId)],
      );
      const byId = new Map(people.rows.map((p) => [Number(p.id), p]));
      for (const r of positives) {
        const sp = byId.get(r.specimenId!)!;
        let personId = sp.personId == null ? null : Number(sp.personId);
        if (personId == null) {
          const found = await registerTestedPerson(q, pc, r.specimenId!);
          if (!found) {
            effects[r.k].caseAction = 'unregistered';
            continue;
          }
          personId = found.personId;
          effects[r.k].personRegistered = found.how;
        }
        const c = await caseFromPositive(q, ctx, personId, { barcode: r.barcode, resultId: r.resultId, ct: r.ct, sampleDate: sp.collectedOn, testedAt: r.testedAt });
        Object.assign(effects[r.k], c);
        if (c.caseId != null && effects[r.k].followUpId != null)
          await q.query(`UPDATE follow_up SET case_id = $3 WHERE province_code = $1 AND id = $2`, [pc, effects[r.k].followUpId, c.caseId]);
      }
    }
  }

  // The days and units whose figures changed: the specimens tested alone and the members of the pools.
  const days = await q.query<DayUnit>(
    `SELECT DISTINCT s.collected_on AS day, s.commune_code AS "communeCode" FROM specimen s WHERE s.province_code = $1 AND s.id = ANY($2::bigint[])
     UNION
     SELECT DISTINCT s.collected_on, s.commune_code FROM pool_member pm JOIN specimen s ON s.province_code = pm.province_code AND s.id = pm.specimen_id
      WHERE pm.province_code = $1 AND pm.pool_id = ANY($3::bigint[])`,
    [pc, own.map((r) => r.specimenId), pools.map((p) => p.poolId)],
  );
  const labs: DayLab[] = results.map((r) => ({ day: dayInVietnam(r.testedAt), labId: ctx.labId }));
  if (ctx.deferAggregates) {
    ctx.deferAggregates.units.push(...days.rows);
    ctx.deferAggregates.labs.push(...labs);
  } else {
    await refreshDaily(q, pc, days.rows);
    await refreshLabDaily(q, pc, labs);
  }
  return effects;
}

/**
 * Someone tested who was not in the registry (a driver from another province, a visitor) and is
 * positive: the registry person with their CCCD if there is one by now, else a new registry person
 * in the commune where they were sampled (as tracing adds visitors), so the case can be made and
 * the commune told. Null when neither works (no commune, a name too short): the result stays
 * "not in the registry" for the health station to handle.
 */
async function registerTestedPerson(q: Queryable, pc: string, specimenId: number): Promise<{ personId: number; how: 'found' | 'added' } | null> {
  const s = (
    await q.query<{ name: string; cccd: string | null; phone: string | null; plate: string | null; commune: string }>(
      `SELECT subject_name AS name, subject_cccd AS cccd, subject_phone AS phone, vehicle_plate AS plate, commune_code AS commune FROM specimen WHERE province_code = $1 AND id = $2`,
      [pc, specimenId],
    )
  ).rows[0];
  if (!s) return null;
  let found: { personId: number; how: 'found' | 'added' } | null = null;
  if (s.cccd) {
    const p = await q.query<{ id: number }>(`SELECT id FROM person WHERE province_code = $1 AND cccd = $2`, [pc, s.cccd]);
    if (p.rows[0]) found = { personId: Number(p.rows[0].id), how: 'found' };
  }
  if (!found) {
    const scope = await provinceScope(q, pc);
    const added = await savepoint(q, 'register_tested_person', () =>
      addTracedPerson(
        q,
        scope,
        { fullName: s.name, cccd: s.cccd, phone: s.phone, unitCode: s.commune, address: s.plate ? `Lấy mẫu tại địa bàn; biển số xe ${s.plate}` : 'Lấy mẫu tại địa bàn', confirmNew: true },
        'specimen',
        todayInVietnam(),
      ),
    );
    if (!added.ok) return null;
    found = { personId: added.value, how: 'added' };
  }
  await q.query(`UPDATE specimen SET person_id = $3 WHERE province_code = $1 AND id = $2`, [pc, specimenId, found.personId]);
  return found;
}

/**
 * A positive RT-PCR result of a registry person: a new case (F0 by PCR, reported by the lab, with
 * the investigation task for the commune's health worker that the case area creates), or, when the
 * person already is an open case, the result noted on its timeline.
 */
async function caseFromPositive(q: Queryable, ctx: ResultContext, personId: number, r: { barcode: string; resultId: number; ct: number | null; sampleDate: string; testedAt: string }): Promise<ResultEffects> {
  const pc = ctx.scope.provinceCode;
  const open = await openCaseOfPerson(q, pc, personId);
  if (open) {
    await noteCaseEvidence(q, ctx.req, pc, ctx.actor, open, 'lab_result', { outcome: 'positive', barcode: r.barcode, resultId: r.resultId, ct: r.ct, labId: ctx.labId });
    return { caseId: open, caseAction: 'noted' };
  }
  const province = await provinceScope(q, pc);
  const today = todayInVietnam();
  const ordered = await listOrders(q, province, { personId, status: 'active', limit: 1 });
  const res = await savepoint(q, 'testing_case', () =>
    createCase(q, ctx.req as FastifyRequest, province, ctx.actor, {
      personId,
      reportDate: today,
      sampleDate: r.sampleDate <= today ? r.sampleDate : today,
      detectedIn: ordered.length ? 'quarantine' : 'community',
      reportedVia: 'lab',
      evidence: { pcrPositive: true },
      notes: `RT-PCR dương tính, mẫu ${r.barcode}${r.ct != null ? `, Ct ${r.ct}` : ''}`,
    }),
  );
  if (!res.ok) return { caseAction: 'failed', caseError: res.error instanceof AppError ? res.error.code : 'internal' };
  return { caseId: res.value.id, caseAction: 'created' };
}

// ---------------------------------------------------------------------------------------------
// Conflicts held for review

export async function listConflicts(q: Queryable, scope: Scope, status: 'open' | 'kept' | 'replaced' = 'open', limit = 200) {
  const r = await q.query(
    `SELECT c.id, c.status, coalesce(s.barcode, p.barcode) AS barcode, CASE WHEN c.pool_id IS NULL THEN 'specimen' ELSE 'pool' END AS "targetType",
            coalesce(c.specimen_id, c.pool_id) AS "targetId", s.subject_name AS "subjectName",
            json_build_object('id', e.id, 'outcome', e.outcome, 'ct', e.ct, 'testedAt', e.tested_at, 'source', e.source, 'labId', e.lab_id) AS existing,
            json_build_object('outcome', c.outcome, 'ct', c.ct, 'testedAt', c.tested_at, 'source', c.source, 'labId', c.lab_id, 'importJobId', c.import_job_id, 'rowNumbers', c.row_numbers) AS proposed,
            c.note, c.created_at AS "createdAt", c.resolved_at AS "resolvedAt"
       FROM result_conflict c
       JOIN test_result e ON e.province_code = c.province_code AND e.id = c.existing_result_id
       LEFT JOIN specimen s ON s.province_code = c.province_code AND s.id = c.specimen_id
       LEFT JOIN pool p ON p.province_code = c.province_code AND p.id = c.pool_id
      WHERE c.province_code = $1 AND c.unit_path LIKE $2 || '%' AND c.status = $3 ORDER BY c.created_at, c.id LIMIT $4`,
    [scope.provinceCode, scope.path, status, limit],
  );
  return r.rows.map((x) => ({ ...x, id: Number(x.id), targetId: Number(x.targetId) }));
}

/** Keep the recorded result, or replace it by the held one (whose effects then apply). */
export async function resolveConflict(q: Queryable, req: FastifyRequest, scope: Scope, actor: Actor, id: number, decision: 'keep' | 'replace', note: string) {
  const r = await q.query<{ id: number; specimenId: number | null; poolId: number | null; existing: number; labId: number; outcome: Outcome; ct: number | null; testedAt: string; status: string; barcode: string }>(
    `SELECT c.id, c.specimen_id AS "specimenId", c.pool_id AS "poolId", c.existing_result_id AS existing, c.lab_id AS "labId", c.outcome, c.ct, c.tested_at AS "testedAt", c.status,
            coalesce(s.barcode, p.barcode) AS barcode
       FROM result_conflict c LEFT JOIN specimen s ON s.province_code = c.province_code AND s.id = c.specimen_id LEFT JOIN pool p ON p.province_code = c.province_code AND p.id = c.pool_id
      WHERE c.province_code = $1 AND c.id = $2 AND c.unit_path LIKE $3 || '%' FOR UPDATE OF c`,
    [scope.provinceCode, id, scope.path],
  );
  const c = r.rows[0];
  if (!c) throw notFound();
  if (c.status !== 'open') throw new AppError(409, 'invalid_state', [{ field: 'status', code: c.status }]);
  await q.query(`SELECT 1 FROM test_barcode WHERE province_code = $1 AND barcode = $2 FOR UPDATE`, [scope.provinceCode, c.barcode]);
  const cur = await q.query<{ id: number }>(`SELECT id FROM test_result WHERE province_code = $1 AND current AND (specimen_id = $2 OR pool_id = $3)`, [scope.provinceCode, c.specimenId, c.poolId]);
  if (Number(cur.rows[0]?.id) !== Number(c.existing)) throw new AppError(409, 'stale', [{ field: 'existing', code: 'stale' }]);
  let effects: ResultEffects = {};
  let resultId: number | null = null;
  if (decision === 'replace') {
    await q.query(`UPDATE test_result SET current = false WHERE province_code = $1 AND id = $2`, [scope.provinceCode, c.existing]);
    const ctx: ResultContext = { scope, actor, req, labId: Number(c.labId), source: 'manual', jobId: null, policyVersion: null };
    const testedAt = iso(c.testedAt)!;
    [resultId] = await insertResults(q, ctx, [{ specimenId: c.specimenId == null ? null : Number(c.specimenId), poolId: c.poolId == null ? null : Number(c.poolId), outcome: c.outcome, ct: c.ct, testedAt, rowNumbers: null }], 'review');
    if (c.specimenId != null && c.outcome === 'invalid') {
      // The recorded outcome is withdrawn: the specimen waits for a new run.
      await q.query(`UPDATE specimen SET outcome = NULL, outcome_source = NULL, resulted_at = NULL, status = 'collected' WHERE province_code = $1 AND id = $2`, [scope.provinceCode, c.specimenId]);
    }
    [effects] = await applyEffects(q, ctx, [{ resultId, replacing: true, specimenId: c.specimenId == null ? null : Number(c.specimenId), poolId: c.poolId == null ? null : Number(c.poolId), outcome: c.outcome, ct: c.ct, testedAt, barcode: c.barcode }]);
  }
  await q.query(`UPDATE result_conflict SET status = $3, note = $4, resolved_by = $5, resolved_at = now() WHERE province_code = $1 AND id = $2`, [
    scope.provinceCode,
    id,
    decision === 'keep' ? 'kept' : 'replaced',
    note,
    actor.id,
  ]);
  // Other conflicts held on the same sample were against the result now replaced.
  if (decision === 'replace')
    await q.query(`UPDATE result_conflict SET status = 'kept', note = 'superseded', resolved_by = $4, resolved_at = now() WHERE province_code = $1 AND status = 'open' AND existing_result_id = $2 AND id <> $3`, [
      scope.provinceCode,
      c.existing,
      id,
      actor.id,
    ]);
  await audit(q, req, { action: 'update', entity: 'result_conflict', entityId: id, details: { decision, resultId } });
  return { id, status: decision === 'keep' ? 'kept' : 'replaced', resultId, effects };
}
