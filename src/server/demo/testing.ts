// The demo's testing activity in the database, after the outbreak and the demo users: two labs,
// the daily sampling plans of the outbreak districts made and drawn by the testing services,
// sessions, specimens and pools written in bulk (COPY), then the results entered through the lab
// service (follow-ups of positive pools, re-sampling tasks, notes on the cases), the re-samples
// registered like any specimen, a few rapid tests, and the daily figures the dashboard reads
// recomputed by the testing module's own refresh. The plan is src/domain/demo/testing.ts.
import type { FastifyRequest } from 'fastify';
import type { Db, Queryable } from '../db/index.ts';
import { csvLine, type CsvValue } from '../../domain/demo/csv.ts';
import { addDays } from '../../domain/cases/dates.ts';
import {
  chooseTestingDistricts,
  DEMO_TESTING_DAYS,
  planCollection,
  planSamplingPlans,
  type AreaRisk,
  type DrawnPlan,
  type DrawnPerson,
  type TestingDemoCase,
  type TestingDemoCommune,
  type TestingDemoContact,
  type TestingDemoDistrict,
} from '../../domain/demo/testing.ts';
import { createPlan, drawPlan } from '../modules/testing/plans.ts';
import { allocateBarcodes } from '../modules/testing/collection.ts';
import { listZones } from '../modules/cases/zones.ts';
import { applyResults } from '../modules/testing/labResults.ts';
import { recordRapidTest } from '../modules/testing/rapid.ts';
import { refreshDaily, refreshLabDaily, type DayLab, type DayUnit } from '../modules/testing/aggregates.ts';
import { completeOpenTasks } from '../modules/testing/tasks.ts';
import { policy, dayInVietnam } from '../modules/testing/common.ts';
import type { Actor } from '../modules/testing/common.ts';
import { areaRisk, maxPoolSize, type PoolSizePolicy } from '../../domain/testing/pooling.ts';
import type { HighRiskAreaPolicy } from '../../domain/testing/policies.ts';

export interface TestingDemoOptions {
  provinceCode: string;
  seed: number;
  today: string;
  scale: number;
  onProgress?: (step: string, done: number, total: number) => void;
}

export interface TestingDemoCounts {
  labs: number;
  plans: number;
  events: number;
  specimens: number;
  pools: number;
  positivePools: number;
  followUps: number;
  rapidTests: number;
}

const STEPS = 6;

export const noDemoTesting: TestingDemoCounts = { labs: 0, plans: 0, events: 0, specimens: 0, pools: 0, positivePools: 0, followUps: 0, rapidTests: 0 };

/** A request-shaped object for the services' audit entries: the demo acts as a user, from nowhere. */
function demoRequest(provinceCode: string, user: { id: number; username: string; role: string }): FastifyRequest {
  return { user: { ...user, provinceCode }, ip: null, headers: {} } as unknown as FastifyRequest;
}

async function copy(q: Queryable, table: string, columns: string[], rows: CsvValue[][]) {
  for (let i = 0; i < rows.length; i += 20_000) {
    let csv = '';
    for (const row of rows.slice(i, i + 20_000)) csv += csvLine(row);
    if (csv) await q.copyFromCsv(table, columns, csv);
  }
}

