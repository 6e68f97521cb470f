// The dose a sweep visit or a home vaccination records: the kind the schedule says is due on the
// day, written through the registry's recordDose (its checks, its audit, the coverage refresh).
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import type { Scope } from '../units/store.ts';
import { vaccinationStatusOf } from './status.ts';
import { recordDose } from './doses.ts';

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
    const st = (await vaccinationStatusOf(q, scope.provinceCode, [person.id], givenOn)).get(person.id);
    const kind = st?.status.nextKind;
    if (!st || !kind) throw new AppError(409, 'conflict', [{ field: 'dose', code: 'no_dose_due', message: 'Người này không có mũi nào cần tiêm / no dose is due' }]);
    const u = req.user!;
    const r = await recordDose(
      q,
      { id: u.id, username: u.username, role: u.role },
      scope,
      { personId: person.id, kind, lotId: dose.lotId, givenOn, siteName: dose.siteName ?? null, vaccinator: dose.vaccinator ?? null, overrideReason: dose.intervalOverrideReason ?? null, source },
      req,
    );
    return r.dose.id;
  };
}
