// The vaccination policies (vaccination.products, vaccination.boosters) as the registry, the
// import, sweep lists and certificates read them: the values in force on a date, or every version
// (for checking many doses of different dates without a query per dose).
import type { Queryable } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import { listVersions } from '../policies/service.ts';
import { policiesOn, type VaccinationPolicyVersions } from '../../../domain/vaccination/schedule.ts';
import type { BoostersPolicy, ProductsPolicy, VaccinationPolicies } from '../../../domain/vaccination/policies.ts';

export const VACCINATION_POLICY_KEYS = ['vaccination.products', 'vaccination.boosters'] as const;

/** Every version of both policies of a province. */
export async function loadVaccinationPolicyVersions(q: Queryable, provinceCode: string): Promise<VaccinationPolicyVersions> {
  const [products, boosters] = await Promise.all([listVersions(q, provinceCode, 'vaccination.products'), listVersions(q, provinceCode, 'vaccination.boosters')]);
  return {
    products: products.map((v) => ({ effectiveFrom: v.effectiveFrom, effectiveTo: v.effectiveTo, value: v.value as ProductsPolicy })),
    boosters: boosters.map((v) => ({ effectiveFrom: v.effectiveFrom, effectiveTo: v.effectiveTo, value: v.value as BoostersPolicy })),
  };
}

/** The products and boosters in force on a date; 409 no_policy_in_force when the province has none. */
export async function loadVaccinationPolicies(q: Queryable, provinceCode: string, on: string): Promise<VaccinationPolicies> {
  const p = policiesOn(await loadVaccinationPolicyVersions(q, provinceCode), on);
  if (!p) throw new AppError(409, 'conflict', [{ field: 'vaccination.products', code: 'no_policy_in_force' }]);
  return p;
}
