import { describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import { dmy, provinceTitle, qrMatrix } from './certificatePdf.ts';

describe('certificate PDF pieces', () => {
  it('the QR matrix drawn on the certificate reads back to the verification link', () => {
    const url = 'https://chongdich.langson.gov.vn/xac-minh#eyJhbGciOiJFUzI1NiIsImtpZCI6IjF6Y3N3NUNTbXVKM0QxY0oifQ.' + 'x'.repeat(420) + '.' + 'y'.repeat(86);
    const m = qrMatrix(url);
    const scale = 4;
    const quiet = 4;
    const side = (m.size + 2 * quiet) * scale;
    const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
    for (let y = 0; y < m.size; y++)
      for (let x = 0; x < m.size; x++)
        if (m.dark(x, y))
          for (let dy = 0; dy < scale; dy++)
            for (let dx = 0; dx < scale; dx++) {
              const i = (((y + quiet) * scale + dy) * side + (x + quiet) * scale + dx) * 4;
              rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
            }
    expect(jsQR(rgba, side, side)?.data).toBe(url);
  });
  it('dates and the province title', () => {
    expect(dmy('2021-08-02')).toBe('02/08/2021');
    expect(dmy(null)).toBe('—');
    expect(provinceTitle('Lạng Sơn')).toBe('Tỉnh Lạng Sơn');
    expect(provinceTitle('Tỉnh Lạng Sơn')).toBe('Tỉnh Lạng Sơn');
    expect(provinceTitle('Thành phố Hà Nội')).toBe('Thành phố Hà Nội');
  });
});
