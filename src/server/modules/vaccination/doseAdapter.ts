// The dose a sweep visit or a home vaccination records: the kind the schedule says is due, the
// product of the lot, written through the registry (its checks, its audit, the coverage refresh).
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import type { Scope } from '../units/store.ts';
import { vaccinationStatusOf } from './status.ts';
import { loadVaccinationPolicies } from './policies.ts';
import { refreshCoverage } from './coverageFacts.ts';
import { checkDose, DOSE_ERROR_MESSAGES } from '../../../domain/vaccination/doses.ts';

export interface DoorDose {
  lotId: number;
  siteName?: string | null;
  vaccinator?: string | null;
  intervalOverrideReason?: string | null;
}

export type DoseRecorder = (q: Queryable, person: { id: number; unitPath: string }, dose: DoorDose, givenOn: string) => Promise<number>;

/** Records the due dose for a person the caller may see; returns the dose id. */
export function doseRecorder(req: FastifyRequest, scope: Scope, source: 'sweep' | 'home' = 'sweep'): DoseRecorder {
  return async (q, person, dose, givenOn) => {
    const lot = await q.query<{ product_code: string; expiry_date: string | null }>(`SELECT product_code, expiry_date::text FROM vaccine_lot WHERE province_code = $1 AND id = $2`, [scope.provinceCode, dose.lotId]);
    if (!lot.rows[0]) throw new AppError(400, 'validation', [{ field: 'dose.lotId', code: 'unknown_lot', message: 'Không có lô vắc xin này / unknown lot' }]);
    const st = (await vaccinationStatusOf(q, scope.provinceCode, [person.id], givenOn)).get(person.id);
    const kind = st?.status.nextKind;
    if (!st || !kind) throw new AppError(409, 'conflict', [{ field: 'dose', code: 'no_dose_due', message: 'Người này không có mũi nào cần tiêm / no dose is due' }]);
    const productCode = lot.rows[0].product_code;
    const pol = await loadVaccinationPolicies(q, scope.provinceCode, givenOn);
    const person1 = await q.query<{ birth_date: string | null; commune_code: string; immunocompromised: boolean | null }>(
      `SELECT p.birth_date::text, p.commune_code, vp.immunocompromised FROM person p LEFT JOIN vaccination_profile vp ON vp.province_code = p.province_code AND vp.person_id = p.id WHERE p.province_code = $1 AND p.id = $2`,
      [scope.provinceCode, person.id],
    );
    const pr = person1.rows[0];
    const check = checkDose(
      { birthDate: pr.birth_date, existing: st.doses, dose: { kind, productCode, givenOn }, today: givenOn, overrideReason: dose.intervalOverrideReason ?? null, profile: { immunocompromised: !!pr.immunocompromised } },
      pol,
    );
    if (check.errors.length)
      throw new AppError(
        400,
        'validation',
        check.errors.map((e) => ({ field: `dose.${e.field}`, code: e.code, message: DOSE_ERROR_MESSAGES[e.code]?.vi ?? e.message })),
      );
    const r = await q.query<{ id: number }>(
      `INSERT INTO vaccine_dose (province_code, person_id, unit_path, commune_code, product_code, lot_id, dose_kind, given_on, site_name, site_unit_code, site_path, vaccinator, interval_override_reason, flagged, source, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $4, (SELECT path FROM admin_unit WHERE province_code = $1 AND code = $4), $10, $11, $12, $13, $14) RETURNING id`,
      [
        scope.provinceCode,
        person.id,
        person.unitPath,
        pr.commune_code,
        productCode,
        dose.lotId,
        kind,
        givenOn,
        dose.siteName ?? null,
        dose.vaccinator ?? null,
        check.flagged ? dose.intervalOverrideReason : null,
        check.flagged,
        source,
        req.user!.id,
      ],
    );
    await refreshCoverage(q, scope.provinceCode, [pr.commune_code], givenOn);
    return Number(r.rows[0].id);
  };
}
