// Dated policy versions of the vaccination area, with their sources (domain.md §7). Seeded into
// each province; a province administrator adds new versions without a code change.
//   vaccination.products: the products in use, each with its primary schedule, ages and mixing.
//   vaccination.boosters: the additional dose, the boosters by age, and when a due dose is overdue.
// The schedule engine (schedule.ts) and the dose checks (doses.ts) read the version in force on a date.
import { Type } from 'typebox';
import type { PolicyDefinition } from '../policies/registry.ts';
import type { ProductPolicy } from './types.ts';

/** Product codes used by the registry, the import and the lots (lowercase, as vaccine_lot.product_code). */
export const PRODUCT_CODES = ['astrazeneca', 'pfizer', 'moderna', 'vero_cell', 'sputnik_v', 'janssen', 'abdala', 'hayat_vax', 'pfizer_pediatric'] as const;
export type ProductCode = (typeof PRODUCT_CODES)[number];

/** The value of a `vaccination.products` version. */
export interface ProductsPolicy {
  products: ProductPolicy[];
}

/** A booster offered to an age band, a number of calendar months after the dose before it. */
export interface BoosterRule {
  minAge: number;
  maxAge?: number;
  minMonths: number;
  /** Only for people at risk (comorbidity or immunocompromised) in this age band. */
  atRiskOnly?: boolean;
}

/** The value of a `vaccination.boosters` version. */
export interface BoostersPolicy {
  /** The additional dose that completes a weaker primary series (null: not offered yet). */
  additionalDose: { minDays: number; immunocompromised: boolean; afterProducts: string[] } | null;
  /** First booster (dose 3, or dose 4 after an additional dose): counted from the last dose before it. */
  booster1: BoosterRule[];
  /** Second booster (dose 4): counted from the first booster. */
  booster2: BoosterRule[];
  /** A due dose becomes overdue this many days after its due date (when the product names no maximum interval). */
  overdueAfterDays: { primary: number; booster: number };
}

/** The policies the rules read, as in force on one date. */
export interface VaccinationPolicies {
  products: ProductPolicy[];
  boosters: BoostersPolicy;
}

const p = (code: ProductCode, name: string, primaryDoses: number, intervals: [number, number?][], minAge: number, mixPrimary: boolean, booster: boolean, maxAge?: number): ProductPolicy => ({
  code,
  name,
  primaryDoses,
  primaryIntervals: intervals.map(([minDays, maxDays]) => (maxDays == null ? { minDays } : { minDays, maxDays })),
  minAge,
  ...(maxAge == null ? {} : { maxAge }),
  mixPrimary,
  booster,
});

// Adults first (2021): AstraZeneca 8–12 weeks, Pfizer 3 weeks, Moderna 4 weeks, Vero Cell 3–4 weeks,
// Sputnik V 3 weeks (two different components: not mixed), Janssen one dose, Abdala three doses
// (0–14–28 days), Hayat-Vax 3–4 weeks. The mRNA vaccines and AstraZeneca may complete each
// other's primary series (mixing guidance of 2021); the inactivated and vector vaccines may not.
const AZ = (minAge = 18) => p('astrazeneca', 'AstraZeneca (Vaxzevria)', 2, [[56, 84]], minAge, true, true);
const PFIZER = (minAge = 18) => p('pfizer', 'Pfizer-BioNTech (Comirnaty)', 2, [[21]], minAge, true, true);
const MODERNA = (minAge = 18) => p('moderna', 'Moderna (Spikevax)', 2, [[28]], minAge, true, true);
const VERO = p('vero_cell', 'Sinopharm Vero Cell', 2, [[21, 28]], 18, false, false);
const SPUTNIK = p('sputnik_v', 'Sputnik V (Gam-COVID-Vac)', 2, [[21]], 18, false, false);
const JANSSEN = p('janssen', 'Janssen (Johnson & Johnson)', 1, [], 18, false, false);
const ABDALA = p('abdala', 'Abdala', 3, [[14], [14]], 19, false, false, 65);
const HAYAT = p('hayat_vax', 'Hayat-Vax', 2, [[21, 28]], 18, false, false);
// Children 5–11 (2022): the paediatric Pfizer formulation, both doses of the same product.
const PFIZER_PEDIATRIC = p('pfizer_pediatric', 'Pfizer-BioNTech cho trẻ 5–11 tuổi', 2, [[21]], 5, false, false, 11);

