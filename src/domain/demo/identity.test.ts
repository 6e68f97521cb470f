import { describe, expect, it } from 'vitest';
import { normalizePhone, validateCccd } from '../people/normalize.ts';
import { birthProvince, CccdAllocator, cccdShare, PhoneAllocator, phoneShare } from './identity.ts';
import { createRng } from './random.ts';

describe('CccdAllocator', () => {
  it('hands out unique CCCDs that agree with birth year and sex', () => {
    const alloc = new CccdAllocator(2021);
    const rng = createRng(1);
    const seen = new Set<string>();
    const invalid: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const year = rng.int(1925, 2024);
      const sex = rng.chance(0.5) ? 'M' : 'F';
      const cccd = alloc.next(birthProvince(rng, '20', 2025 - year), year, sex);
      if (!validateCccd(cccd, { birthDate: `${year}-06-01`, sex }).ok) invalid.push(cccd);
      seen.add(cccd);
    }
    expect(invalid).toEqual([]);
    expect(seen.size).toBe(50_000);
  });

  it('never repeats a serial within one prefix', () => {
    const alloc = new CccdAllocator(7);
    const serials = new Set(Array.from({ length: 100_000 }, () => alloc.next('38', 1990, 'F')));
    expect(serials.size).toBe(100_000);
    for (const c of [...serials].slice(0, 100)) expect(c.startsWith('038190')).toBe(true);
  });

  it('is deterministic', () => {
    const a = new CccdAllocator(5);
    const b = new CccdAllocator(5);
    const c = new CccdAllocator(6);
    const seqA = Array.from({ length: 20 }, () => a.next('20', 1980, 'M'));
    expect(Array.from({ length: 20 }, () => b.next('20', 1980, 'M'))).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next('20', 1980, 'M'))).not.toEqual(seqA);
  });
});

describe('birthProvince', () => {
  it('is mostly the demo province', () => {
    const rng = createRng(2);
    const provinces = Array.from({ length: 10_000 }, () => birthProvince(rng, '20', 40));
    const own = provinces.filter((p) => p === '020').length / provinces.length;
    expect(own).toBeGreaterThan(0.85);
    expect(own).toBeLessThan(0.97);
    expect(new Set(provinces).size).toBeGreaterThan(5);
  });
});

describe('PhoneAllocator', () => {
  it('hands out unique valid mobile numbers in E.164', () => {
    const alloc = new PhoneAllocator(2021);
    const rng = createRng(3);
    const phones = Array.from({ length: 50_000 }, () => alloc.next(rng));
    expect(phones.filter((p) => normalizePhone(p) !== p || !/^\+84[35789]\d{8}$/.test(p))).toEqual([]);
    expect(new Set(phones).size).toBe(phones.length);
    expect(new Set(phones.map((p) => p.slice(3, 5))).size).toBeGreaterThan(20); // every network
  });
});

describe('shares', () => {
  it('give CCCDs to everyone from 14 and phones to most adults', () => {
    expect(cccdShare(14)).toBeGreaterThan(0.95);
    expect(cccdShare(8)).toBeLessThan(0.2);
    expect(phoneShare(35)).toBeGreaterThan(0.9);
    expect(phoneShare(5)).toBe(0);
  });
});