async function reserveIds(q: Queryable, table: string, n: number): Promise<number[]> {
  if (!n) return [];
  const r = await q.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence($1, 'id'))::bigint AS id FROM generate_series(1, $2)`, [table, n]);
  return r.rows.map((x) => Number(x.id));
}

async function userOf(q: Queryable, provinceCode: string, username: string) {
  const r = await q.query<{ id: number; username: string; role: string }>(`SELECT id, username, role FROM app_user WHERE province_code = $1 AND username = $2`, [provinceCode, username]);
  if (!r.rows[0]) throw new Error(`demo testing: no demo user ${username}`);
  return { ...r.rows[0], id: Number(r.rows[0].id) };
}

/** The higher-risk areas by the policy on `date`: units of the active zones of the kinds it names, and the units it lists (as riskOfUnit reads them). */
async function highRiskAreas(q: Queryable, pc: string, date: string) {
  const p = await policy<HighRiskAreaPolicy>(q, pc, 'testing.high_risk_areas', date);
  const zones = (await listZones(q, { provinceCode: pc, path: `${pc}/` }, 'active')).filter((z) => p.value.activeZoneKinds.includes(z.kind));
  const codes = [...new Set([...zones.flatMap((z) => z.unitCodes), ...p.value.unitCodes])];
  const pathOf = new Map((await q.query<{ code: string; path: string }>(`SELECT code, path FROM admin_unit WHERE province_code = $1 AND code = ANY($2::text[])`, [pc, codes])).rows.map((x) => [x.code, x.path]));
  const paths = (list: string[]) => list.map((c) => pathOf.get(c)).filter((x): x is string => !!x);
  return { zonePaths: paths(zones.flatMap((z) => z.unitCodes)), listedPaths: paths(p.value.unitCodes) };
}

export async function createDemoTesting(db: Db, o: TestingDemoOptions): Promise<TestingDemoCounts> {
  const progress = (done: number) => o.onProgress?.('testing', done, STEPS);
  progress(0);
  const pc = o.provinceCode;
  const scope = { provinceCode: pc, path: `${pc}/` };
  const officer = await userOf(db, pc, 'admin');
  const lab = await userOf(db, pc, 'xetnghiem');
  const nurse = await userOf(db, pc, 'yte');
  const officerReq = demoRequest(pc, officer);
  const labReq = demoRequest(pc, lab);
  const nurseReq = demoRequest(pc, nurse);
  const asActor = (u: { id: number; username: string }): Actor => ({ id: u.id, username: u.username });

  // What the planner needs: communes with people and recent cases, the demo district, contacts and cases.
  const communes = (
    await db.query<TestingDemoCommune>(
      `SELECT c.code, c.name, c.parent_code AS "districtCode", c.population,
              (SELECT count(*)::int FROM case_record k WHERE k.province_code = c.province_code AND k.commune_code = c.code AND k.sample_date >= $2) AS cases
         FROM admin_unit c WHERE c.province_code = $1 AND c.level = 'commune' ORDER BY c.code`,
      [pc, addDays(o.today, -DEMO_TESTING_DAYS)],
    )
  ).rows;
  const demoCommune = [...communes].sort((a, b) => b.population - a.population || a.code.localeCompare(b.code))[0];
  const districts = (
    await db.query<{ code: string; name: string }>(`SELECT code, name FROM admin_unit WHERE province_code = $1 AND level = 'district' ORDER BY code`, [pc])
  ).rows.map((d): TestingDemoDistrict => ({ ...d, demo: d.code === demoCommune?.districtCode }));
  const districtCodes = chooseTestingDistricts(districts, communes);
  if (!districtCodes.length) return noDemoTesting;
  const from = addDays(o.today, -20);
  const contacts = (
    await db.query<TestingDemoContact>(
      `SELECT person_id AS "personId", commune_code AS "communeCode", exposure_date::text AS "exposureDate" FROM contact
        WHERE province_code = $1 AND status <> 'rejected' AND exposure_date >= $2 ORDER BY id`,
      [pc, from],
    )
  ).rows.map((c) => ({ ...c, personId: Number(c.personId) }));
  const cases = (
    await db.query<TestingDemoCase>(
      `SELECT id AS "caseId", person_id AS "personId", commune_code AS "communeCode", sample_date::text AS "sampleDate", report_date::text AS "reportDate",
              status = 'confirmed' AS open
         FROM case_record WHERE province_code = $1 AND sample_date IS NOT NULL AND report_date >= $2 ORDER BY id`,
      [pc, from],
    )
  ).rows.map((c) => ({ ...c, caseId: Number(c.caseId), personId: Number(c.personId) }));
  progress(1);

  return db.tx(async (q) => {
    // Two labs: the province CDC and the hospital of the first outbreak district.
    const firstDistrict = districts.find((d) => d.code === districtCodes[0])!;
    const labRows = await q.query<{ id: number }>(
      `INSERT INTO lab (province_code, name, unit_code, unit_path, address, capacity_single, capacity_pooled, created_by)
       SELECT $1, x.name, x.unit_code, u.path, x.address, x.cs, x.cp, $2
         FROM (VALUES (1, 'Khoa Xét nghiệm, Trung tâm Kiểm soát bệnh tật tỉnh', $1::text, 'Trung tâm Kiểm soát bệnh tật tỉnh', 3000, 30000),
                      (2, 'Khoa Xét nghiệm, Trung tâm Y tế ' || $3::text, $4::text, 'Trung tâm Y tế ' || $3::text, 800, 8000)) AS x(k, name, unit_code, address, cs, cp)
         JOIN admin_unit u ON u.province_code = $1 AND u.code = x.unit_code
        ORDER BY x.k RETURNING id`,
      [pc, officer.id, firstDistrict.name, firstDistrict.code],
    );
    const labIds = labRows.rows.map((r) => Number(r.id));

    // The plans, made and drawn through the plan service (by the province admin: the outbreak districts need not be the demo district officer's).
    const specs = planSamplingPlans({ today: o.today, seed: o.seed, scale: o.scale, districts, districtCodes, communes, contacts, cases });
    const drawn: DrawnPlan[] = [];
    for (const s of specs) {
      const plan = await createPlan(q, officerReq, scope, asActor(officer), {
        name: s.name,
        planDate: s.date,
        unitCode: s.districtCode,
        budget: s.budget,
        seed: s.seed,
        note: 'Dữ liệu minh họa',
        strata: s.strata.map((x) => ({ name: x.name, kind: x.kind, riskWeight: x.riskWeight, population: x.population, chosenSize: x.chosenSize ?? null })),
      });
      const d = await drawPlan(q, officerReq, scope, asActor(officer), plan.id, plan.version);
      drawn.push({ planId: d.id, date: s.date, lab: districtCodes.indexOf(s.districtCode) % labIds.length, people: [] });
    }
    progress(2);
    const people = await q.query<DrawnPerson & { planId: number }>(
      `SELECT d.plan_id AS "planId", d.person_id AS "personId", d.commune_code AS "communeCode", d.unit_path AS "unitPath", d.stratum_id AS "stratumId",
              d.site_id AS "siteId", si.name AS "siteName", si.unit_code AS "siteUnitCode", si.unit_path AS "siteUnitPath"
         FROM sampling_draw d JOIN sampling_site si ON si.province_code = d.province_code AND si.id = d.site_id
        WHERE d.province_code = $1 AND d.plan_id = ANY($2::bigint[]) ORDER BY d.plan_id, d.site_id, d.draw_order, d.stratum_id`,
      [pc, drawn.map((d) => d.planId)],
    );
    const byPlan = new Map(drawn.map((d) => [d.planId, [] as DrawnPerson[]]));
    for (const r of people.rows) byPlan.get(Number(r.planId))!.push({ ...r, personId: Number(r.personId), stratumId: Number(r.stratumId), siteId: Number(r.siteId) });
    for (const d of drawn) d.people = byPlan.get(d.planId)!;

    // The pool size allowed at each site today (5 where a zone or lockdown is active).
    const sizes = await policy<PoolSizePolicy>(q, pc, 'testing.pool_max_size', dayInVietnam(new Date()));
    // (riskOfUnit's rule, with the zones and the policy read once for all the sites.)
    const risk = new Map<string, AreaRisk>();
    const areas = await highRiskAreas(q, pc, dayInVietnam(new Date()));
    for (const r of people.rows) {
      if (risk.has(r.siteUnitCode)) continue;
      const a = areaRisk(r.siteUnitPath, areas);
      risk.set(r.siteUnitCode, { risk: a.risk, maxSize: maxPoolSize(sizes.value, a.risk), policyVersion: sizes.version });
    }
    const plan = planCollection({ seed: o.seed, today: o.today, nowMs: Date.now() - 60_000, plans: drawn, risk, cases });
    progress(3);

    // Sessions, specimens, pools and their members in bulk.
    const eventIds = await reserveIds(q, 'collection_event', plan.events.length);
    await copy(
      q,
      'collection_event',
      ['province_code', 'id', 'event_date', 'site_name', 'unit_code', 'unit_path', 'team', 'plan_id', 'site_id', 'lab_id', 'default_kind', 'status', 'created_by', 'created_at'],
      plan.events.map((e, i) => [pc, eventIds[i], e.date, e.siteName, e.unitCode, e.unitPath, 'Tổ lấy mẫu ' + (1 + (i % 3)), e.planId, e.siteId, labIds[e.lab], 'pool_member', e.closed ? 'closed' : 'open', nurse.id, plan.specimens.find((s) => s.event === i)!.collectedAt]),
    );
    const specimenCodes = await allocateBarcodes(q, pc, 'specimen', plan.specimens.length, 'specimen', nurse.id);
    const poolCodes = await allocateBarcodes(q, pc, 'pool', plan.pools.length, 'pool', nurse.id);
    const specimenIds = await reserveIds(q, 'specimen', plan.specimens.length);
    const poolIds = await reserveIds(q, 'pool', plan.pools.length);
    const names = new Map(
      (await q.query<{ id: number; name: string }>(`SELECT id, full_name AS name FROM person WHERE province_code = $1 AND id = ANY($2::bigint[])`, [pc, [...new Set(plan.specimens.map((s) => s.personId))]])).rows.map((r) => [
        Number(r.id),
        r.name,
      ]),
    );
    const poolOf = new Map<number, number>();
    plan.pools.forEach((p, i) => p.members.forEach((m) => poolOf.set(m, i)));
    await copy(
      q,
      'specimen',
      ['province_code', 'id', 'barcode', 'event_id', 'person_id', 'subject_name', 'unit_path', 'commune_code', 'site_path', 'kind', 'plan_id', 'stratum_id', 'lab_id', 'collected_at', 'collected_on', 'status', 'created_by', 'created_at'],
      plan.specimens.map((s, i) => [
        pc, specimenIds[i], specimenCodes[i], eventIds[s.event], s.personId, names.get(s.personId) ?? '', s.unitPath, s.communeCode, s.siteUnitPath, 'pool_member', s.planId, s.stratumId,
        labIds[plan.events[s.event].lab], s.collectedAt, dayInVietnam(s.collectedAt), poolOf.has(i) ? 'pooled' : 'collected', nurse.id, s.collectedAt,
      ]),
    );
    await copy(
      q,
      'pool',
      ['province_code', 'id', 'barcode', 'event_id', 'lab_id', 'method', 'unit_code', 'unit_path', 'area_risk', 'max_size', 'policy_version', 'members', 'status', 'created_on', 'created_by', 'created_at', 'sealed_at'],
      plan.pools.map((p, i) => {
        const firstAt = plan.specimens[p.members[0]].collectedAt;
        return [pc, poolIds[i], poolCodes[i], eventIds[p.event], labIds[p.lab], 'collection', p.unitCode, p.unitPath, p.risk.risk, p.risk.maxSize, p.risk.policyVersion, p.members.length, 'sealed', dayInVietnam(firstAt), nurse.id, firstAt, p.sealedAt];
      }),
    );
    await copy(
      q,
      'pool_member',
      ['province_code', 'specimen_id', 'pool_id', 'added_by', 'added_at'],
      plan.pools.flatMap((p, i) => p.members.map((m) => [pc, specimenIds[m], poolIds[i], nurse.id, plan.specimens[m].collectedAt])),
    );
    await q.query(
      `UPDATE sampling_draw d SET specimen_id = x.specimen_id FROM unnest($2::bigint[], $3::bigint[], $4::bigint[]) AS x(plan_id, person_id, specimen_id)
        WHERE d.province_code = $1 AND d.plan_id = x.plan_id AND d.person_id = x.person_id`,
      [pc, plan.specimens.map((s) => s.planId), plan.specimens.map((s) => s.personId), specimenIds],
    );
    await q.query(`UPDATE sampling_plan SET status = 'closed', version = version + 1 WHERE province_code = $1 AND id = ANY($2::bigint[]) AND plan_date < $3`, [pc, drawn.map((d) => d.planId), o.today]);
    progress(4);

    // The lab's results through the result service: negative pools make their members negative,
    // positive ones make the follow-ups and the re-sampling tasks.
    const interp = await policy<unknown>(q, pc, 'testing.pcr_interpretation', dayInVietnam(new Date()));
    const deferred = { units: [] as DayUnit[], labs: [] as DayLab[] };
    const labCtx = (labIndex: number) => ({ scope, actor: asActor(lab), req: labReq, labId: labIds[labIndex], source: 'manual' as const, jobId: null, policyVersion: interp.version, deferAggregates: deferred });
    const results = [...plan.results].sort((a, b) => a.testedAt.localeCompare(b.testedAt));
    for (let k = 0; k < labIds.length; k++) {
      const mine = results.filter((r) => plan.pools[r.pool].lab === k);
      if (!mine.length) continue;
      const applied = await applyResults(q, labCtx(k), mine.map((r) => ({ barcode: poolCodes[r.pool], outcome: r.outcome, ct: r.ct, testedAt: r.testedAt })));
      const bad = applied.filter((a) => a.status === 'error' || a.status === 'conflict');
      if (bad.length) throw new Error(`demo testing: pool results refused (${bad[0].issue ?? bad[0].status})`);
    }

    // Members of older positive pools: sampled again at home and tested alone, or closed.
    const followUps = new Map(
      (await q.query<{ id: number; specimenId: number; personId: number | null }>(`SELECT id, specimen_id AS "specimenId", person_id AS "personId" FROM follow_up WHERE province_code = $1`, [pc])).rows.map((f) => [
        Number(f.specimenId),
        { id: Number(f.id), personId: f.personId == null ? null : Number(f.personId) },
      ]),
    );
    for (const c of plan.closes) {
      const f = followUps.get(specimenIds[c.specimen]);
      if (!f) continue;
      await q.query(`UPDATE follow_up SET status = 'closed', note = $3, closed_by = $4, resolved_at = now(), updated_at = now() WHERE province_code = $1 AND id = $2`, [pc, f.id, c.note, nurse.id]);
      if (f.personId != null) await completeOpenTasks(q, pc, nurse.id, 'resample_pool_member', { personId: f.personId, followUpId: f.id }, c.note);
    }
    // The re-samples, written in bulk the way the specimen service registers a re-sample: a single
    // specimen linked to the member's follow-up (now collected), the re-sampling task done.
    const resampleEvents = new Map<string, number>();
    const resampleLab = labIds[1 % labIds.length];
    const todo = plan.resamples.map((r) => ({ r, s: plan.specimens[r.specimen], f: followUps.get(specimenIds[r.specimen]) })).filter((x) => x.f);
    const communePaths = new Map(
      (await q.query<{ code: string; path: string; name: string }>(`SELECT code, path, name FROM admin_unit WHERE province_code = $1 AND code = ANY($2::text[])`, [pc, [...new Set(todo.map((x) => x.s.communeCode))]])).rows.map((u) => [u.code, u]),
    );
    for (const { r, s } of todo) {
      const day = dayInVietnam(r.collectedAt);
      const key = `${s.communeCode}|${day}`;
      if (resampleEvents.has(key)) continue;
      const u = communePaths.get(s.communeCode)!;
      const e = await q.query<{ id: number }>(
        `INSERT INTO collection_event (province_code, event_date, site_name, unit_code, unit_path, team, lab_id, default_kind, status, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, 'Lấy mẫu lại tại nhà', $6, 'single', $7, $8, $9) RETURNING id`,
        [pc, day, `Lấy mẫu lại ${u.name}`, s.communeCode, u.path, resampleLab, day < o.today ? 'closed' : 'open', nurse.id, r.collectedAt],
      );
      resampleEvents.set(key, Number(e.rows[0].id));
    }
    const resampleCodes = await allocateBarcodes(q, pc, 'specimen', todo.length, 'specimen', nurse.id);
    const resampleIds = await reserveIds(q, 'specimen', todo.length);
    await copy(
      q,
      'specimen',
      ['province_code', 'id', 'barcode', 'event_id', 'person_id', 'subject_name', 'unit_path', 'commune_code', 'site_path', 'kind', 'follow_up_id', 'lab_id', 'collected_at', 'collected_on', 'status', 'created_by', 'created_at'],
      todo.map(({ r, s, f }, i) => [
        pc, resampleIds[i], resampleCodes[i], resampleEvents.get(`${s.communeCode}|${dayInVietnam(r.collectedAt)}`)!, s.personId, names.get(s.personId) ?? '', s.unitPath, s.communeCode,
        communePaths.get(s.communeCode)!.path, 'single', f!.id, resampleLab, r.collectedAt, dayInVietnam(r.collectedAt), 'collected', nurse.id, r.collectedAt,
      ]),
    );
    await q.query(
      `UPDATE follow_up f SET status = 'collected', new_specimen_id = x.sid, updated_at = x.at FROM unnest($2::bigint[], $3::bigint[], $4::timestamptz[]) AS x(fid, sid, at)
        WHERE f.province_code = $1 AND f.id = x.fid AND f.status = 'pending'`,
      [pc, todo.map((x) => x.f!.id), resampleIds, todo.map((x) => x.r.collectedAt)],
    );
    await q.query(
      `UPDATE task t SET status = 'done', done_at = x.at, done_by = $2, assignee_id = coalesce(t.assignee_id, $2), note = 'resampled:' || x.barcode
         FROM unnest($3::text[], $4::text[], $5::timestamptz[]) AS x(fid, barcode, at)
        WHERE t.province_code = $1 AND t.kind = 'resample_pool_member' AND t.status = 'open' AND t.detail->>'followUpId' = x.fid`,
      [pc, nurse.id, todo.map((x) => String(x.f!.id)), resampleCodes, todo.map((x) => x.r.collectedAt)],
    );
    deferred.units.push(...todo.map(({ r, s }) => ({ day: dayInVietnam(r.collectedAt), communeCode: s.communeCode })));
    const resampled = todo.map((x, i) => ({ barcode: resampleCodes[i], spec: x.r })).filter((x) => x.spec.testedAt);
    // Through the result service, except the positives of cases closed since (recovered,
    // transferred): the service would open a new case for them, while the case this re-sample
    // found is the outbreak's own — their result is written as the service writes it, linked to it.
    const viaService = resampled.filter((x) => x.spec.outcome === 'negative' || x.spec.case?.open);
    if (viaService.length) {
      const applied = await applyResults(
        q,
        labCtx(1 % labIds.length),
        viaService.sort((a, b) => a.spec.testedAt!.localeCompare(b.spec.testedAt!)).map((x) => ({ barcode: x.barcode, outcome: x.spec.outcome, ct: x.spec.ct, testedAt: x.spec.testedAt! })),
      );
      const bad = applied.filter((a) => a.status === 'error' || a.status === 'conflict');
      if (bad.length) throw new Error(`demo testing: re-sample results refused (${bad[0].issue ?? bad[0].status})`);
    }
    for (const x of resampled.filter((r) => !viaService.includes(r))) {
      const sp = await q.query<{ id: number; followUpId: number; collectedOn: string; communeCode: string }>(
        `SELECT id, follow_up_id AS "followUpId", collected_on::text AS "collectedOn", commune_code AS "communeCode" FROM specimen WHERE province_code = $1 AND barcode = $2`,
        [pc, x.barcode],
      );
      const s = sp.rows[0];
      await q.query(
        `INSERT INTO test_result (province_code, specimen_id, lab_id, outcome, ct, tested_at, tested_on, source, policy_version, entered_by)
         VALUES ($1, $2, $3, 'positive', $4, $5, $6, 'manual', $7, $8)`,
        [pc, s.id, labIds[1 % labIds.length], x.spec.ct, x.spec.testedAt, dayInVietnam(x.spec.testedAt!), interp.version, lab.id],
      );
      await q.query(`UPDATE specimen SET status = 'resulted', outcome = 'positive', outcome_source = 'own', resulted_at = $3 WHERE province_code = $1 AND id = $2`, [pc, s.id, x.spec.testedAt]);
      await q.query(`UPDATE follow_up SET status = 'positive', case_id = $3, resolved_at = $4, updated_at = $4 WHERE province_code = $1 AND id = $2`, [pc, s.followUpId, x.spec.case!.caseId, x.spec.testedAt]);
      deferred.units.push({ day: s.collectedOn, communeCode: s.communeCode });
    }
    progress(5);

    // Rapid tests read by the commune's health worker.
    for (const [i, r] of plan.rapid.entries()) {
      await recordRapidTest(q, nurseReq, scope, asActor(nurse), { personId: r.personId, outcome: r.outcome, readAt: r.readAt, kit: r.kit, idempotencyKey: `demo-rapid-${o.seed}-${i}` });
    }

    // The dashboard's daily figures of every day, commune and lab the demo wrote.
    await refreshDaily(q, pc, [...deferred.units, ...plan.specimens.map((s) => ({ day: dayInVietnam(s.collectedAt), communeCode: s.communeCode }))]);
    const labDays = await q.query<{ day: string; labId: number }>(`SELECT DISTINCT tested_on::text AS day, lab_id AS "labId" FROM test_result WHERE province_code = $1`, [pc]);
    await refreshLabDaily(q, pc, [...deferred.labs, ...labDays.rows.map((r) => ({ day: r.day, labId: Number(r.labId) }))]);
    progress(STEPS);
    const counts = await q.query<{ positive: number; followups: number }>(
      `SELECT (SELECT count(*)::int FROM pool WHERE province_code = $1 AND outcome = 'positive') AS positive, (SELECT count(*)::int FROM follow_up WHERE province_code = $1) AS followups`,
      [pc],
    );
    return {
      labs: labIds.length,
      plans: drawn.length,
      events: plan.events.length + resampleEvents.size,
      specimens: plan.specimens.length + todo.length,
      pools: plan.pools.length,
      positivePools: counts.rows[0].positive,
      followUps: counts.rows[0].followups,
      rapidTests: plan.rapid.length,
    };
  });
}
