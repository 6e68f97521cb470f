import { describe, expect, it } from 'vitest';
import { boundariesFrom, childUnit, reconcile, unitsFromGso, UnitFormatError } from './tree.ts';

const threeLevel = {
  data: [
    {
      level1_id: '20', name: 'Tỉnh Lạng Sơn', type: 'Tỉnh',
      level2s: [
        { level2_id: '178', name: 'Thành phố Lạng Sơn', type: 'Thành phố', level3s: [
          { level3_id: '05971', name: 'Phường Hoàng Văn Thụ', type: 'Phường' },
          { level3_id: '05974', name: 'Phường Tam Thanh', type: 'Phường' },
        ] },
        { level2_id: '180', name: 'Huyện Tràng Định', type: 'Huyện', level3s: [{ level3_id: '05998', name: 'Xã Khánh Long', type: 'Xã' }] },
      ],
    },
    { level1_id: '38', name: 'Tỉnh Thanh Hóa', level2s: [] },
  ],
};

describe('unitsFromGso', () => {
  it('flattens a three-level province with paths and depths', () => {
    const units = unitsFromGso(threeLevel, '20');
    expect(units.map((u) => [u.code, u.level, u.path, u.depth])).toEqual([
      ['20', 'province', '20/', 0],
      ['178', 'district', '20/178/', 1],
      ['05971', 'commune', '20/178/05971/', 2],
      ['05974', 'commune', '20/178/05974/', 2],
      ['180', 'district', '20/180/', 1],
      ['05998', 'commune', '20/180/05998/', 2],
    ]);
    expect(units[2].nameSearch).toBe('phuong hoang van thu');
    expect(units[2].parentCode).toBe('178');
  });
  it('supports the two-level structure (province → commune) in force from 7/2025', () => {
    const units = unitsFromGso({ level1_id: '20', name: 'Tỉnh Lạng Sơn', level3s: [{ level3_id: '06001', name: 'Xã Đoàn Kết' }] }, '20');
    expect(units.map((u) => [u.code, u.level, u.path])).toEqual([
      ['20', 'province', '20/'],
      ['06001', 'commune', '20/06001/'],
    ]);
  });
  it('adds villages under a commune only', () => {
    const units = unitsFromGso(threeLevel, '20');
    const v = childUnit(units[2], '05971-01', 'Tổ dân phố 1', 'Tổ dân phố');
    expect(v.path).toBe('20/178/05971/05971-01/');
    expect(v.level).toBe('village');
    expect(() => childUnit(units[1], 'x', 'Thôn X')).toThrow(UnitFormatError);
  });
  it('rejects missing provinces and duplicate codes', () => {
    expect(() => unitsFromGso(threeLevel, '99')).toThrow(UnitFormatError);
    expect(() => unitsFromGso({ nothing: true }, '20')).toThrow(UnitFormatError);
    const dup = { level1_id: '20', name: 'X', level2s: [{ level2_id: '1', name: 'A', level3s: [{ level3_id: '1', name: 'B' }] }] };
    expect(() => unitsFromGso(dup, '20')).toThrow(/duplicate/);
  });
});

describe('boundaries', () => {
  const square = [[[106, 21], [107, 21], [107, 22], [106, 22], [106, 21]]];
  it('reads the geo format with coordinates as a JSON string', () => {
    const b = boundariesFrom({ level1_id: '20', level2s: [{ level2_id: '178', name: 'TP', type: 'Polygon', coordinates: JSON.stringify(square) }] });
    expect(b[0].unitCode).toBe('178');
    expect(b[0].bbox).toEqual([106, 21, 107, 22]);
  });
  it('reads GeoJSON features by code property', () => {
    const b = boundariesFrom({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: '180' }, geometry: { type: 'Polygon', coordinates: square } }] });
    expect(b[0].unitCode).toBe('180');
  });
  it('rejects other shapes', () => {
    expect(() => boundariesFrom({ type: 'Feature' })).toThrow(UnitFormatError);
    expect(() => boundariesFrom({ level2s: [{ level2_id: '1', type: 'Point', coordinates: [1, 2] }] })).toThrow(UnitFormatError);
  });
  it('reconciles units with boundaries and reports both kinds of mismatch', () => {
    const units = unitsFromGso(threeLevel, '20');
    const b = boundariesFrom({ level2s: [
      { level2_id: '178', type: 'Polygon', coordinates: square },
      { level2_id: '999', name: 'Gone', type: 'Polygon', coordinates: square },
    ] });
    const r = reconcile(units, b);
    expect(r.matched).toEqual(['178']);
    expect(r.unknownBoundaries).toEqual([{ unitCode: '999', name: 'Gone' }]);
    expect(r.unitsWithoutBoundary).toEqual([{ code: '180', name: 'Huyện Tràng Định' }]);
  });
});
