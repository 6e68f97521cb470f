import { describe, expect, it } from 'vitest';
import { searchKey } from '../people/normalize.ts';
import { communeKind, communePopulations, MIN_COMMUNE_PEOPLE, provincePopulation, scalePopulations, villagesOf, type CommuneKind } from './territory.ts';

const communes: { code: string; kind: CommuneKind }[] = Array.from({ length: 200 }, (_, i) => ({
  code: String(6000 + i * 3).padStart(5, '0'),
  kind: i < 10 ? 'ward' : i < 25 ? 'town' : 'rural',
}));

describe('provincePopulation', () => {
  it('knows the census figures of the demo provinces and has a default', () => {
    expect(provincePopulation('20')).toBe(782_000);
    expect(provincePopulation('38')).toBe(3_640_128);
    expect(provincePopulation('22')).toBe(1_320_324);
    expect(provincePopulation('99')).toBe(1_000_000);
  });
});

describe('communeKind', () => {
  it('reads the GSO type', () => {
    expect(communeKind('Phường', 'Phường Hoàng Văn Thụ')).toBe('ward');
    expect(communeKind('Thị trấn', 'Thị trấn Đồng Đăng')).toBe('town');
    expect(communeKind('Xã', 'Xã Mai Pha')).toBe('rural');
    expect(communeKind(null, 'Phường Tam Thanh')).toBe('ward');
  });
});

describe('communePopulations', () => {
  const sizes = communePopulations(communes, 782_000, 2021);

  it('adds up to the province total exactly', () => {
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(782_000);
    expect(sizes.every((n) => n > 0)).toBe(true);
  });

  it('makes wards and towns denser than rural communes', () => {
    const mean = (kind: CommuneKind) => {
      const xs = sizes.filter((_, i) => communes[i].kind === kind);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(mean('ward')).toBeGreaterThan(1.8 * mean('rural'));
    expect(mean('town')).toBeGreaterThan(1.2 * mean('rural'));
  });

  it('is deterministic and depends on the seed', () => {
    expect(communePopulations(communes, 782_000, 2021)).toEqual(sizes);
    expect(communePopulations(communes, 782_000, 7)).not.toEqual(sizes);
  });
});

describe('scalePopulations', () => {
  const full = communePopulations(communes, 782_000, 2021);

  it('multiplies by the scale and keeps a few households in every commune', () => {
    const small = scalePopulations(full, 0.002);
    expect(small.every((n) => n >= MIN_COMMUNE_PEOPLE)).toBe(true);
    const total = small.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(1_500);
    expect(total).toBeLessThan(2_500);
    expect(scalePopulations(full, 1)).toEqual(full);
    const half = scalePopulations(full, 0.5).reduce((a, b) => a + b, 0);
    expect(half).toBeGreaterThanOrEqual(391_000);
    expect(half).toBeLessThan(391_000 + 200 * MIN_COMMUNE_PEOPLE);
  });

  it('refuses scales outside (0, 1]', () => {
    expect(() => scalePopulations(full, 0)).toThrow(RangeError);
    expect(() => scalePopulations(full, 1.5)).toThrow(RangeError);
  });
});

describe('villagesOf', () => {
  it('gives every commune 5 to 20 villages with distinct names and codes', () => {
    for (const [i, c] of communes.entries()) {
      for (const province of ['20', '38']) {
        const vs = villagesOf(c, [200, 4000, 9000, 40_000][i % 4], province, 2021);
        expect(vs.length).toBeGreaterThanOrEqual(5);
        expect(vs.length).toBeLessThanOrEqual(20);
        vs.forEach((v, k) => expect(v.code).toBe(`${c.code}-${String(k + 1).padStart(2, '0')}`));
        expect(new Set(vs.map((v) => searchKey(v.name))).size).toBe(vs.length);
        for (const v of vs) {
          expect(v.name).toBe(v.name.normalize('NFC'));
          expect(v.name).toMatch(c.kind === 'rural' ? /^(Thôn|Bản) / : /^Tổ dân phố \d+$/);
        }
      }
    }
  });

  it('gives bigger communes more villages, the same at every run', () => {
    const c = communes[100];
    expect(villagesOf(c, 9_000, '20', 1).length).toBeGreaterThan(villagesOf(c, 2_000, '20', 1).length);
    expect(villagesOf(c, 5_000, '20', 1)).toEqual(villagesOf(c, 5_000, '20', 1));
  });
});
