// The demo outbreak in the database: reads what the planner needs (communes with their population,
// then only the people of the few communes the outbreak touches), reads the policies in force,
// plans (src/domain/demo/outbreak.ts) and writes every row in one transaction with COPY.
import type { Db, Queryable } from '../db/index.ts';
import { policyOn } from '../modules/policies/service.ts';
import { csvLine, type CsvValue } from '../../domain/demo/csv.ts';
import {
  chooseOutbreakCommunes,
  planOutbreak,
  type OutbreakCommune,
  type OutbreakHousehold,
  type OutbreakInput,
  type OutbreakPlan,
  type OutbreakPolicies,
  type OutbreakVillage,
  type VersionedPolicy,
} from '../../domain/demo/outbreak.ts';
import type { F0DefinitionPolicy, F1DefinitionPolicy, IsolationPolicy, QuarantinePolicy } from '../../domain/cases/policies.ts';

export interface OutbreakOptions {
  provinceCode: string;
  seed: number;
  /** The demo date (ISO); nothing is dated after it. */
  today: string;
  scale: number;
  onProgress?: (step: string, done: number, total: number) => void;
}

export interface OutbreakCounts {
  cases: number;
  contacts: number;
  clusters: number;
  zones: number;
  facilities: number;
  orders: number;
  checks: number;
  tasks: number;
}

const STEPS = 11;

export async function createDemoOutbreak(db: Db, o: OutbreakOptions): Promise<OutbreakCounts> {
  const progress = (done: number) => o.onProgress?.('outbreak', done, STEPS);
  progress(0);
  const input = await readOutbreakInput(db, o);
  progress(1);
  const plan = planOutbreak(input);
  progress(2);
  await db.tx((q) => writePlan(q, o.provinceCode, plan, (step) => progress(2 + step)));
  // Fresh statistics for the planner (PGlite has no autovacuum to do it).
  await db.exec('ANALYZE case_record; ANALYZE contact; ANALYZE quarantine_order; ANALYZE task;');
  progress(STEPS);
  return {
    cases: plan.cases.length,
    contacts: plan.contacts.length,
    clusters: plan.clusters.length,
    zones: plan.zones.length,
    facilities: plan.facilities.length,
    orders: plan.orders.length,
    checks: plan.checks.length,
    tasks: plan.tasks.length,
  };
}

/** What the planner needs: all communes, the people of the few it chooses, the policies in force on the demo date. */
export async function readOutbreakInput(q: Queryable, o: Omit<OutbreakOptions, 'onProgress'>): Promise<OutbreakInput> {
  const communes = await readCommunes(q, o.provinceCode);
  const sites = chooseOutbreakCommunes(communes, o);
  const { villages, households } = await readPeople(q, o.provinceCode, communes.filter((c) => sites.all.includes(c.code)));
  const policies = await readPolicies(q, o.provinceCode, o.today);
  return { today: o.today, seed: o.seed, scale: o.scale, communes, villages, households, policies };
}

/** Every commune with the number of people registered in it (admin_unit statistics are not refreshed yet). */
async function readCommunes(q: Queryable, provinceCode: string): Promise<OutbreakCommune[]> {
  const r = await q.query<OutbreakCommune>(
    `SELECT c.code, c.name, c.path, coalesce(p.n, 0)::int AS population
       FROM admin_unit c
       LEFT JOIN (SELECT commune_code, count(*) AS n FROM person WHERE province_code = $1 GROUP BY commune_code) p ON p.commune_code = c.code
      WHERE c.province_code = $1 AND c.level = 'commune'
      ORDER BY c.code`,
    [provinceCode],
  );
  return r.rows;
}

/** The villages and the households (with their members) of the chosen communes, one commune at a time. */
async function readPeople(q: Queryable, provinceCode: string, communes: OutbreakCommune[]) {
  const villages = (
    await q.query<OutbreakVillage>(
      `SELECT code, name, parent_code AS "communeCode" FROM admin_unit WHERE province_code = $1 AND level = 'village' AND parent_code = ANY($2::text[]) ORDER BY code`,
      [provinceCode, communes.map((c) => c.code)],
    )
  ).rows;
  const households: OutbreakHousehold[] = [];
  for (const c of communes) {
    // By unit path: the person_unit index serves the prefix (paths are COLLATE "C").
    const people = await q.query<{ id: number; household: string | null; village: string | null; path: string; birth: string | null; sex: 'M' | 'F' | null }>(
      `SELECT id, household_id AS household, village_code AS village, unit_path AS path, birth_date AS birth, sex
         FROM person WHERE province_code = $1 AND unit_path LIKE $2 || '%' ORDER BY household_id, id`,
      [provinceCode, c.path],
    );
    for (const p of people.rows) {
      const id = p.household ?? `person-${p.id}`;
      let h = households[households.length - 1];
      if (h?.id !== id) households.push((h = { id, communeCode: c.code, villageCode: p.village, unitPath: p.path, members: [] }));
      h.members.push({ id: Number(p.id), birthDate: p.birth, sex: p.sex });
    }
  }
  return { villages, households };
}

