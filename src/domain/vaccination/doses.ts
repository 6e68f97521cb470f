// Checks of one dose before it is written (entry, sweep, home vaccination, import row by row):
// the bad inputs of issue 5 with stable codes. Pure and allocation-light: the import calls it for
// every row with the policies in force on the row's date (schedule.ts policiesOn).
import type { VaccinationPolicies } from './policies.ts';
import { additionalIndicated, addDays, addMonths, isIsoDate, ageOn, boosterRuleFor, isPrimary, KIND_RANK, productsByCode, seriesLength, type VaccinationProfileFacts } from './schedule.ts';
import type { DoseFact, DoseKind } from './types.ts';

export interface DoseFieldError {
  field: 'givenOn' | 'productCode' | 'kind' | 'overrideReason';
  code: string;
  /** A parameter of the error (the earliest allowed date for interval_too_short). */
  message?: string;
}

export interface DoseCheckInput {
  birthDate: string | null;
  /** The person's other doses (without the one being corrected). */
  existing: DoseFact[];
  dose: DoseFact;
  /** Today in Viet Nam: no dose is recorded in the future. */
  today: string;
  /** Why a dose was given before the minimum interval (accepted, and the dose flagged). */
  overrideReason?: string | null;
  profile?: VaccinationProfileFacts | null;
}

export interface DoseCheck {
  errors: DoseFieldError[];
  /** Given before the minimum interval, accepted with the override reason. */
  flagged: boolean;
  /** The earliest date the dose could be given by the schedule (null when not computed). */
  minimumOn: string | null;
}

/** Shortest override reason accepted (a word or two, not a blank or a dot). */
export const MIN_OVERRIDE_REASON = 3;

/** Human messages of the codes, for the import's error file and the API's field messages. */
export const DOSE_ERROR_MESSAGES: Record<string, { vi: string; en: string }> = {
  invalid_date: { vi: 'Ngày tiêm không hợp lệ', en: 'Invalid date' },
  in_future: { vi: 'Ngày tiêm ở tương lai', en: 'The date is in the future' },
  before_birth: { vi: 'Ngày tiêm trước ngày sinh', en: 'Given before the birth date' },
  invalid_kind: { vi: 'Loại mũi tiêm không hợp lệ', en: 'Unknown dose kind' },
  product_not_in_force: { vi: 'Vắc xin không có trong danh mục áp dụng vào ngày tiêm', en: 'Product not in use on that date' },
  product_not_for_age: { vi: 'Vắc xin không dùng cho độ tuổi này', en: 'Product not authorised for this age' },
  product_not_for_kind: { vi: 'Vắc xin không dùng cho loại mũi này', en: 'Product not used for this kind of dose' },
  mixing_not_allowed: { vi: 'Không được tiêm trộn vắc xin này trong liều cơ bản', en: 'This product may not be mixed in the primary series' },
  not_in_series: { vi: 'Liều cơ bản của vắc xin này không có mũi này', en: "The product's primary series has no such dose" },
  duplicate_kind: { vi: 'Người này đã có mũi này', en: 'This dose is already recorded' },
  duplicate_day: { vi: 'Người này đã có một mũi tiêm trong ngày này', en: 'Another dose is recorded on that day' },
  missing_previous: { vi: 'Chưa có mũi trước', en: 'The previous dose is missing' },
  primary_incomplete: { vi: 'Chưa hoàn thành liều cơ bản', en: 'The primary series is not complete' },
  wrong_order: { vi: 'Thứ tự ngày tiêm không khớp với thứ tự các mũi', en: 'Dates out of order with the doses' },
  not_offered: { vi: 'Loại mũi này chưa được áp dụng vào ngày tiêm', en: 'This kind of dose was not offered on that date' },
  not_for_age: { vi: 'Loại mũi này chưa áp dụng cho độ tuổi này', en: 'This kind of dose is not offered at this age' },
  not_indicated: { vi: 'Liều bổ sung chỉ dành cho người suy giảm miễn dịch hoặc đã tiêm Vero Cell / Sputnik V', en: 'The additional dose is for immunocompromised people or Vero Cell / Sputnik V recipients' },
  interval_too_short: { vi: 'Chưa đủ khoảng cách tối thiểu; cần ghi lý do nếu vẫn tiêm', en: 'Before the minimum interval; a reason is required' },
};


