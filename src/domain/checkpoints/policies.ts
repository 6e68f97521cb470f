// Dated policies of health declarations and checkpoints (domain.md §8). Until the epidemic-level
// engine exists (issue 7), the province names the areas outside it that are at level 3 or 4 in a
// dated policy it edits; inside the province, active lockdown zones count (cases area).
import { Type } from 'typebox';
import type { PolicyDefinition } from '../policies/registry.ts';

export interface HighRiskArea {
  /** GSO code of a province, or 'abroad' for arrivals from another country. */
  provinceCode: string;
  /** A district of that province when only part of it is at that level (GSO code). */
  districtCode?: string | null;
  name: string;
  level: 3 | 4;
}

export interface HighRiskAreasPolicy {
  areas: HighRiskArea[];
}

export interface DeclarationFollowUpPolicy {
  /** Arrivals from an area at this level or above (and from a lockdown) are tested; below, monitored. */
  testFromLevel: 3 | 4;
  /** Hours the community team has to reach an arrival (monitoring or testing task). */
  arrivalDueHours: number;
  /** Hours the health station has to call someone who declared symptoms. */
  symptomsDueHours: number;
  /** Days back that count for the places visited. */
  lookbackDays: number;
}

export interface DeclaredContactFollowUpPolicy {
  /** Hours the community team has to reach someone who declared contact with a case (a possible F1). */
  caseDueHours: number;
  /** Hours for a declared contact with someone from an affected area or with symptoms. */
  otherDueHours: number;
}

export const CHECKPOINT_POLICY_DEFINITIONS: PolicyDefinition[] = [
  {
    key: 'declarations.high_risk_areas',
    title: { vi: 'Vùng cấp độ 3–4 ngoài tỉnh (khai báo y tế)', en: 'Level 3–4 areas outside the province (health declarations)' },
    schema: Type.Object({
      areas: Type.Array(
        Type.Object(
          {
            provinceCode: Type.String({ pattern: '^([0-9]{2}|abroad)$' }),
            districtCode: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9]{3}$' }), Type.Null()])),
            name: Type.String({ minLength: 1, maxLength: 200 }),
            level: Type.Union([Type.Literal(3), Type.Literal(4)]),
          },
          { additionalProperties: false },
        ),
        { maxItems: 1000 },
      ),
    }),
    defaults: [
      {
        effectiveFrom: '2021-10-11',
        value: {
          areas: [
            { provinceCode: 'abroad', name: 'Nhập cảnh từ nước ngoài', level: 4 },
            { provinceCode: '79', name: 'Thành phố Hồ Chí Minh', level: 4 },
            { provinceCode: '74', name: 'Tỉnh Bình Dương', level: 4 },
            { provinceCode: '75', name: 'Tỉnh Đồng Nai', level: 3 },
          ],
        },
        source: 'Nghị quyết 128/NQ-CP (11/10/2021): cấp độ dịch theo địa bàn; danh sách vùng do tỉnh cập nhật theo công bố của các tỉnh (ví dụ, cần cập nhật)',
      },
    ],
  },
  {
    key: 'declarations.follow_up',
    title: { vi: 'Theo dõi người về từ vùng dịch (khai báo y tế)', en: 'Follow-up of arrivals from outbreak areas (health declarations)' },
    schema: Type.Object({
      testFromLevel: Type.Union([Type.Literal(3), Type.Literal(4)]),
      arrivalDueHours: Type.Integer({ minimum: 1, maximum: 168 }),
      symptomsDueHours: Type.Integer({ minimum: 1, maximum: 72 }),
      lookbackDays: Type.Integer({ minimum: 1, maximum: 28 }),
    }),
    defaults: [
      {
        effectiveFrom: '2021-10-11',
        value: { testFromLevel: 4, arrivalDueHours: 24, symptomsDueHours: 4, lookbackDays: 14 },
        source: 'Hướng dẫn tạm thời 4800/QĐ-BYT (12/10/2021): người về từ vùng cấp độ 4 xét nghiệm, cấp độ 3 theo dõi sức khỏe (cần xác minh theo văn bản của tỉnh); khai báo có triệu chứng: trạm y tế liên hệ ngay',
      },
    ],
  },
  {
    key: 'declarations.contact_follow_up',
    title: { vi: 'Xác minh tiếp xúc khai trong tờ khai y tế', en: 'Checking the contacts declared in health declarations' },
    schema: Type.Object(
      {
        caseDueHours: Type.Integer({ minimum: 1, maximum: 72 }),
        otherDueHours: Type.Integer({ minimum: 1, maximum: 168 }),
      },
      { additionalProperties: false },
    ),
    defaults: [
      {
        effectiveFrom: '2021-10-11',
        value: { caseDueHours: 12, otherDueHours: 24 },
        source:
          'Tờ khai y tế (mẫu PC-Covid) hỏi tiếp xúc với ca bệnh, người từ vùng dịch, người có triệu chứng; tổ COVID cộng đồng xác minh: tiếp xúc ca bệnh là F1 có thể (Quyết định 3638/QĐ-BYT, truy vết sớm), các trường hợp khác theo dõi sức khỏe. Thời hạn là mặc định cần tỉnh xác minh',
      },
    ],
  },
];
