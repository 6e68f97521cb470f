// Dated policies of the epidemic-levels area (domain.md §3): the ruleset in force, the notice
// before a raise takes effect, the measures checklist per level, and the public page's small numbers. Registered in
// src/domain/policies/defaults.ts; seeded for provinces without them (levels/routes.ts onReady).
import { Type } from 'typebox';
import type { PolicyDefinition } from '../policies/registry.ts';
import { DECISION_218, DECISION_4800, DECISION_4800_NOV, RulesetSchema } from './rulesets.ts';
import { SMALL_NUMBERS_POLICY } from './disclosure.ts';

export interface RaiseNoticePolicy {
  /** A raise of the official level takes effect this many hours after it is announced. */
  hours: number;
}

export interface Measure {
  id: string;
  vi: string;
  en: string;
}
export interface MeasuresPolicy {
  levels: { '1': Measure[]; '2': Measure[]; '3': Measure[]; '4': Measure[] };
}

const MeasureSchema = Type.Object(
  { id: Type.String({ pattern: '^[a-z0-9_]{1,40}$' }), vi: Type.String({ minLength: 1, maxLength: 500 }), en: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
const Measures = Type.Array(MeasureSchema, { maxItems: 60 });

const m = (id: string, vi: string, en: string): Measure => ({ id, vi, en });
const always = [
  m('goods_transport', 'Vận chuyển hàng hóa hoạt động bình thường', 'Goods transport runs normally'),
  m('factories', 'Cơ sở sản xuất, kinh doanh hoạt động, bảo đảm an toàn phòng dịch', 'Factories and businesses run, with COVID-safe measures'),
  m('supermarkets', 'Siêu thị, cửa hàng tiện lợi hoạt động', 'Supermarkets and convenience stores open'),
  m('5k', 'Thực hiện 5K, tiêm chủng đủ liều', '5K rules and full vaccination'),
];

/** Annex of Resolution 128 (domain.md §3.3), as a starting checklist the province refines. */
export const DEFAULT_MEASURES: MeasuresPolicy = {
  levels: {
    '1': [...always, m('gatherings_l1', 'Tổ chức sự kiện, tụ tập đông người theo quy định', 'Events and gatherings under the rules'), m('schools_open', 'Dạy học trực tiếp', 'In-person schooling'), m('transport_open', 'Vận tải hành khách liên tỉnh hoạt động', 'Intercity passenger transport runs')],
    '2': [
      ...always,
      m('gatherings_limited', 'Hạn chế tụ tập đông người, giới hạn số người tại sự kiện', 'Gatherings limited in number'),
      m('restaurants_capacity', 'Nhà hàng, quán ăn phục vụ tại chỗ có giới hạn công suất', 'Restaurants open with limited capacity'),
      m('high_risk_services_limited', 'Dịch vụ nguy cơ cao (karaoke, quán bar, massage) hạn chế', 'High-risk services (karaoke, bars, massage) restricted'),
      m('hotels_tourism_limited', 'Khách sạn, điểm du lịch hoạt động có điều kiện', 'Hotels and tourist sites open under conditions'),
      m('transport_limited', 'Vận tải hành khách liên tỉnh hạn chế tần suất', 'Intercity passenger transport reduced'),
    ],
    '3': [
      ...always,
      m('gatherings_small', 'Chỉ tụ tập số lượng nhỏ; hạn chế tối đa sự kiện', 'Only small gatherings; events kept to a minimum'),
      m('restaurants_takeaway', 'Nhà hàng, quán ăn chủ yếu bán mang về', 'Restaurants mostly takeaway'),
      m('high_risk_services_closed', 'Tạm dừng karaoke, quán bar, massage', 'Karaoke, bars, massage closed'),
      m('schools_online', 'Dạy học trực tuyến hoặc kết hợp theo địa bàn', 'Online or mixed schooling depending on the area'),
      m('transport_restricted', 'Vận tải hành khách liên tỉnh hạn chế, có điều kiện', 'Intercity passenger transport restricted'),
    ],
    '4': [
      ...always,
      m('gatherings_banned', 'Không tụ tập đông người ngoài công sở, trường học, bệnh viện', 'No gatherings outside offices, schools and hospitals'),
      m('restaurants_closed', 'Nhà hàng, quán ăn chỉ bán mang về; chợ truyền thống hạn chế', 'Restaurants takeaway only; traditional markets restricted'),
      m('high_risk_services_closed', 'Tạm dừng karaoke, quán bar, massage', 'Karaoke, bars, massage closed'),
      m('tourism_suspended', 'Tạm dừng hoạt động du lịch', 'Tourism suspended'),
      m('schools_online', 'Dạy học trực tuyến', 'Online schooling'),
      m('transport_stopped', 'Hạn chế tối đa vận tải hành khách liên tỉnh', 'Intercity passenger transport kept to a minimum'),
    ],
  },
};

export const LEVEL_POLICY_DEFINITIONS: PolicyDefinition[] = [
  {
    key: 'levels.ruleset',
    title: { vi: 'Bộ tiêu chí đánh giá cấp độ dịch', en: 'Epidemic level ruleset' },
    schema: Type.Object({ ruleset: RulesetSchema }, { additionalProperties: false }),
    defaults: [
      { effectiveFrom: '2021-10-12', value: { ruleset: DECISION_4800 }, source: 'Quyết định 4800/QĐ-BYT ngày 12/10/2021 (Nghị quyết 128/NQ-CP)' },
      {
        effectiveFrom: '2021-11-01',
        value: { ruleset: DECISION_4800_NOV },
        source: 'Quyết định 4800/QĐ-BYT; từ tháng 11/2021 điều kiện tiêm đủ liều áp dụng cho người từ 50 tuổi (cần xác minh ngày)',
      },
      { effectiveFrom: '2022-01-27', value: { ruleset: DECISION_218 }, source: 'Quyết định 218/QĐ-BYT ngày 27/01/2022 (thay thế Quyết định 4800); các mục [cần xác minh] là tham số' },
    ],
  },
  {
    key: 'levels.raise_notice',
    title: { vi: 'Thông báo trước khi nâng cấp độ dịch', en: 'Notice before a level raise' },
    schema: Type.Object({ hours: Type.Integer({ minimum: 0, maximum: 720 }) }, { additionalProperties: false }),
    defaults: [{ effectiveFrom: '2021-10-11', value: { hours: 48 }, source: 'Nghị quyết 128/NQ-CP: thông báo nâng cấp độ dịch trước ít nhất 48 giờ' }],
  },
  {
    key: 'levels.measures',
    title: { vi: 'Biện pháp theo cấp độ dịch', en: 'Measures by level' },
    schema: Type.Object(
      { levels: Type.Object({ '1': Measures, '2': Measures, '3': Measures, '4': Measures }, { additionalProperties: false }) },
      { additionalProperties: false },
    ),
    defaults: [{ effectiveFrom: '2021-10-11', value: DEFAULT_MEASURES, source: 'Phụ lục Nghị quyết 128/NQ-CP (domain.md §3.3); tỉnh điều chỉnh' }],
  },
  // The public page's small numbers (disclosure.ts).
  SMALL_NUMBERS_POLICY,
];

export const LEVEL_POLICY_KEYS = LEVEL_POLICY_DEFINITIONS.map((d) => d.key);
