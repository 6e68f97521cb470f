import { describe, expect, it } from 'vitest';
import { CODE128_PATTERNS, code128Values, code128Widths } from './code128.ts';
import { checkDigit, generatedBarcode, isGeneratedBarcode, normalizeBarcode } from './barcode.ts';
import { normalizePlate } from './plate.ts';

/** Reads bars back into symbol values with the table, checking the check symbol: an independent decoder. */
function decode(widths: number[]): string {
  const byPattern = new Map(CODE128_PATTERNS.map((p, v) => [p, v]));
  const values: number[] = [];
  for (let i = 0; i < widths.length; ) {
    const len = widths.length - i === 7 ? 7 : 6;
    const v = byPattern.get(widths.slice(i, i + len).join(''));
    if (v === undefined) throw new Error('unknown symbol at ' + i);
    values.push(v);
    i += len;
  }
  const [start, ...rest] = values;
  const stop = rest.pop();
  const check = rest.pop()!;
  if (stop !== 106) throw new Error('no stop');
  let sum = start;
  rest.forEach((v, k) => (sum += v * (k + 1)));
  if (sum % 103 !== check) throw new Error('bad check symbol');
  let set = start === 105 ? 'C' : 'B';
  let out = '';
  for (const v of rest) {
    if (v === 99) set = 'C';
    else if (v === 100) set = 'B';
    else out += set === 'C' ? String(v).padStart(2, '0') : String.fromCharCode(v + 32);
  }
  return out;
}

describe('Code 128', () => {
  it('the table is the standard one: 11 modules a symbol, even bar modules, all distinct', () => {
    expect(CODE128_PATTERNS).toHaveLength(107);
    expect(new Set(CODE128_PATTERNS).size).toBe(107);
    CODE128_PATTERNS.forEach((p, v) => {
      const w = [...p].map(Number);
      expect(w.reduce((a, b) => a + b, 0), String(v)).toBe(v === 106 ? 13 : 11);
      expect(w.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b, 0) % 2, String(v)).toBe(0);
    });
    expect(CODE128_PATTERNS[104]).toBe('211214'); // start B
    expect(CODE128_PATTERNS[105]).toBe('211232'); // start C
  });
  it('encodes digits two per symbol in code set C', () => {
    expect(code128Values('123456')).toEqual([105, 12, 34, 56, (105 + 12 + 34 * 2 + 56 * 3) % 103, 106]);
  });
  it('encodes text in code set B with the mod-103 check symbol', () => {
    expect(code128Values('AB')).toEqual([104, 33, 34, (104 + 33 + 34 * 2) % 103, 106]);
  });
  it('round-trips every kind of label', () => {
    for (const s of ['S20-0000001237', 'P38-1234567890', 'LAB-12', '12345', '1234', 'A1', 'XN 2021/09', '9876543210AB']) {
      expect(decode(code128Widths(s)), s).toBe(s);
    }
  });
  it('switches to code set C for long digit runs, saving width', () => {
    const v = code128Values('S20-0000001237');
    expect(v).toContain(99);
    expect(code128Widths('S20-0000001237').reduce((a, b) => a + b, 0)).toBeLessThan(11 * 16 + 13);
  });
  it('refuses characters outside code set B', () => {
    expect(() => code128Values('Mẫu')).toThrow();
    expect(() => code128Values('')).toThrow();
  });
});

describe('barcodes and plates', () => {
  it('generates labels with a check digit that catches typing mistakes', () => {
    const code = generatedBarcode('specimen', '20', 123);
    expect(code).toMatch(/^S20-000000123\d$/);
    expect(isGeneratedBarcode(code)).toBe(true);
    expect(normalizeBarcode(' ' + code.toLowerCase() + ' ')).toBe(code);
    const typo = code.slice(0, -2) + ((Number(code.at(-2)) + 1) % 10) + code.at(-1);
    expect(normalizeBarcode(typo)).toBeNull();
    expect(generatedBarcode('pool', '38', 1).startsWith('P38-')).toBe(true);
    expect(checkDigit('7992739871')).toBe(3); // Luhn's textbook example
  });
  it('keeps a lab\'s own codes, refuses junk', () => {
    expect(normalizeBarcode('lab-00123')).toBe('LAB-00123');
    expect(normalizeBarcode('ab')).toBeNull();
    expect(normalizeBarcode('mẫu 1')).toBeNull();
  });
  it('normalises plates', () => {
    expect(normalizePlate('29C-123.45')).toBe('29C12345');
    expect(normalizePlate('51ld 123.45')).toBe('51LD12345');
    expect(normalizePlate('59X1-234.56')).toBe('59X123456');
    expect(normalizePlate('hello')).toBeNull();
  });
});