/** Checks a dose against the person's other doses and the policies in force on its date. */
export function checkDose(input: DoseCheckInput, policies: VaccinationPolicies | null): DoseCheck {
  const errors: DoseFieldError[] = [];
  const out = (): DoseCheck => ({ errors, flagged: false, minimumOn: null });
  const { dose, birthDate } = input;
  if (!(dose.kind in KIND_RANK)) errors.push({ field: 'kind', code: 'invalid_kind' });
  if (!isIsoDate(dose.givenOn)) {
    errors.push({ field: 'givenOn', code: 'invalid_date' });
    return out();
  }
  if (dose.givenOn > input.today) errors.push({ field: 'givenOn', code: 'in_future' });
  if (birthDate && dose.givenOn < birthDate) errors.push({ field: 'givenOn', code: 'before_birth' });
  if (errors.length) return out();

  const product = policies ? productsByCode(policies.products).get(dose.productCode) : undefined;
  if (!policies || !product) {
    errors.push({ field: 'productCode', code: 'product_not_in_force' });
    return out();
  }
  const age = birthDate ? ageOn(birthDate, dose.givenOn) : null;
  if (age != null && (age < product.minAge || (product.maxAge != null && age > product.maxAge))) errors.push({ field: 'productCode', code: 'product_not_for_age' });

  // Duplicates and order against the other doses.
  const others = input.existing;
  if (others.some((d) => d.kind === dose.kind)) errors.push({ field: 'kind', code: 'duplicate_kind' });
  if (others.some((d) => d.givenOn === dose.givenOn)) errors.push({ field: 'givenOn', code: 'duplicate_day' });
  const rank = KIND_RANK[dose.kind];
  if (others.some((d) => (KIND_RANK[d.kind] < rank && d.givenOn >= dose.givenOn) || (KIND_RANK[d.kind] > rank && d.givenOn <= dose.givenOn))) {
    if (!errors.some((e) => e.code === 'duplicate_day')) errors.push({ field: 'givenOn', code: 'wrong_order' });
  }

  const byCode = productsByCode(policies.products);
  const primaries = others.filter((d) => isPrimary(d.kind)).sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind]);
  const find = (k: DoseKind) => others.find((d) => d.kind === k);
  let from: string | null = null;
  let minimumOn: string | null = null;

  if (isPrimary(dose.kind)) {
    const n = rank;
    if (n > 1) {
      const prev = find(`primary_${n - 1}` as DoseKind);
      if (!prev) errors.push({ field: 'kind', code: 'missing_previous' });
      else {
        const prevProduct = byCode.get(prev.productCode);
        if (prev.productCode !== product.code && !(prevProduct?.mixPrimary && product.mixPrimary)) errors.push({ field: 'productCode', code: 'mixing_not_allowed' });
        const interval = prevProduct?.primaryIntervals[n - 2] ?? product.primaryIntervals[n - 2];
        if (interval) minimumOn = addDays(prev.givenOn, interval.minDays);
        from = prev.givenOn;
      }
      const need = seriesLength([...primaries, dose].sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind]), byCode);
      if (need != null && n > need) errors.push({ field: 'kind', code: 'not_in_series' });
    }
  } else {
    if (!product.booster) errors.push({ field: 'productCode', code: 'product_not_for_kind' });
    const need = seriesLength(primaries, byCode);
    const complete = need != null && primaries.length >= need;
    const fully = complete ? primaries[need! - 1].givenOn : null;
    const atRisk = !!(input.profile?.immunocompromised || input.profile?.comorbidity);
    if (dose.kind === 'additional') {
      if (!complete) errors.push({ field: 'kind', code: 'primary_incomplete' });
      else if (!policies.boosters.additionalDose) errors.push({ field: 'kind', code: 'not_offered' });
      else if (!additionalIndicated(policies.boosters, primaries.map((d) => d.productCode), input.profile)) errors.push({ field: 'kind', code: 'not_indicated' });
      else minimumOn = addDays(fully!, policies.boosters.additionalDose.minDays);
      from = fully;
    } else if (dose.kind === 'booster_1') {
      const additional = find('additional');
      if (!complete) errors.push({ field: 'kind', code: 'primary_incomplete' });
      else if (policies.boosters.booster1.length === 0) errors.push({ field: 'kind', code: 'not_offered' });
      else {
        const rule = boosterRuleFor(policies.boosters.booster1, age, atRisk);
        from = additional && additional.givenOn > fully! ? additional.givenOn : fully;
        if (!rule) errors.push({ field: 'kind', code: 'not_for_age' });
        else minimumOn = addMonths(from!, rule.minMonths);
      }
    } else if (dose.kind === 'booster_2') {
      const b1 = find('booster_1');
      if (!b1) errors.push({ field: 'kind', code: 'missing_previous' });
      else if (policies.boosters.booster2.length === 0) errors.push({ field: 'kind', code: 'not_offered' });
      else {
        const rule = boosterRuleFor(policies.boosters.booster2, age, atRisk);
        from = b1.givenOn;
        if (!rule) errors.push({ field: 'kind', code: 'not_for_age' });
        else minimumOn = addMonths(b1.givenOn, rule.minMonths);
      }
    }
  }
  if (errors.length) return { errors, flagged: false, minimumOn };

  let flagged = false;
  if (minimumOn && from && dose.givenOn < minimumOn) {
    const reason = input.overrideReason?.trim() ?? '';
    if (reason.length >= MIN_OVERRIDE_REASON) flagged = true;
    else errors.push({ field: 'givenOn', code: 'interval_too_short', message: minimumOn });
  }
  return { errors, flagged, minimumOn };
}
