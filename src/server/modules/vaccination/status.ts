// A person's vaccination status as the other areas read it (cases, checkpoints, sweep lists,
// certificates): the doses from the registry, the schedule status on a date under the policies in
// force then, the date the primary series was complete and the last dose. No scoping and no audit
// here: the caller has already checked that the people are in its jurisdiction and audits its read.
import type { Queryable } from '../../db/index.ts';
import { loadVaccinationPolicies, loadVaccinationPolicyVersions } from './policies.ts';
import { policiesOn, scheduleStatus, sortDoses } from '../../../domain/vaccination/schedule.ts';
import type { VaccinationPolicies } from '../../../domain/vaccination/policies.ts';
import type { DoseFact, DoseKind, ScheduleStatus } from '../../../domain/vaccination/types.ts';

export interface RegistryDose extends DoseFact {
  id: number;
  lotId: number;
  flagged: boolean;
}

export interface PersonVaccinationStatus {
  personId: number;
  doses: RegistryDose[];
  status: ScheduleStatus;
  fullyVaccinatedOn: string | null;
  lastDose: RegistryDose | null;
}

interface Row {
  personId: number;
  birthDate: string | null;
  immunocompromised: boolean | null;
  comorbidity: boolean | null;
  deferral: 'contraindicated' | 'deferred' | null;
  deferralUntil: string | null;
  doses: { id: number; kind: DoseKind; productCode: string; givenOn: string; lotId: number; flagged: boolean }[] | null;
}

/**
 * The status on `on` of each person (people not in the province are left out). Doses given after
 * `on` are not counted. One query for all the people; the policies are read once.
 */
export async function vaccinationStatusOf(
  q: Queryable,
  provinceCode: string,
  personIds: number[],
  on: string,
  policies?: VaccinationPolicies,
): Promise<Map<number, PersonVaccinationStatus>> {
  const out = new Map<number, PersonVaccinationStatus>();
  if (personIds.length === 0) return out;
  const pol = policies ?? (await loadVaccinationPolicies(q, provinceCode, on));
  // Two flat reads (people with their profile, then their doses) grouped here: cheaper than a
  // JSON aggregate per person for a commune's 20,000 people.
  const [people, doseRows] = await Promise.all([
    q.query<Omit<Row, 'doses'>>(
      `SELECT p.id AS "personId", p.birth_date AS "birthDate", vp.immunocompromised, vp.comorbidity, vp.deferral, vp.deferral_until AS "deferralUntil"
         FROM person p
         LEFT JOIN vaccination_profile vp ON vp.province_code = p.province_code AND vp.person_id = p.id
        WHERE p.province_code = $1 AND p.id = ANY($2::bigint[])`,
      [provinceCode, personIds],
    ),
    q.query<{ personId: number; id: number; kind: DoseKind; productCode: string; givenOn: string; lotId: number; flagged: boolean }>(
      `SELECT person_id AS "personId", id, dose_kind AS kind, product_code AS "productCode", given_on AS "givenOn", lot_id AS "lotId", flagged
         FROM vaccine_dose WHERE province_code = $1 AND person_id = ANY($2::bigint[]) AND given_on <= $3::date`,
      [provinceCode, personIds, on],
    ),
  ]);
  const byPerson = new Map<number, RegistryDose[]>();
  for (const d of doseRows.rows) {
    const pid = Number(d.personId);
    const list = byPerson.get(pid);
    const dose: RegistryDose = { id: Number(d.id), kind: d.kind, productCode: d.productCode, givenOn: d.givenOn, lotId: Number(d.lotId), flagged: d.flagged };
    if (list) list.push(dose);
    else byPerson.set(pid, [dose]);
  }
  for (const row of people.rows) {
    const pid = Number(row.personId);
    const doses = sortDoses(byPerson.get(pid) ?? []) as RegistryDose[];
    const status = scheduleStatus(
      {
        birthDate: row.birthDate,
        doses,
        on,
        profile: { immunocompromised: !!row.immunocompromised, comorbidity: !!row.comorbidity, deferral: row.deferral, deferralUntil: row.deferralUntil },
      },
      pol.products,
      pol.boosters,
    );
    out.set(pid, { personId: pid, doses, status, fullyVaccinatedOn: status.fullyVaccinatedOn, lastDose: doses.at(-1) ?? null });
  }
  return out;
}

/** A case record's vaccination fields, from the registry: null when the registry has no dose of the person by that date. */
export async function caseVaccinationFacts(
  q: Queryable,
  provinceCode: string,
  personId: number,
  on: string,
): Promise<{ vaccinationStatus: 'partial' | 'full' | 'booster'; lastDoseDate: string; fullyVaccinatedOn: string | null } | null> {
  const any = await q.query(`SELECT 1 FROM vaccine_dose WHERE province_code = $1 AND person_id = $2 AND given_on <= $3::date LIMIT 1`, [provinceCode, personId, on]);
  if (!any.rows.length) return null;
  const versions = await loadVaccinationPolicyVersions(q, provinceCode);
  const policies = policiesOn(versions, on);
  if (!policies) return null;
  const s = (await vaccinationStatusOf(q, provinceCode, [personId], on, policies)).get(personId);
  if (!s || !s.lastDose) return null;
  const boosted = s.fullyVaccinatedOn != null && s.doses.some((d) => d.kind === 'additional' || d.kind === 'booster_1' || d.kind === 'booster_2');
  return { vaccinationStatus: boosted ? 'booster' : s.fullyVaccinatedOn ? 'full' : 'partial', lastDoseDate: s.lastDose.givenOn, fullyVaccinatedOn: s.fullyVaccinatedOn };
}
