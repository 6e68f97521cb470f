// Dated policies of the check-in area (docs/checkins.md). The retention period is in
// src/domain/policies/defaults.ts (checkins.retention_days), the exposure window here.
import { Type } from 'typebox';
import type { PolicyDefinition } from '../policies/registry.ts';

export interface ExposureWindowPolicy {
  /** A visit at the same venue within this many minutes before or after the case's visit. */
  minutes: number;
}

export interface RetentionPolicy {
  days: number;
}

export const CHECKIN_POLICY_DEFINITIONS: PolicyDefinition[] = [
  {
    key: 'checkins.exposure_window',
    title: { vi: 'Khoảng thời gian trùng lặp khi quét mã QR', en: 'Exposure window around a case’s check-in' },
    schema: Type.Object({ minutes: Type.Integer({ minimum: 5, maximum: 720 }) }),
    defaults: [{ effectiveFrom: '2021-06-01', value: { minutes: 60 }, source: 'PC-Covid: cùng địa điểm trong vòng 1 giờ trước hoặc sau khi F0 có mặt (domain.md §8)' }],
  },
];
