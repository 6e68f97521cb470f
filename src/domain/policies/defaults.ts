// Default policy versions shipped with the platform, seeded into each province on creation.
// Each value comes from the domain reference (../shared/docs/domain.md) with its source named.
import { Type } from 'typebox';
import type { PolicyDefinition } from './registry.ts';
import { CASE_POLICY_DEFINITIONS } from '../cases/policies.ts';
import { TESTING_POLICY_DEFINITIONS } from '../testing/policies.ts';
import { SUPPLY_POLICY_DEFINITIONS } from '../vaccination/supplyPolicies.ts';
import { VACCINATION_POLICY_DEFINITIONS } from '../vaccination/policies.ts';
import { LEVEL_POLICY_DEFINITIONS } from '../levels/policies.ts';
import { CHECKIN_POLICY_DEFINITIONS } from '../checkins/policies.ts';
import { CHECKPOINT_POLICY_DEFINITIONS } from '../checkpoints/policies.ts';

export const POLICY_DEFINITIONS: PolicyDefinition[] = [
  ...CASE_POLICY_DEFINITIONS,
  ...TESTING_POLICY_DEFINITIONS,
  ...SUPPLY_POLICY_DEFINITIONS,
  ...VACCINATION_POLICY_DEFINITIONS,
  ...LEVEL_POLICY_DEFINITIONS,
  ...CHECKIN_POLICY_DEFINITIONS,
  ...CHECKPOINT_POLICY_DEFINITIONS,
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
