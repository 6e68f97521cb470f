// Dated policy versions of vaccine supply: how fast a delivered allocation must be administered
// (seed 002) and how campaign projections measure the current pace. Seeded into each province;
// a province administrator adds new versions on the policies page without a code change.
import { Type } from 'typebox';
import type { PolicyDefinition } from '../policies/registry.ts';

export interface AllocationCompletionPolicy {
  /** An allocation is to be administered within this many days of its delivery. */
  days: number;
  /** Warn this many days before the deadline ("due soon"). */
  warnDaysBefore: number;
}

export interface CampaignPacePolicy {
  /** The current pace of a campaign is measured over this many last days. */
  days: number;
}

export const SUPPLY_POLICY_DEFINITIONS: PolicyDefinition[] = [
  {
    key: 'vaccination.allocation_completion_days',
    title: { vi: 'Thời hạn tiêm hết vắc xin được phân bổ', en: 'Days to administer an allocation' },
    schema: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 90 }), warnDaysBefore: Type.Integer({ minimum: 0, maximum: 30 }) }),
    defaults: [
      {
        effectiveFrom: '2021-09-30',
        value: { days: 7, warnDaysBefore: 2 },
        source:
          'Công văn 402-CV/TU ngày 30/9/2021 của Tỉnh ủy Thanh Hóa (seed 002): "khẩn trương triển khai kế hoạch tiêm chủng ngay và hoàn thành trong vòng 07 ngày kể từ khi được phân bổ vắc xin"; cảnh báo trước 2 ngày do tỉnh cấu hình',
      },
    ],
  },
  {
    key: 'vaccination.campaign_pace_days',
    title: { vi: 'Số ngày gần nhất để tính tốc độ chiến dịch', en: 'Days over which a campaign’s pace is measured' },
    schema: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 60 }) }),
    defaults: [{ effectiveFrom: '2021-01-01', value: { days: 7 }, source: 'Cấu hình của tỉnh: tốc độ tiêm trung bình 7 ngày gần nhất (tuần báo cáo)' }],
  },
];
