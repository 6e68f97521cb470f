// The demo's vaccination history in the database: reads the communes and people, plans
// (src/domain/demo/vaccination.ts) and writes lots, allocations, doses, profiles, sweep visits,
// home vaccination requests and the running booster campaign in one transaction (COPY for the
// large tables), brings the outbreak's case records in line with the doses, then builds the
// coverage facts of every commune.
import type { Db, Queryable } from '../db/index.ts';
import { csvLine } from '../../domain/demo/csv.ts';
import { planVaccination, type VaccCommune, type VaccHousehold } from '../../domain/demo/vaccination.ts';
import { rebuildCoverage } from '../modules/vaccination/coverageFacts.ts';
import { deferIndexes, restoreDeferredIndexes } from '../modules/imports/store.ts';

export interface VaccinationDemoOptions {
  provinceCode: string;
  seed: number;
  today: string;
  onProgress?: (step: string, done: number, total: number) => void;
}

export interface VaccinationDemoCounts {
  lots: number;
  allocations: number;
  doses: number;
  profiles: number;
  visits: number;
  homeRequests: number;
  campaigns: number;
  casesUpdated: number;
}

export const noDemoVaccination: VaccinationDemoCounts = { lots: 0, allocations: 0, doses: 0, profiles: 0, visits: 0, homeRequests: 0, campaigns: 0, casesUpdated: 0 };

const STEPS = 5;

export async function readVaccinationInput(q: Queryable, pc: string) {
  const communes = (
    await q.query<VaccCommune>(
      `SELECT c.code, c.name, c.path, d.code AS "districtCode", d.path AS "districtPath"
         FROM admin_unit c JOIN admin_unit d ON d.province_code = c.province_code AND d.code = c.parent_code
        WHERE c.province_code = $1 AND c.level = 'commune' ORDER BY c.code`,
      [pc],
    )
  ).rows;
  const people = await q.query<{ id: number; household_id: string | null; commune_code: string; birth_date: string | null; unit_path: string }>(
    `SELECT id, household_id, commune_code, birth_date, unit_path FROM person WHERE province_code = $1 ORDER BY id`,
    [pc],
  );
  const byHousehold = new Map<string, VaccHousehold>();
  for (const p of people.rows) {
    const key = p.household_id ?? `p${p.id}`;
    let h = byHousehold.get(key);
    if (!h) byHousehold.set(key, (h = { id: key, communeCode: p.commune_code, members: [] }));
    h.members.push({ id: p.id, birthDate: p.birth_date, unitPath: p.unit_path });
  }
  return { communes, households: [...byHousehold.values()] };
}

