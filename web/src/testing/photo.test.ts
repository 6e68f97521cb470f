import { describe, expect, it } from 'vitest';
import { instantFromLocal, localDateTimeValue } from './photo.ts';
import { normaliseBarcode } from './BarcodeInput.tsx';

describe('moments typed in Vietnam time', () => {
  it('reads dd/mm + hh:mm as Asia/Ho_Chi_Minh (UTC+7)', () => {
    expect(instantFromLocal('2021-08-15T07:30')).toBe('2021-08-15T00:30:00.000Z');
    expect(instantFromLocal('2021-08-15T00:05')).toBe('2021-08-14T17:05:00.000Z');
    expect(instantFromLocal('2021-08-15T9:05')).toBe('2021-08-15T02:05:00.000Z');
  });
  it('refuses what is not a time', () => {
    for (const v of ['', '2021-08-15T', '2021-08-15T24:00', '2021-08-15T12:60', 'T12:00', '2021-08-15T12']) expect(instantFromLocal(v), v).toBeNull();
  });
  it('writes an instant back as the field shows it', () => {
    const at = new Date('2021-12-31T18:45:00Z');
    expect(localDateTimeValue(at)).toBe('2022-01-01T01:45');
    expect(instantFromLocal(localDateTimeValue(at))).toBe(at.toISOString());
  });
});

describe('scanned barcodes', () => {
  it('drop the spaces a scanner or a typist adds and read upper case', () => {
    expect(normaliseBarcode(' s20-123 456 7890 ')).toBe('S20-1234567890');
    expect(normaliseBarcode('\tpool-0001\n')).toBe('POOL-0001');
  });
});
