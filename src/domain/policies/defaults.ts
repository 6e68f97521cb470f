// Default policy versions shipped with the platform, seeded into each province on creation.
// Each value comes from the domain reference (../shared/docs/domain.md) with its source named.
import { Type } from 'typebox';
import type { PolicyDefinition } from './registry.ts';

export const POLICY_DEFINITIONS: PolicyDefinition[] = [
  {
    key: 'quarantine.f1',
    title: { vi: 'Cách ly F1', en: 'F1 quarantine' },
    schema: Type.Object({
      rules: Type.Array(
        Type.Object({
          when: Type.String({ minLength: 1 }),
          days: Type.Integer({ minimum: 0, maximum: 60 }),
          place: Type.Union([Type.Literal('centralised'), Type.Literal('home')]),
          monitorDays: Type.Integer({ minimum: 0, maximum: 60 }),
          testDays: Type.Array(Type.Integer({ minimum: 0, maximum: 60 })),
        }),
        { minItems: 1 },
      ),
    }),
    defaults: [
      { effectiveFrom: '2021-07-14', value: { rules: [{ when: 'any', days: 14, place: 'centralised', monitorDays: 14, testDays: [1, 7, 14] }] }, source: 'Hướng dẫn của Bộ Y tế ngày 14/7/2021 (domain.md §4)' },
      {
        effectiveFrom: '2021-12-16',
        value: { rules: [
          { when: 'fully_vaccinated_or_recovered_6m', days: 7, place: 'home', monitorDays: 7, testDays: [1, 7] },
          { when: 'other', days: 14, place: 'centralised', monitorDays: 14, testDays: [1, 7, 14] },
        ] },
        source: 'Hướng dẫn của Bộ Y tế ngày 16/12/2021 (domain.md §4)',
      },
      {
        effectiveFrom: '2022-02-21',
        value: { rules: [
          { when: 'fully_vaccinated_or_recovered_3m', days: 5, place: 'home', monitorDays: 5, testDays: [5] },
          { when: 'other', days: 7, place: 'home', monitorDays: 3, testDays: [7] },
        ] },
        source: 'Hướng dẫn của Bộ Y tế ngày 21/2/2022 (domain.md §4)',
      },
    ],
  },
  {
    key: 'testing.pool_max_size',
    title: { vi: 'Số mẫu gộp tối đa', en: 'Maximum pool size' },
    schema: Type.Object({ lowRisk: Type.Integer({ minimum: 1, maximum: 30 }), highRisk: Type.Integer({ minimum: 1, maximum: 30 }) }),
    defaults: [{ effectiveFrom: '2021-05-01', value: { lowRisk: 10, highRisk: 5 }, source: 'Hướng dẫn gộp mẫu xét nghiệm SARS-CoV-2 (thành phố, 2021); tối đa toàn quốc cần xác minh' }],
  },
  {
    key: 'checkpoint.test_validity_hours',
    title: { vi: 'Hiệu lực kết quả xét nghiệm tại chốt', en: 'Test validity at checkpoints' },
    schema: Type.Object({ hours: Type.Integer({ minimum: 1, maximum: 720 }) }),
    defaults: [{ effectiveFrom: '2021-08-01', value: { hours: 72 }, source: 'Quy định luồng xanh vận tải 2021: kết quả âm tính có giá trị 72 giờ (domain.md §6)' }],
  },
  {
    key: 'checkins.retention_days',
    title: { vi: 'Thời gian lưu dữ liệu quét mã QR', en: 'Check-in retention' },
    schema: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 365 }) }),
    defaults: [{ effectiveFrom: '2021-06-01', value: { days: 28 }, source: 'Cấu hình của tỉnh (tham khảo: Singapore 25 ngày, Corona-Warn-App 14 ngày)' }],
  },
  {
    key: 'zones.lift_after_days',
    title: { vi: 'Gỡ phong tỏa sau số ngày không có ca mới', en: 'Lift a zone after days without a case' },
    schema: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 60 }) }),
    defaults: [{ effectiveFrom: '2021-07-01', value: { days: 14 }, source: 'Thực tiễn phổ biến của các tỉnh (cần xác minh)' }],
  },
];

export function policyDefinition(key: string): PolicyDefinition | undefined {
  return POLICY_DEFINITIONS.find((d) => d.key === key);
}