export async function createDemoVaccination(db: Db, o: VaccinationDemoOptions): Promise<VaccinationDemoCounts> {
  const pc = o.provinceCode;
  const progress = (done: number) => o.onProgress?.('vaccination', done, STEPS);
  progress(0);
  const input = await readVaccinationInput(db, pc);
  const plan = planVaccination({ today: o.today, seed: o.seed, communes: input.communes, households: input.households });
  progress(1);
  const users = new Map((await db.query<{ username: string; id: number; unit_code: string }>(`SELECT username, id, unit_code FROM app_user WHERE province_code = $1`, [pc])).rows.map((u) => [u.username, u]));
  const vaccinatorId = users.get('tiemchung')?.id ?? null;
  const team = users.get('tocovid');
  const communesByCode = new Map(input.communes.map((c) => [c.code, c]));
  let casesUpdated = 0;

  // A whole province's doses go in without the dose table's secondary indexes, built once after.
  if (plan.doses.length >= 50_000) await deferIndexes(db, 'vaccine_dose');
  await db.tx(async (q) => {
    // Lots, then their allocations (district rows first: commune rows name them as parent).
    const lotIds = new Map<string, number>();
    if (plan.lots.length) {
      const r = await q.query<{ id: number; product_code: string; lot_number: string }>(
        `INSERT INTO vaccine_lot (province_code, product_code, lot_number, expiry_date, doses_received, received_on, source, created_by)
         SELECT $1, p, l, e, n, r, 'Kho vắc xin tỉnh (demo)', $7 FROM unnest($2::text[], $3::text[], $4::date[], $5::int[], $6::date[]) AS t(p, l, e, n, r)
         RETURNING id, product_code, lot_number`,
        [pc, plan.lots.map((l) => l.productCode), plan.lots.map((l) => l.lotNumber), plan.lots.map((l) => l.expiryDate), plan.lots.map((l) => l.dosesReceived), plan.lots.map((l) => l.receivedOn), vaccinatorId],
      );
      for (const l of r.rows) lotIds.set(`${l.product_code}|${l.lot_number}`, l.id);
    }
    const districtRows = plan.allocations.filter((a) => !a.parentUnitCode);
    const parentIds = new Map<string, number>();
    if (districtRows.length) {
      const r = await q.query<{ id: number; lot_id: number; unit_code: string }>(
        `INSERT INTO vaccine_allocation (province_code, lot_id, unit_code, unit_path, doses, delivered_on, created_by)
         SELECT $1, l, u, p, n, d, $7 FROM unnest($2::bigint[], $3::text[], $4::text[], $5::int[], $6::date[]) AS t(l, u, p, n, d) RETURNING id, lot_id, unit_code`,
        [pc, districtRows.map((a) => lotIds.get(a.lotKey)), districtRows.map((a) => a.unitCode), districtRows.map((a) => a.unitPath), districtRows.map((a) => a.doses), districtRows.map((a) => a.deliveredOn), vaccinatorId],
      );
      for (const a of r.rows) parentIds.set(`${a.lot_id}|${a.unit_code}`, a.id);
    }
    const communeRows = plan.allocations.filter((a) => a.parentUnitCode);
    if (communeRows.length)
      await q.copyFromCsv(
        'vaccine_allocation',
        ['province_code', 'lot_id', 'unit_code', 'unit_path', 'parent_id', 'doses', 'delivered_on', 'created_by'],
        communeRows.map((a) => csvLine([pc, lotIds.get(a.lotKey)!, a.unitCode, a.unitPath, parentIds.get(`${lotIds.get(a.lotKey)}|${a.parentUnitCode}`)!, a.doses, a.deliveredOn, vaccinatorId])).join(''),
      );

    // Doses, given at the health station of the person's commune (or at home by its mobile team).
    if (plan.doses.length)
      await q.copyFromCsv(
        'vaccine_dose',
        ['province_code', 'person_id', 'unit_path', 'commune_code', 'product_code', 'lot_id', 'dose_kind', 'given_on', 'site_name', 'site_unit_code', 'site_path', 'vaccinator', 'source', 'created_by'],
        plan.doses
          .map((d) => {
            const c = communesByCode.get(d.communeCode)!;
            const site = d.source === 'home' ? `Tiêm tại nhà — Trạm Y tế ${c.name}` : `Trạm Y tế ${c.name}`;
            return csvLine([pc, d.personId, d.unitPath, d.communeCode, d.productCode, lotIds.get(d.lotKey)!, d.kind, d.givenOn, site, c.code, c.path, d.vaccinator, d.source, vaccinatorId]);
          })
          .join(''),
      );
    progress(2);

    if (plan.profiles.length)
      await q.copyFromCsv(
        'vaccination_profile',
        ['province_code', 'person_id', 'priority_group', 'comorbidity', 'bedridden', 'deferral', 'deferral_reason', 'deferral_on', 'updated_by'],
        plan.profiles.map((p) => csvLine([pc, p.personId, p.priorityGroup, p.comorbidity ? 't' : 'f', p.bedridden ? 't' : 'f', p.deferral, p.deferralReason, p.deferralOn, vaccinatorId])).join(''),
      );
    // Visits by the community team, in the morning of their day (Viet Nam time).
    if (plan.visits.length)
      await q.copyFromCsv(
        'sweep_visit',
        ['province_code', 'person_id', 'unit_path', 'household_id', 'visited_at', 'outcome', 'reason', 'created_by'],
        plan.visits
          .map((v, i) => {
            const c = communesByCode.get(v.communeCode)!;
            const by = team && c.code === team.unit_code ? team.id : null;
            return csvLine([pc, v.personId, v.unitPath, v.householdId.startsWith('p') ? null : v.householdId, `${v.day}T${String(1 + (i % 8)).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}:00Z`, v.outcome, v.reason, by]);
          })
          .join(''),
      );
    if (plan.homeRequests.length) {
      await q.query(
        `INSERT INTO home_vaccination_request (province_code, person_id, unit_path, reason, requested_on, status, team, scheduled_on, dose_id, created_by, created_at, updated_at)
         SELECT $1, t.p, t.u, t.r, t.ro, t.s, t.team, t.so, d.id, $10, t.ro::timestamptz, t.ro::timestamptz
           FROM unnest($2::bigint[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[], $8::date[], $9::text[]) AS t(p, u, r, ro, s, team, so, k)
           LEFT JOIN vaccine_dose d ON d.province_code = $1 AND d.person_id = t.p AND d.dose_kind = t.k`,
        [
          pc,
          plan.homeRequests.map((h) => h.personId),
          plan.homeRequests.map((h) => h.unitPath),
          plan.homeRequests.map((h) => h.reason),
          plan.homeRequests.map((h) => h.requestedOn),
          plan.homeRequests.map((h) => h.status),
          plan.homeRequests.map((h) => h.team),
          plan.homeRequests.map((h) => h.scheduledOn),
          plan.homeRequests.map((h) => h.doseKind),
          team?.id ?? null,
        ],
      );
    }
    const province = (await q.query<{ code: string; path: string }>(`SELECT code, path FROM admin_unit WHERE province_code = $1 AND level = 'province'`, [pc])).rows[0];
    await q.query(
      `INSERT INTO vaccination_campaign (province_code, name, unit_code, unit_path, target, starts_on, deadline, status, source, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9)`,
      [pc, plan.campaign.name, province.code, province.path, JSON.stringify(plan.campaign.target), plan.campaign.startsOn, plan.campaign.deadline, plan.campaign.source, users.get('admin')?.id ?? null],
    );
    progress(3);

    // The outbreak's cases: their vaccination status and last dose as the registry has them on the day they were sampled (or reported).
    const r = await q.query(
      `UPDATE case_record c SET vaccination_status = s.status, last_dose_date = s.last
         FROM (SELECT c2.id,
                      CASE WHEN bool_or(d.dose_kind IN ('booster_1', 'booster_2')) THEN 'booster'
                           WHEN bool_or(d.dose_kind = 'primary_2') OR bool_or(d.dose_kind = 'primary_1' AND d.product_code = 'janssen') THEN 'full'
                           WHEN count(d.id) > 0 THEN 'partial' ELSE 'none' END AS status,
                      max(d.given_on) AS last
                 FROM case_record c2
                 LEFT JOIN vaccine_dose d ON d.province_code = c2.province_code AND d.person_id = c2.person_id AND d.given_on <= coalesce(c2.sample_date, c2.report_date)
                WHERE c2.province_code = $1
                GROUP BY c2.id) s
        WHERE c.province_code = $1 AND c.id = s.id AND (c.vaccination_status IS DISTINCT FROM s.status OR c.last_dose_date IS DISTINCT FROM s.last)`,
      [pc],
    );
    casesUpdated = r.rowCount ?? 0;
  });
  await restoreDeferredIndexes(db, 2);
  await db.exec('ANALYZE vaccine_dose; ANALYZE vaccination_profile; ANALYZE sweep_visit;');
  progress(4);
  // Every commune's facts, built in chunks of communes (a refresh would take the communes without facts one by one).
  if (plan.firstDay) await db.tx((q) => rebuildCoverage(q, pc));
  progress(STEPS);
  return {
    lots: plan.lots.length,
    allocations: plan.allocations.length,
    doses: plan.doses.length,
    profiles: plan.profiles.length,
    visits: plan.visits.length,
    homeRequests: plan.homeRequests.length,
    campaigns: 1,
    casesUpdated,
  };
}
