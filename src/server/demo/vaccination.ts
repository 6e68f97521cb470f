// The demo's vaccination history in the database: the plan (src/domain/demo/vaccination.ts) made
// ready by vaccinationCsv.ts, written as lots, allocations, doses, profiles, sweep visits, home
// vaccination requests and the running booster campaign in one transaction (COPY for the large
// tables); then the outbreak's case records brought in line with the doses and the coverage facts
// of every commune built.
import type { Db, Queryable } from '../db/index.ts';
import { csvLine } from '../../domain/demo/csv.ts';
import type { VaccCommune, VaccHousehold } from '../../domain/demo/vaccination.ts';
import { primaryDosesByProduct, rebuildCoverage } from '../modules/vaccination/coverageFacts.ts';
import { rebuildLotFacts } from '../modules/vaccination/lotFacts.ts';
import { todayInVietnam } from '../modules/imports/service.ts';
import { addDays } from '../../domain/cases/dates.ts';
import { COVERAGE_HORIZON_DAYS, COVERAGE_START } from '../../domain/vaccination/coverage.ts';
import { deferIndexes, restoreDeferredIndexes } from '../modules/imports/store.ts';
import { COVERAGE_COLUMNS, DOSE_COLUMNS, PROFILE_COLUMNS, VISIT_COLUMNS, type PreparedVaccination, type VaccinationIds } from './vaccinationCsv.ts';

export interface VaccinationDemoOptions {
  provinceCode: string;
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
  /** Coverage fact rows written as prepared from the plan (0: rebuilt from the doses). */
  factsFromPlan: number;
}

export const noDemoVaccination: VaccinationDemoCounts = { lots: 0, allocations: 0, doses: 0, profiles: 0, visits: 0, homeRequests: 0, campaigns: 0, casesUpdated: 0, factsFromPlan: 0 };

const STEPS = 5;

export async function readVaccinationInput(q: Queryable, pc: string) {
  const communes = await vaccinationCommunes(q, pc);
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

/** The province's communes with their districts, as the plan names them. */
export async function vaccinationCommunes(q: Queryable, pc: string): Promise<VaccCommune[]> {
  return (
    await q.query<VaccCommune>(
      `SELECT c.code, c.name, c.path, d.code AS "districtCode", d.path AS "districtPath"
         FROM admin_unit c JOIN admin_unit d ON d.province_code = c.province_code AND d.code = c.parent_code
        WHERE c.province_code = $1 AND c.level = 'commune' ORDER BY c.code`,
      [pc],
    )
  ).rows;
}

/**
 * The ids the prepared history names: the demo users (they must exist) and the first of a range
 * of lot ids taken from the lots' sequence (the lots are written with those ids, the sequence
 * moved past them).
 */
export async function vaccinationIds(q: Queryable, pc: string): Promise<VaccinationIds> {
  const users = new Map((await q.query<{ username: string; id: number; unit_code: string }>(`SELECT username, id, unit_code FROM app_user WHERE province_code = $1`, [pc])).rows.map((u) => [u.username, u]));
  const team = users.get('tocovid');
  const lotBase = Number((await q.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('vaccine_lot', 'id')) AS id`)).rows[0].id);
  const coverage = { from: COVERAGE_START, horizon: addDays(todayInVietnam(), COVERAGE_HORIZON_DAYS), products: await primaryDosesByProduct(q, pc) };
  return { lotBase, vaccinatorId: users.get('tiemchung')?.id ?? null, team: team ? { id: Number(team.id), unitCode: team.unit_code } : null, coverage };
}

export async function createDemoVaccination(db: Db, o: VaccinationDemoOptions, prepared: PreparedVaccination): Promise<VaccinationDemoCounts> {
  const pc = o.provinceCode;
  const progress = (done: number) => o.onProgress?.('vaccination', done, STEPS);
  progress(1);
  const { plan, counts } = prepared;
  const users = new Map((await db.query<{ username: string; id: number; unit_code: string }>(`SELECT username, id, unit_code FROM app_user WHERE province_code = $1`, [pc])).rows.map((u) => [u.username, u]));
  const vaccinatorId = users.get('tiemchung')?.id ?? null;
  const team = users.get('tocovid');

  // A whole province's doses go in without the dose table's secondary indexes, built once after.
  if (counts.doses >= 50_000) await deferIndexes(db, 'vaccine_dose');
  await db.tx(async (q) => {
    // Lots with the ids the doses' CSV names, then their allocations (district rows first: commune rows name them as parent).
    const lotBase = prepared.lotBase;
    const lotIds = new Map(plan.lots.map((l, i) => [l.key, lotBase + i]));
    if (plan.lots.length) {
      await q.query(
        `INSERT INTO vaccine_lot (province_code, id, product_code, lot_number, expiry_date, doses_received, received_on, source, created_by)
         SELECT $1, $2::bigint + o - 1, p, l, e, n, r, 'Kho vắc xin tỉnh (demo)', $8 FROM unnest($3::text[], $4::text[], $5::date[], $6::int[], $7::date[]) WITH ORDINALITY AS t(p, l, e, n, r, o)`,
        [pc, lotBase, plan.lots.map((l) => l.productCode), plan.lots.map((l) => l.lotNumber), plan.lots.map((l) => l.expiryDate), plan.lots.map((l) => l.dosesReceived), plan.lots.map((l) => l.receivedOn), vaccinatorId],
      );
      await q.query(`SELECT setval(pg_get_serial_sequence('vaccine_lot', 'id'), greatest($1::bigint, (SELECT max(id) FROM vaccine_lot)))`, [lotBase + plan.lots.length - 1]);
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

    // Doses, profiles and visits as prepared (see vaccinationCsv.ts).
    if (counts.doses) await q.copyFromCsv('vaccine_dose', DOSE_COLUMNS, prepared.dosesCsv);
    progress(2);
    if (counts.profiles) await q.copyFromCsv('vaccination_profile', PROFILE_COLUMNS, prepared.profilesCsv);
    if (counts.visits) await q.copyFromCsv('sweep_visit', VISIT_COLUMNS, prepared.visitsCsv);
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
  });
  await restoreDeferredIndexes(db, 2);
  await db.exec('ANALYZE vaccine_dose; ANALYZE vaccination_profile; ANALYZE sweep_visit;');
  progress(4);
  // Every commune's coverage facts: as prepared from the planned history (the rows the rebuild would
  // write, see vaccinationCsv.ts), else rebuilt from the doses; then the lots' facts from the doses.
  let factsFromPlan = 0;
  if (plan.firstDay && prepared.coverageCsv) {
    const csv = prepared.coverageCsv;
    factsFromPlan = prepared.counts.facts;
    await db.tx(async (q) => {
      await q.copyFromCsv('vaccination_coverage_daily', COVERAGE_COLUMNS, csv);
      await rebuildLotFacts(q, pc);
    });
    await db.exec('ANALYZE vaccination_coverage_daily;');
  } else if (plan.firstDay) await db.tx((q) => rebuildCoverage(q, pc));
  progress(STEPS);
  return {
    lots: plan.lots.length,
    allocations: plan.allocations.length,
    doses: counts.doses,
    profiles: counts.profiles,
    visits: counts.visits,
    homeRequests: plan.homeRequests.length,
    campaigns: 1,
    casesUpdated: 0,
    factsFromPlan,
  };
}

/**
 * The outbreak's cases: their vaccination status and last dose as the registry has them on the day
 * they were sampled (or reported). Run once the doses and every case of the demo are written.
 */
export async function alignCasesWithDoses(db: Db, pc: string): Promise<number> {
  const r = await db.query(
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
  return r.rowCount ?? 0;
}
