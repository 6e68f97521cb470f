// Dated policy versions of the testing area, with their sources (domain.md §6). Seeded into each
// province; a province administrator adds new versions without a code change. The maximum pool
// size (testing.pool_max_size) and the validity of a result at checkpoints
// (checkpoint.test_validity_hours) are registered in src/domain/policies/defaults.ts.
import { Type } from 'typebox';
import type { PolicyDefinition } from '../policies/registry.ts';

export interface HighRiskAreaPolicy {
  /** Units overlapping an active zone of one of these kinds are higher-risk areas (pools of 5). */
  activeZoneKinds: ('lockdown' | 'zoned')[];
  /** Units the province names as higher-risk (and everything below them). */
  unitCodes: string[];
}

export interface CapacityTargets {
  singlePerDay: number;
  pooledPerDay: number;
}

export interface SamplingDesignDefaults {
  prevalence: number;
  confidence: number;
  sensitivity: number;
}

export interface ResultDuePolicy {
  /** A sample without a result this many hours after collection is overdue. */
  hours: number;
}

export interface FollowUpDuePolicy {
  /** Members of a positive pool are sampled again within these hours. */
  resampleHours: number;
}

export interface RapidConfirmationPolicy {
  /** A positive self-test is never a case by itself: a health worker confirms it within these hours. */
  dueHours: number;
  /** How: a rapid test by a health worker, or RT-PCR. */
  confirmWith: 'rapid' | 'pcr';
  /** A positive rapid test by a health worker becomes a case when it meets the F0 definition in force (else a confirmation task). */
  healthWorkerPositiveCreatesCase: boolean;
}

const Probability = Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 });

export const TESTING_POLICY_DEFINITIONS: PolicyDefinition[] = [
  {
    key: 'testing.high_risk_areas',
    title: { vi: 'Địa bàn nguy cơ cao (mẫu gộp nhỏ hơn)', en: 'Higher-risk areas (smaller pools)' },
    schema: Type.Object({
      activeZoneKinds: Type.Array(Type.Union([Type.Literal('lockdown'), Type.Literal('zoned')]), { uniqueItems: true }),
      unitCodes: Type.Array(Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' }), { maxItems: 2000, uniqueItems: true }),
    }),
    defaults: [
      {
        effectiveFrom: '2021-05-01',
        value: { activeZoneKinds: ['lockdown', 'zoned'], unitCodes: [] },
        source: 'Hướng dẫn gộp mẫu (thành phố, 2021): gộp tối đa 5 mẫu ở vùng nguy cơ cao — vùng phong tỏa, khoanh vùng; danh sách bổ sung do tỉnh cấu hình (domain.md §6)',
      },
    ],
  },
  {
    key: 'testing.capacity_targets',
    title: { vi: 'Chỉ tiêu năng lực xét nghiệm mỗi ngày', en: 'Daily testing capacity targets' },
    schema: Type.Object({ singlePerDay: Type.Integer({ minimum: 0, maximum: 10_000_000 }), pooledPerDay: Type.Integer({ minimum: 0, maximum: 10_000_000 }) }),
    defaults: [{ effectiveFrom: '2021-08-01', value: { singlePerDay: 8000, pooledPerDay: 80000 }, source: 'Chỉ thị của tỉnh (seed 002): 8.000 mẫu đơn và 80.000 mẫu gộp mỗi ngày' }],
  },
  {
    key: 'testing.sampling_design',
    title: { vi: 'Thiết kế mẫu mặc định (tỷ lệ lưu hành, độ tin cậy, độ nhạy)', en: 'Default sampling design' },
    schema: Type.Object({ prevalence: Probability, confidence: Probability, sensitivity: Type.Number({ exclusiveMinimum: 0, maximum: 1 }) }),
    defaults: [
      {
        effectiveFrom: '2021-05-01',
        value: { prevalence: 0.01, confidence: 0.95, sensitivity: 1 },
        source: 'Công thức chứng minh không có bệnh (domain.md §6): tỷ lệ thiết kế 1 %, độ tin cậy 95 %; độ nhạy xét nghiệm do tỉnh điều chỉnh (cần xác minh)',
      },
    ],
  },
  {
    key: 'testing.pcr_interpretation',
    title: { vi: 'Ngưỡng Ct của RT-PCR', en: 'RT-PCR Ct thresholds' },
    schema: Type.Object({ positiveCtMax: Type.Number({ minimum: 20, maximum: 45 }), infectiousCtMax: Type.Number({ minimum: 10, maximum: 45 }) }),
    defaults: [
      {
        effectiveFrom: '2020-03-01',
        value: { positiveCtMax: 40, infectiousCtMax: 30 },
        source: 'Dương tính khi Ct ≤ 40 theo bộ sinh phẩm (cần xác minh); Ct > 30 không còn khả năng lây (Công văn 11042/BYT-DP, domain.md §4)',
      },
    ],
  },
  {
    key: 'testing.result_due_hours',
    title: { vi: 'Thời hạn trả kết quả xét nghiệm', en: 'Result turnaround deadline' },
    schema: Type.Object({ hours: Type.Integer({ minimum: 1, maximum: 240 }) }),
    defaults: [{ effectiveFrom: '2021-05-01', value: { hours: 24 }, source: 'Cấu hình của tỉnh: trả kết quả trong 24 giờ kể từ khi lấy mẫu (cần xác minh)' }],
  },
  {
    key: 'testing.follow_up_due_hours',
    title: { vi: 'Thời hạn lấy lại mẫu sau mẫu gộp dương tính', en: 'Re-sampling deadline after a positive pool' },
    schema: Type.Object({ resampleHours: Type.Integer({ minimum: 1, maximum: 168 }) }),
    defaults: [
      {
        effectiveFrom: '2021-05-01',
        value: { resampleHours: 12 },
        source: 'Mẫu gộp dương tính: lấy lại mẫu đơn từng người ngay trong ngày (thực tiễn các tỉnh 2021; thời hạn cụ thể do tỉnh cấu hình, cần xác minh)',
      },
    ],
  },
  {
    key: 'testing.rapid_confirmation',
    title: { vi: 'Xác nhận test nhanh dương tính', en: 'Confirming positive rapid tests' },
    schema: Type.Object({
      dueHours: Type.Integer({ minimum: 1, maximum: 168 }),
      confirmWith: Type.Union([Type.Literal('rapid'), Type.Literal('pcr')]),
      healthWorkerPositiveCreatesCase: Type.Boolean(),
    }),
    defaults: [
      {
        effectiveFrom: '2021-08-01',
        value: { dueHours: 24, confirmWith: 'pcr', healthWorkerPositiveCreatesCase: false },
        source: 'Trước 29/12/2021 ca bệnh chỉ xác định bằng RT-PCR: test nhanh dương tính phải làm RT-PCR khẳng định',
      },
      {
        effectiveFrom: '2021-12-29',
        value: { dueHours: 12, confirmWith: 'rapid', healthWorkerPositiveCreatesCase: true },
        source: 'Công văn 11042/BYT-DP ngày 29/12/2021: F1 có test nhanh dương tính là F0; người dân tự test dương tính báo trạm y tế để xác nhận (domain.md §4)',
      },
    ],
  },
];
