import { describe, expect, it } from 'vitest';
import { addDays, addressLine, daysBetween } from './format.ts';
import { dueIn } from '../tasks/due.ts';

describe('calendar days', () => {
  it('counts whole days across months and years', () => {
    expect(daysBetween('2021-07-30', '2021-08-02')).toBe(3);
    expect(daysBetween('2021-12-31', '2021-12-31')).toBe(0);
    expect(daysBetween('2022-01-01', '2021-12-30')).toBe(-2);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2021-12-31', 14)).toBe('2022-01-14');
  });
});

describe('addressLine', () => {
  it('adds the village and commune only when the address does not name them already', () => {
    expect(addressLine('Số 14, Tổ dân phố 16, Phường Vĩnh Trại, Thành phố Lạng Sơn', 'Tổ dân phố 16', 'Phường Vĩnh Trại')).toBe('Số 14, Tổ dân phố 16, Phường Vĩnh Trại, Thành phố Lạng Sơn');
    expect(addressLine('Số 14, Tổ dân phố 12, Phường Vĩnh Trại', 'Tổ dân phố 1', 'Phường Vĩnh Trại')).toBe('Số 14, Tổ dân phố 12, Phường Vĩnh Trại · Tổ dân phố 1');
    expect(addressLine(null, 'Thôn Nà Pàn', 'Xã Hợp Thành')).toBe('Thôn Nà Pàn, Xã Hợp Thành');
    expect(addressLine('thôn nà pàn, xã hợp thành', 'Thôn Nà Pàn')).toBe('thôn nà pàn, xã hợp thành');
    expect(addressLine('', null)).toBe('');
  });
});

describe('dueIn', () => {
  const now = new Date('2021-08-01T10:00:00Z');
  it('says minutes, hours or days, and whether it is late', () => {
    expect(dueIn('2021-08-01T10:20:00Z', now)).toEqual({ overdue: false, unit: 'minutes', count: 20 });
    expect(dueIn('2021-08-01T07:00:00Z', now)).toEqual({ overdue: true, unit: 'hours', count: 3 });
    expect(dueIn('2021-08-03T10:00:00Z', now)).toEqual({ overdue: false, unit: 'days', count: 2 });
    expect(dueIn('2021-08-01T10:00:10Z', now)).toEqual({ overdue: false, unit: 'minutes', count: 1 });
  });
});