async function readPolicies(q: Queryable, provinceCode: string, date: string): Promise<OutbreakPolicies> {
  const inForce = async <T>(key: string): Promise<VersionedPolicy<T>> => {
    const p = await policyOn<T>(q, provinceCode, key, date);
    if (!p) throw new Error(`demo outbreak: no version of policy ${key} in force on ${date}`);
    return { value: p.value, version: p.version };
  };
  return {
    f0: await inForce<F0DefinitionPolicy>('cases.f0_definition'),
    f1: await inForce<F1DefinitionPolicy>('cases.f1_definition'),
    quarantine: await inForce<QuarantinePolicy>('quarantine.f1'),
    isolation: await inForce<IsolationPolicy>('isolation.f0'),
    zoneLiftDays: (await inForce<{ days: number }>('zones.lift_after_days')).value.days,
    clusterWindowDays: (await inForce<{ days: number }>('clusters.window_days')).value.days,
  };
}

/** Ids taken from the table's identity sequence ahead of the insert, so rows can point at each other. */
async function reserveIds(q: Queryable, table: string, n: number): Promise<number[]> {
  if (!n) return [];
  const r = await q.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence($1, 'id'))::bigint AS id FROM generate_series(1, $2)`, [table, n]);
  return r.rows.map((x) => Number(x.id));
}

async function copy(q: Queryable, table: string, columns: string[], rows: CsvValue[][]) {
  // In slices, so that no single CSV string grows without bound on a large province.
  for (let i = 0; i < rows.length; i += 20_000) {
    let csv = '';
    for (const row of rows.slice(i, i + 20_000)) csv += csvLine(row);
    await q.copyFromCsv(table, columns, csv);
  }
}

/** A PostgreSQL array literal ('{1,7}', '{"a","b"}') for COPY. */
function arrayLiteral(values: (string | number)[]): string {
  return `{${values.map((v) => (typeof v === 'number' ? String(v) : `"${v.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}

const ref = (ids: number[], i: number | null) => (i == null ? null : ids[i]);
/** The first instant of a calendar day in Vietnam (00:00 UTC is 07:00 there): never after now for a day up to today. */
const morning = (date: string) => `${date}T07:00:00+07:00`;

async function writePlan(q: Queryable, province: string, plan: OutbreakPlan, step: (n: number) => void) {
  const existing = await q.query('SELECT 1 FROM case_record WHERE province_code = $1 LIMIT 1', [province]);
  if (existing.rows.length) throw new Error(`province ${province} already has cases`);
  const facilityIds = await reserveIds(q, 'quarantine_facility', plan.facilities.length);
  const caseIds = await reserveIds(q, 'case_record', plan.cases.length);
  const contactIds = await reserveIds(q, 'contact', plan.contacts.length);
  const clusterIds = await reserveIds(q, 'cluster', plan.clusters.length);
  const orderIds = await reserveIds(q, 'quarantine_order', plan.orders.length);

  await copy(
    q,
    'quarantine_facility',
    ['province_code', 'id', 'name', 'kind', 'unit_path', 'commune_code', 'address', 'capacity'],
    plan.facilities.map((f, i) => [province, facilityIds[i], f.name, f.kind, f.unitPath, f.communeCode, f.address, f.capacity]),
  );
  step(1);
  await copy(
    q,
    'case_record',
    [
      'province_code', 'id', 'person_id', 'unit_path', 'commune_code', 'status', 'basis', 'reported_via', 'definition_version', 'report_date', 'onset_date',
      'sample_date', 'detected_in', 'vaccination_status', 'last_dose_date', 'severity', 'outcome_date', 'notes', 'from_contact_id', 'created_at', 'updated_at',
    ],
    plan.cases.map((c, k) => [
      province, caseIds[k], c.personId, c.unitPath, c.communeCode, c.status, c.basis, c.reportedVia, c.definitionVersion, c.reportDate, c.onsetDate,
      c.sampleDate, c.detectedIn, c.vaccinationStatus, c.lastDoseDate, c.severity, c.outcomeDate, c.notes, ref(contactIds, c.fromContact),
      morning(c.reportDate), morning(c.outcomeDate ?? c.reportDate),
    ]),
  );
  await copy(
    q,
    'case_event',
    ['province_code', 'case_id', 'at', 'username', 'kind', 'changes'],
    plan.cases.map((c, k) => [province, caseIds[k], morning(c.reportDate), 'demo', 'created', JSON.stringify({ basis: c.basis, reportedVia: c.reportedVia, definitionVersion: c.definitionVersion })]),
  );
  step(2);
  await copy(
    q,
    'contact',
    [
      'province_code', 'id', 'person_id', 'source_person_id', 'source_contact_id', 'root_case_id', 'degree', 'unit_path', 'commune_code', 'exposure_date', 'setting',
      'proximity', 'duration_minutes', 'masked', 'meets_definition', 'source', 'status', 'note', 'created_at',
    ],
    plan.contacts.map((c, j) => [
      province, contactIds[j], c.personId, c.sourcePersonId, ref(contactIds, c.sourceContact), caseIds[c.rootCase], c.degree, c.unitPath, c.communeCode, c.exposureDate,
      c.setting, c.proximity, c.durationMinutes, c.masked == null ? null : String(c.masked), String(c.meetsDefinition), c.source, c.status, c.note, morning(c.tracedDate),
    ]),
  );
  step(3);
  await copy(
    q,
    'cluster',
    ['province_code', 'id', 'name', 'status', 'unit_path', 'link', 'first_date', 'last_date', 'note', 'created_at'],
    plan.clusters.map((c, i) => [province, clusterIds[i], c.name, c.status, c.unitPath, c.link, c.firstDate, c.lastDate, c.note, morning(c.firstDate)]),
  );
  await copy(
    q,
    'cluster_case',
    ['province_code', 'cluster_id', 'case_id'],
    plan.clusters.flatMap((c, i) => c.cases.map((k) => [province, clusterIds[i], caseIds[k]])),
  );
  await copy(
    q,
    'zone',
    ['province_code', 'name', 'kind', 'unit_path', 'unit_codes', 'streets', 'start_date', 'last_case_date', 'planned_lift_date', 'lifted_date', 'status', 'reason', 'created_at'],
    plan.zones.map((z) => [
      province, z.name, z.kind, z.unitPath, arrayLiteral(z.unitCodes), z.streets, z.startDate, z.lastCaseDate, z.plannedLiftDate, z.liftedDate, z.status, z.reason, morning(z.startDate),
    ]),
  );
  step(4);
  await copy(
    q,
    'quarantine_order',
    [
      'province_code', 'id', 'person_id', 'unit_path', 'commune_code', 'kind', 'place', 'facility_id', 'case_id', 'contact_id', 'start_date', 'end_date',
      'monitor_until', 'test_days', 'policy_key', 'policy_version', 'rule', 'status', 'released_date', 'release_note', 'decision_no', 'created_at',
    ],
    plan.orders.map((o, i) => [
      province, orderIds[i], o.personId, o.unitPath, o.communeCode, o.kind, o.place, ref(facilityIds, o.facility), ref(caseIds, o.case), ref(contactIds, o.contact),
      o.startDate, o.endDate, o.monitorUntil, arrayLiteral(o.testDays.map((t) => t.day)), o.policyKey, o.policyVersion, o.rule, o.status, o.releasedDate,
      o.releaseNote, o.decisionNo, morning(o.startDate),
    ]),
  );
  await copy(
    q,
    'quarantine_check',
    ['province_code', 'order_id', 'day', 'status', 'note', 'checked_at'],
    plan.checks.map((c) => [province, orderIds[c.order], c.day, c.status, c.note, c.checkedAt]),
  );
  step(6);
  await copy(
    q,
    'task',
    ['province_code', 'kind', 'person_id', 'case_id', 'contact_id', 'order_id', 'unit_path', 'commune_code', 'role', 'due_at', 'detail', 'status', 'done_at', 'note', 'created_at'],
    plan.tasks.map((t) => [
      province, t.kind, t.personId, ref(caseIds, t.case), ref(contactIds, t.contact), ref(orderIds, t.order), t.unitPath, t.communeCode, t.role, t.dueAt,
      t.detail == null ? null : JSON.stringify(t.detail), t.status, t.doneAt, t.note, t.createdAt,
    ]),
  );
  step(8);
}
