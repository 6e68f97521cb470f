import { describe, expect, it } from 'vitest';
import { familyNameTable, personalName, sampleFamilyName } from './names.ts';
import { createRng } from './random.ts';

const shares = (names: string[]) => {
  const m = new Map<string, number>();
  for (const n of names) m.set(n, (m.get(n) ?? 0) + 1 / names.length);
  return m;
};

describe('family names', () => {
  it('follow the national frequencies in a lowland province (Nguyễn about 38 %)', () => {
    const rng = createRng(1);
    const table = familyNameTable('38');
    const s = shares(Array.from({ length: 50_000 }, () => sampleFamilyName(rng, table)));
    expect(s.get('Nguyễn')).toBeGreaterThan(0.35);
    expect(s.get('Nguyễn')).toBeLessThan(0.41);
    expect(s.get('Trần')).toBeGreaterThan(0.08);
    expect(s.get('Lê')).toBeGreaterThan(0.07);
    expect(s.has('Nông')).toBe(false);
    expect(s.has('Huỳnh')).toBe(false); // northern spelling Hoàng
  });

  it('mix in Tày and Nùng names in Lạng Sơn', () => {
    const rng = createRng(2);
    const table = familyNameTable('20');
    const s = shares(Array.from({ length: 50_000 }, () => sampleFamilyName(rng, table)));
    for (const n of ['Hoàng', 'Nông', 'Lương', 'Lộc', 'Vi', 'Hà', 'Lăng', 'Triệu', 'Chu']) expect(s.get(n) ?? 0).toBeGreaterThan(0.02);
    expect(s.get('Nguyễn')).toBeLessThan(0.2);
    expect(s.get('Hoàng')).toBeGreaterThan(s.get('Nguyễn')!);
  });

  it('use the southern forms in the south', () => {
    const rng = createRng(3);
    const table = familyNameTable('79');
    const s = shares(Array.from({ length: 20_000 }, () => sampleFamilyName(rng, table)));
    expect(s.get('Huỳnh')).toBeGreaterThan(0.03);
    expect(s.has('Hoàng')).toBe(false);
  });
});

describe('personalName', () => {
  it('gives men and women their own middle names, Văn and Thị less often for the young', () => {
    const rng = createRng(4);
    const middles = (sex: 'M' | 'F', year: number) => shares(Array.from({ length: 20_000 }, () => personalName(rng, sex, year)[0]));
    expect(middles('M', 1960).get('Văn')).toBeGreaterThan(0.45);
    expect(middles('F', 1960).get('Thị')).toBeGreaterThan(0.6);
    expect(middles('F', 2010).get('Thị')).toBeLessThan(0.45);
    expect(middles('M', 1980).has('Thị')).toBe(false);
    expect(middles('F', 1980).has('Văn')).toBe(false);
  });

  it('is NFC', () => {
    const rng = createRng(5);
    for (let i = 0; i < 5000; i++) {
      const name = personalName(rng, i % 2 ? 'M' : 'F', 1950 + (i % 70)).join(' ');
      expect(name).toBe(name.normalize('NFC'));
    }
    for (const code of ['20', '38', '79', '14', '17']) {
      for (const n of familyNameTable(code).values) expect(n).toBe(n.normalize('NFC'));
    }
  });
});
