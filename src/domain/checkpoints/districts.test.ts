import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gsoDistricts } from './districts.ts';

const NATIONAL = new URL('../../../../shared/data/admin-units/dvhcvn-2025-03-01.json', import.meta.url).pathname;

describe('districts of the country from the GSO units file', () => {
  it('reads each province’s districts with their codes, skipping malformed entries and duplicates', () => {
    const doc = {
      data: [
        { level1_id: '01', name: 'Thành phố Hà Nội', level2s: [{ level2_id: '001', name: 'Quận  Ba Đình', level3s: [] }, { level2_id: '001', name: 'again' }, { level2_id: '1', name: 'short code' }, { level2_id: '002', name: ' ' }] },
        { level1_id: '20', name: 'Tỉnh Lạng Sơn', level2s: [{ level2_id: '178', name: 'Huyện Lộc Bình' }] },
        // The two-level structure: communes directly under the province, no district.
        { level1_id: '22', name: 'Tỉnh Quảng Ninh', level3s: [{ level3_id: '06640', name: 'Phường A' }] },
      ],
    };
    expect(gsoDistricts(doc)).toEqual([
      { provinceCode: '01', code: '001', name: 'Quận Ba Đình' },
      { provinceCode: '20', code: '178', name: 'Huyện Lộc Bình' },
    ]);
  });
  it.runIf(existsSync(NATIONAL))('finds the 696 districts of the 63 provinces in the national file', () => {
    const all = gsoDistricts(JSON.parse(readFileSync(NATIONAL, 'utf8')));
    expect(all).toHaveLength(696);
    expect(new Set(all.map((d) => d.provinceCode)).size).toBe(63);
    expect(all).toContainEqual({ provinceCode: '01', code: '001', name: 'Quận Ba Đình' });
  });
});