export const PRODUCTS_DEFAULTS: { effectiveFrom: string; value: ProductsPolicy; source: string }[] = [
  {
    effectiveFrom: '2021-03-01',
    value: { products: [AZ(), SPUTNIK] },
    source: 'QĐ 983/QĐ-BYT ngày 01/02/2021 (AstraZeneca, mũi 2 sau 8–12 tuần), QĐ 1651/QĐ-BYT ngày 23/03/2021 (Sputnik V, 3 tuần); người từ 18 tuổi (domain.md §7)',
  },
  {
    effectiveFrom: '2021-07-15',
    value: { products: [AZ(), SPUTNIK, VERO, PFIZER(), MODERNA(), JANSSEN] },
    source: 'Phê duyệt có điều kiện 6–7/2021: Vero Cell (3–4 tuần), Pfizer (3 tuần), Moderna (4 tuần), Janssen (1 liều); tiêm trộn AstraZeneca với vắc xin mRNA (domain.md §7; số quyết định cần xác minh)',
  },
  {
    effectiveFrom: '2021-09-17',
    value: { products: [AZ(), SPUTNIK, VERO, PFIZER(), MODERNA(), JANSSEN, HAYAT, ABDALA] },
    source: 'Hayat-Vax (10/09/2021, 3–4 tuần) và Abdala (17/09/2021, 3 liều cách 14 ngày, 19–65 tuổi) được phê duyệt (domain.md §7: các vắc xin đã phê duyệt đến 9/2021)',
  },
  {
    effectiveFrom: '2021-10-01',
    value: { products: [AZ(), SPUTNIK, VERO, PFIZER(12), MODERNA(12), JANSSEN, HAYAT, ABDALA] },
    source: 'Tiêm cho trẻ 12–17 tuổi từ 10/2021 bằng Pfizer (và Moderna) (domain.md §7)',
  },
  {
    effectiveFrom: '2022-04-14',
    value: { products: [AZ(), SPUTNIK, VERO, PFIZER(12), MODERNA(12), JANSSEN, HAYAT, ABDALA, PFIZER_PEDIATRIC] },
    source: 'Tiêm cho trẻ 5–11 tuổi từ 2022 (Pfizer liều cho trẻ em, 2 mũi cùng loại vắc xin) (domain.md §7; ngày bắt đầu 14/04/2022 cần xác minh)',
  },
];

