import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { csvField, csvLine } from './csv.ts';

describe('csvLine', () => {
  it('quotes what needs quoting and leaves null empty', () => {
    expect(csvField(null)).toBe('');
    expect(csvField('')).toBe('""');
    expect(csvField('Thôn 3, Xã Mai Pha')).toBe('"Thôn 3, Xã Mai Pha"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(12)).toBe('12');
    expect(csvLine(['a', null, 'b,c'])).toBe('a,,"b,c"\n');
  });

  it('round-trips through a CSV parser', () => {
    const rows = [
      ['Nguyễn Văn An', 'Số 12, Tổ dân phố 3, Phường Tam Thanh', null, '"quoted"', 'line\nbreak', ''],
      ['x', 'y', 'z', 'w', 'v', 'u'],
    ];
    const text = rows.map(csvLine).join('');
    const parsed = parse(text, { relax_column_count: false }) as string[][];
    expect(parsed).toEqual(rows.map((r) => r.map((v) => v ?? '')));
  });
});
