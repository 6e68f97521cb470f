// Dated policy versions of the case area, with their sources (domain.md §4). Seeded into each
// province; a province administrator adds new versions without a code change.
import { Type } from 'typebox';
import type { PolicyDefinition } from '../policies/registry.ts';

export const F0_BASES = ['pcr', 'rapid_f1', 'rapid_suspected_link', 'rapid_twice'] as const;
export type F0Basis = (typeof F0_BASES)[number];

export interface F0DefinitionPolicy {
  /** Which evidence makes a confirmed case. */
  bases: F0Basis[];
  /** Two positive rapid tests count when taken within this many hours. */
  rapidTwiceWithinHours: number;
}

export interface F1DefinitionPolicy {
  /** The transmission period starts this many days before onset (or before the positive sample when asymptomatic). */
  daysBeforeOnset: number;
  /** Minutes within 2 m or in a small closed space, masked, that make an F1. */
  minMinutesMasked: number;
}

/** Who a rule applies to. 'protected' = fully vaccinated within the window or recovered recently. */
export type RuleCondition = 'any' | 'protected' | 'other';

export interface QuarantineRule {
  when: RuleCondition;
  days: number;
  place: 'centralised' | 'home';
  monitorDays: number;
  testDays: number[];
}

export interface QuarantinePolicy {
  /** Fully vaccinated = last dose of the primary series at least this many days ago … */
  vaccinatedMinDays: number;
  /** … and at most this many months ago (null: no limit). */
  vaccinatedMaxMonths: number | null;
  /** Recovered from COVID-19 within this many months. */
  recoveredMaxMonths: number;
  rules: QuarantineRule[];
}

export interface IsolationPolicy {
  /** Days of isolation when the release test is negative. */
  days: number;
  /** What releases: a negative rapid test, or two negative PCRs 24 h apart (or Ct ≥ 30). */
  releaseTest: 'rapid_negative' | 'two_pcr_negative';
  /** When the release test is still positive: last day for fully vaccinated people and for others. */
  extendedDaysVaccinated: number;
  extendedDaysOther: number;
  place: 'centralised' | 'home';
  monitorDays: number;
  testDays: number[];
}

export interface TracingDueHours {
  investigateCase: number;
  callContact: number;
  deliverDecision: number;
  /** The commune a traced contact is handed over to answers (accepts or returns) within this many hours; absent in older versions: callContact. */
  receiveHandover?: number;
}

export interface ZoneLiftPolicy {
  days: number;
}

const Condition = Type.Union([Type.Literal('any'), Type.Literal('protected'), Type.Literal('other')]);
const Days = Type.Integer({ minimum: 0, maximum: 60 });