export const BOOSTERS_DEFAULTS: { effectiveFrom: string; value: BoostersPolicy; source: string }[] = [
  {
    effectiveFrom: '2021-03-01',
    value: { additionalDose: null, booster1: [], booster2: [], overdueAfterDays: { primary: 28, booster: 90 } },
    source: 'Chưa tiêm liều bổ sung, liều nhắc lại; quá hạn: 28 ngày sau ngày đến hạn mũi cơ bản, 90 ngày sau ngày đến hạn mũi nhắc (cấu hình của tỉnh)',
  },
  {
    effectiveFrom: '2021-11-19',
    value: {
      additionalDose: { minDays: 28, immunocompromised: true, afterProducts: ['vero_cell', 'sputnik_v'] },
      booster1: [{ minAge: 18, minMonths: 6 }],
      booster2: [],
      overdueAfterDays: { primary: 28, booster: 90 },
    },
    source: 'Hướng dẫn tiêm liều bổ sung và liều nhắc lại (11/2021): liều bổ sung ≥ 28 ngày sau liều cơ bản cho người suy giảm miễn dịch và người tiêm Vero Cell / Sputnik V; liều nhắc ≥ 6 tháng sau liều cuối (domain.md §7; số công văn cần xác minh)',
  },
  {
    effectiveFrom: '2021-12-17',
    value: {
      additionalDose: { minDays: 28, immunocompromised: true, afterProducts: ['vero_cell', 'sputnik_v'] },
      booster1: [{ minAge: 18, minMonths: 3 }],
      booster2: [],
      overdueAfterDays: { primary: 28, booster: 90 },
    },
    source: 'Công văn 10696/BYT-DP ngày 17/12/2021: liều nhắc lại sau liều cuối ít nhất 3 tháng (domain.md §7)',
  },
  {
    effectiveFrom: '2022-06-01',
    value: {
      additionalDose: { minDays: 28, immunocompromised: true, afterProducts: ['vero_cell', 'sputnik_v'] },
      booster1: [
        { minAge: 18, minMonths: 3 },
        { minAge: 12, maxAge: 17, minMonths: 5 },
      ],
      booster2: [
        { minAge: 50, minMonths: 4 },
        { minAge: 18, minMonths: 4, atRiskOnly: true },
      ],
      overdueAfterDays: { primary: 28, booster: 90 },
    },
    source: 'Năm 2022: mũi 3 ≥ 3 tháng sau mũi 2 (từ 18 tuổi), ≥ 5 tháng (12–17 tuổi); mũi 4 ≥ 4 tháng sau mũi 3 cho người từ 50 tuổi và người có nguy cơ (domain.md §7; ngày áp dụng và nhóm tiêm mũi 4 cần xác minh)',
  },
];

const Age = Type.Integer({ minimum: 0, maximum: 130 });
const ProductSchema = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9_]{1,40}$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    primaryDoses: Type.Integer({ minimum: 1, maximum: 3 }),
    primaryIntervals: Type.Array(Type.Object({ minDays: Type.Integer({ minimum: 1, maximum: 365 }), maxDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 730 })) }, { additionalProperties: false }), {
      maxItems: 2,
    }),
    minAge: Age,
    maxAge: Type.Optional(Age),
    mixPrimary: Type.Boolean(),
    booster: Type.Boolean(),
  },
  { additionalProperties: false },
);
const BoosterRuleSchema = Type.Object(
  { minAge: Age, maxAge: Type.Optional(Age), minMonths: Type.Integer({ minimum: 1, maximum: 36 }), atRiskOnly: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const VACCINATION_POLICY_DEFINITIONS: PolicyDefinition[] = [
  {
    key: 'vaccination.products',
    title: { vi: 'Vắc xin được sử dụng và lịch tiêm cơ bản', en: 'Vaccine products and their primary schedules' },
    schema: Type.Object({ products: Type.Array(ProductSchema, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false }),
    defaults: PRODUCTS_DEFAULTS,
  },
  {
    key: 'vaccination.boosters',
    title: { vi: 'Liều bổ sung, liều nhắc lại và thời hạn quá hạn', en: 'Additional dose, boosters and overdue windows' },
    schema: Type.Object(
      {
        additionalDose: Type.Union([
          Type.Object(
            { minDays: Type.Integer({ minimum: 1, maximum: 365 }), immunocompromised: Type.Boolean(), afterProducts: Type.Array(Type.String({ pattern: '^[a-z0-9_]{1,40}$' }), { maxItems: 50 }) },
            { additionalProperties: false },
          ),
          Type.Null(),
        ]),
        booster1: Type.Array(BoosterRuleSchema, { maxItems: 20 }),
        booster2: Type.Array(BoosterRuleSchema, { maxItems: 20 }),
        overdueAfterDays: Type.Object({ primary: Type.Integer({ minimum: 1, maximum: 730 }), booster: Type.Integer({ minimum: 1, maximum: 730 }) }, { additionalProperties: false }),
      },
      { additionalProperties: false },
    ),
    defaults: BOOSTERS_DEFAULTS,
  },
];
