import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { CsvError, CsvReader } from './csv.ts';

/** The records of `text` fed in pieces cut at `cuts`. */
function read(text: string, delimiter: string, cuts: number[] = []): string[][] {
  const r = new CsvReader({ delimiter });
  const out: string[][] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    r.push(text.slice(at, c), out);
    at = c;
  }
  r.push(text.slice(at), out);
  return r.end(out);
}

/** What the import read with before (and what this reader must agree with). */
function csvParse(text: string, delimiter: string): string[][] {
  return parse(text, { bom: true, delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as string[][];
}

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('CsvReader', () => {
  it('reads plain, quoted and multi-line fields', () => {
    const text = 'Số CCCD,Họ và tên,Địa chỉ\r\n020085001234,Nguyễn Văn An,"Số 1, Lê Lợi"\r\n,"Trần ""Bé"" Bình","dòng 1\r\ndòng 2"\r\n';
    expect(read(text, ',')).toEqual([
      ['Số CCCD', 'Họ và tên', 'Địa chỉ'],
      ['020085001234', 'Nguyễn Văn An', 'Số 1, Lê Lợi'],
      ['', 'Trần "Bé" Bình', 'dòng 1\r\ndòng 2'],
    ]);
  });

  it('skips a byte order mark, keeps empty lines as records and needs no final newline', () => {
    expect(read('\uFEFFa;b\n\nc;"d"', ';')).toEqual([['a', 'b'], [''], ['c', 'd']]);
  });

  it('takes the first line ending as the record delimiter', () => {
    expect(read('a,b\r\nc\nd,e\r\n', ',')).toEqual([['a', 'b'], ['c\nd', 'e']]);
    expect(read('a,b\rc,d\r', ',')).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('keeps quotes inside unquoted fields and text after a closing quote, as csv-parse relax_quotes does', () => {
    expect(read('a"b,"c"d,e\n', ',')).toEqual([['a"b', '"c"d', 'e']]);
  });

  it('gives the same records wherever the text is cut', () => {
    const text = 'x,"a\r\nb",c\r\n"",""""\r\nlast';
    const whole = read(text, ',');
    for (let i = 0; i <= text.length; i++) expect(read(text, ',', [i])).toEqual(whole);
  });

  it('refuses a quote left open at the end', () => {
    expect(() => read('a,"b\nc\n', ',')).toThrow(CsvError);
  });

  it('refuses a record longer than the limit instead of buffering the file', () => {
    const r = new CsvReader({ delimiter: ',', maxRecordSize: 100 });
    expect(() => r.push('"' + 'a'.repeat(200))).toThrow(/longer than 100/);
  });

  it('reads generated files exactly as csv-parse does, however they are cut', () => {
    const rand = rng(7);
    const alphabet = ['a', 'b', 'ữ', ' ', '"', '"', ',', ';', '\t', '\n', '\r', '\r\n', '""'];
    for (let n = 0; n < 3000; n++) {
      const delimiter = [',', ';', '\t'][n % 3];
      let text = rand() < 0.1 ? '\uFEFF' : '';
      const len = Math.floor(rand() * 40);
      for (let i = 0; i < len; i++) text += alphabet[Math.floor(rand() * alphabet.length)];
      const cuts = Array.from({ length: Math.floor(rand() * 4) }, () => Math.floor(rand() * (text.length + 1)));
      let expected: string[][] | 'error';
      try {
        expected = csvParse(text, delimiter);
      } catch {
        expected = 'error';
      }
      let actual: string[][] | 'error';
      try {
        actual = read(text, delimiter, cuts);
      } catch {
        actual = 'error';
      }
      expect(actual, JSON.stringify({ text, delimiter, cuts })).toEqual(expected);
    }
  });
});