export const CASE_POLICY_DEFINITIONS: PolicyDefinition[] = [
  {
    key: 'cases.f0_definition',
    title: { vi: 'Định nghĩa ca bệnh F0', en: 'F0 case definition' },
    schema: Type.Object({
      bases: Type.Array(Type.Union(F0_BASES.map((b) => Type.Literal(b))), { minItems: 1, uniqueItems: true }),
      rapidTwiceWithinHours: Type.Integer({ minimum: 1, maximum: 72 }),
    }),
    defaults: [
      { effectiveFrom: '2020-01-23', value: { bases: ['pcr'], rapidTwiceWithinHours: 8 }, source: 'Hướng dẫn chẩn đoán và điều trị COVID-19 của Bộ Y tế: ca xác định bằng RT-PCR' },
      {
        effectiveFrom: '2021-12-29',
        value: { bases: ['pcr', 'rapid_f1', 'rapid_suspected_link', 'rapid_twice'], rapidTwiceWithinHours: 8 },
        source: 'Công văn 11042/BYT-DP ngày 29/12/2021 (domain.md §4)',
      },
    ],
  },
  {
    key: 'cases.f1_definition',
    title: { vi: 'Định nghĩa F1 (tiếp xúc gần)', en: 'F1 (close contact) definition' },
    schema: Type.Object({ daysBeforeOnset: Type.Integer({ minimum: 0, maximum: 14 }), minMinutesMasked: Type.Integer({ minimum: 1, maximum: 240 }) }),
    defaults: [{ effectiveFrom: '2021-07-30', value: { daysBeforeOnset: 2, minMinutesMasked: 15 }, source: 'Quyết định 3638/QĐ-BYT ngày 30/7/2021; Công văn 11042/BYT-DP ngày 29/12/2021 (domain.md §4)' }],
  },
  {
    key: 'quarantine.f1',
    title: { vi: 'Cách ly F1', en: 'F1 quarantine' },
    schema: Type.Object({
      vaccinatedMinDays: Days,
      vaccinatedMaxMonths: Type.Union([Type.Integer({ minimum: 1, maximum: 60 }), Type.Null()]),
      recoveredMaxMonths: Type.Integer({ minimum: 0, maximum: 60 }),
      rules: Type.Array(
        Type.Object({
          when: Condition,
          days: Days,
          place: Type.Union([Type.Literal('centralised'), Type.Literal('home')]),
          monitorDays: Days,
          testDays: Type.Array(Days),
        }),
        { minItems: 1 },
      ),
    }),
    defaults: [
      {
        effectiveFrom: '2021-07-14',
        value: { vaccinatedMinDays: 14, vaccinatedMaxMonths: null, recoveredMaxMonths: 0, rules: [{ when: 'any', days: 14, place: 'centralised', monitorDays: 14, testDays: [1, 7, 14] }] },
        source: 'Hướng dẫn của Bộ Y tế ngày 14/7/2021: 14 ngày cách ly tập trung + 14 ngày tự theo dõi (domain.md §4)',
      },
      {
        effectiveFrom: '2021-12-16',
        value: {
          vaccinatedMinDays: 14,
          vaccinatedMaxMonths: 6,
          recoveredMaxMonths: 6,
          rules: [
            { when: 'protected', days: 7, place: 'home', monitorDays: 7, testDays: [1, 7] },
            { when: 'other', days: 14, place: 'centralised', monitorDays: 14, testDays: [1, 7, 14] },
          ],
        },
        source: 'Hướng dẫn của Bộ Y tế ngày 16/12/2021: 7 ngày tại nhà nếu tiêm đủ liều (mũi cuối 14 ngày – 6 tháng) hoặc khỏi bệnh ≤ 6 tháng (domain.md §4)',
      },
      {
        effectiveFrom: '2022-02-21',
        value: {
          vaccinatedMinDays: 14,
          vaccinatedMaxMonths: null,
          recoveredMaxMonths: 3,
          rules: [
            { when: 'protected', days: 5, place: 'home', monitorDays: 5, testDays: [5] },
            { when: 'other', days: 7, place: 'home', monitorDays: 3, testDays: [7] },
          ],
        },
        source: 'Hướng dẫn của Bộ Y tế ngày 21/2/2022: 5 ngày (tiêm đủ liều / khỏi bệnh ≤ 3 tháng) hoặc 7 ngày (domain.md §4)',
      },
    ],
  },
  {
    key: 'isolation.f0',
    title: { vi: 'Cách ly, điều trị F0', en: 'F0 isolation' },
    schema: Type.Object({
      days: Days,
      releaseTest: Type.Union([Type.Literal('rapid_negative'), Type.Literal('two_pcr_negative')]),
      extendedDaysVaccinated: Days,
      extendedDaysOther: Days,
      place: Type.Union([Type.Literal('centralised'), Type.Literal('home')]),
      monitorDays: Days,
      testDays: Type.Array(Days),
    }),
    defaults: [
      {
        effectiveFrom: '2021-07-14',
        value: { days: 10, releaseTest: 'two_pcr_negative', extendedDaysVaccinated: 14, extendedDaysOther: 14, place: 'centralised', monitorDays: 14, testDays: [9, 10] },
        source: 'Hướng dẫn của Bộ Y tế ngày 14/7/2021: ra viện ngày 10 với 2 lần PCR âm tính cách nhau ≥ 24 giờ (hoặc Ct ≥ 30), sau đó 14 ngày theo dõi tại nhà (domain.md §4)',
      },
      {
        effectiveFrom: '2022-01-31',
        value: { days: 7, releaseTest: 'rapid_negative', extendedDaysVaccinated: 10, extendedDaysOther: 14, place: 'home', monitorDays: 0, testDays: [7] },
        source: 'Quyết định 261/QĐ-BYT ngày 31/1/2022: 7 ngày và test nhanh âm tính, nếu không đến ngày 10 (tiêm đủ liều) hoặc ngày 14 (domain.md §4)',
      },
    ],
  },
  {
    key: 'clusters.window_days',
    title: { vi: 'Khoảng thời gian gộp ca bệnh thành chùm', en: 'Cluster window' },
    schema: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 60 }) }),
    defaults: [{ effectiveFrom: '2021-07-01', value: { days: 14 }, source: 'Một thời kỳ ủ bệnh tối đa (14 ngày), cấu hình của tỉnh (cần xác minh)' }],
  },
  {
    key: 'tracing.due_hours',
    title: { vi: 'Thời hạn nhiệm vụ truy vết (giờ)', en: 'Tracing task deadlines (hours)' },
    schema: Type.Object({
      investigateCase: Type.Integer({ minimum: 1, maximum: 168 }),
      callContact: Type.Integer({ minimum: 1, maximum: 168 }),
      deliverDecision: Type.Integer({ minimum: 1, maximum: 168 }),
      receiveHandover: Type.Optional(Type.Integer({ minimum: 1, maximum: 168 })),
    }),
    defaults: [
      {
        effectiveFrom: '2021-07-01',
        value: { investigateCase: 24, callContact: 12, deliverDecision: 24, receiveHandover: 4 },
        source:
          'Chỉ thị của tỉnh: "truy vết nhanh, khoanh vùng gọn, cách ly ngay" — thời hạn cụ thể do tỉnh cấu hình (cần xác minh); tiếp nhận F1 do xã khác bàn giao trong 4 giờ để còn kịp gọi F1 trong thời hạn 12 giờ (cấu hình của tỉnh)',
      },
    ],
  },
];
