import { describe, expect, it } from 'vitest';
import { parseCalendarDate } from './normalize.ts';
import {
  DuplicateTracker,
  RowCache,
  birthDateOf,
  buildUnitIndex,
  isBlankRow,
  issueMessage,
  mapHeaders,
  naturalKeyOf,
  validatePersonRow,
  type HeaderMap,
  type ImportUnit,
  type RawValue,
} from './importRow.ts';

const UNITS: ImportUnit[] = [
  { code: '20', level: 'province', name: 'Lạng Sơn', type: 'Tỉnh', path: '20/' },
  { code: '178', level: 'district', name: 'Thành phố Lạng Sơn', type: 'Thành phố', path: '20/178/' },
  { code: '05971', level: 'commune', name: 'Phường Hoàng Văn Thụ', type: 'Phường', path: '20/178/05971/' },
  { code: '05974', level: 'commune', name: 'Phường Tam Thanh', type: 'Phường', path: '20/178/05974/' },
  { code: '180', level: 'district', name: 'Huyện Tràng Định', type: 'Huyện', path: '20/180/' },
  { code: '06001', level: 'commune', name: 'Thị trấn Thất Khê', type: 'Thị trấn', path: '20/180/06001/' },
  { code: 'T1', level: 'village', name: 'Nà Pàn', type: 'Thôn', path: '20/178/05971/T1/' },
  { code: 'T2', level: 'village', name: 'Khối 2', type: 'Tổ dân phố', path: '20/178/05971/T2/' },
  { code: 'T3', level: 'village', name: 'Bản Làn', type: 'Thôn', path: '20/178/05974/T3/' },
  { code: 'T4', level: 'village', name: 'Bản Làn', type: 'Thôn', path: '20/178/05974/T4/' },
];

const HEADERS = ['STT', 'Số CCCD', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Số điện thoại', 'Mã xã', 'Thôn', 'Mã hộ', 'Địa chỉ'];
const map = (mapHeaders(HEADERS) as { ok: true; map: HeaderMap }).map;
const ctx = { units: buildUnitIndex(UNITS, '20/'), today: '2021-07-01' };

function row(over: Partial<Record<'cccd' | 'name' | 'birth' | 'sex' | 'phone' | 'commune' | 'village' | 'household' | 'address', RawValue>> = {}): RawValue[] {
  const v = {
    cccd: '020085001234',
    name: '  nguyễn   Văn An ',
    birth: '02/03/1985',
    sex: 'Nam',
    phone: '0912 345 678',
    commune: '05971',
    village: 'T1',
    household: 'HK-001',
    address: 'Số 1 Lê Lợi',
    ...over,
  };
  return ['1', v.cccd, v.name, v.birth, v.sex, v.phone, v.commune, v.village, v.household, v.address];
}

function issues(values: RawValue[]) {
  const r = validatePersonRow(values, map, ctx);
  return r.ok ? [] : r.issues.map((i) => i.code);
}

describe('mapHeaders', () => {
  it('maps Vietnamese headers and ignores unknown ones', () => {
    expect(map).toEqual({ cccd: 1, full_name: 2, birth_date: 3, sex: 4, phone: 5, commune_code: 6, village: 7, household_id: 8, address: 9 });
  });
  it('maps English and snake_case headers regardless of case and diacritics', () => {
    const r = mapHeaders(['CCCD', 'full_name', 'BIRTH_DATE', 'Sex', 'phone', 'commune_code', 'village', 'household_id', 'address']);
    expect(r.ok).toBe(true);
    const r2 = mapHeaders(['cccd', 'Ho ten', 'NGÀY SINH', 'gioi tinh', 'MÃ XÃ', 'mã hộ']);
    expect(r2).toEqual({ ok: true, map: expect.objectContaining({ full_name: 1, birth_date: 2, sex: 3, commune_code: 4, household_id: 5, phone: -1, village: -1, address: -1 }) });
  });
  it('lists the missing required columns', () => {
    expect(mapHeaders(['Họ tên', 'Ngày sinh', 'Địa chỉ'])).toEqual({ ok: false, missing: ['cccd', 'sex', 'commune_code', 'household_id'], duplicated: [] });
  });
  it('refuses a column given twice', () => {
    const r = mapHeaders([...HEADERS, 'CCCD']);
    expect(r).toEqual({ ok: false, missing: [], duplicated: ['cccd'] });
  });
});

describe('validatePersonRow', () => {
  it('normalises a valid row', () => {
    const r = validatePersonRow(row(), map, ctx);
    expect(r).toEqual({
      ok: true,
      person: {
        naturalKey: '020085001234',
        cccd: '020085001234',
        fullName: 'nguyễn Văn An',
        nameSearch: 'nguyen van an',
        birthDate: '1985-03-02',
        sex: 'M',
        phone: '+84912345678',
        communeCode: '05971',
        villageCode: 'T1',
        unitPath: '20/178/05971/T1/',
        householdId: 'HK-001',
        address: 'Số 1 Lê Lợi',
      },
    });
  });

  it('keys a child without CCCD by household, name and birth date', () => {
    const r = validatePersonRow(row({ cccd: '', birth: '2015-06-01', name: 'Lò Thị Mười' }), map, ctx);
    expect(r.ok && r.person.naturalKey).toBe('h:HK-001|lo thi muoi|2015-06-01');
    expect(r.ok && r.person.cccd).toBeNull();
    expect(issues(row({ cccd: '', household: '' }))).toEqual(['household_id.required']);
  });

  it('reports each CCCD problem', () => {
    expect(issues(row({ cccd: '12345' }))).toEqual(['cccd.format']);
    expect(issues(row({ cccd: '999085001234' }))).toEqual(['cccd.province']);
    expect(issues(row({ cccd: '020185001234' }))).toEqual(['cccd.century_sex']); // female digit for a man
    expect(issues(row({ cccd: '020086001234' }))).toEqual(['cccd.birth_year']);
  });

  it('reports impossible, future and missing birth dates', () => {
    expect(issues(row({ birth: '31/02/1990' }))).toEqual(['birth_date.invalid']);
    expect(issues(row({ birth: 'hôm qua' }))).toEqual(['birth_date.invalid']);
    expect(issues(row({ birth: '01/01/1850' }))).toEqual(['birth_date.invalid']);
    expect(issues(row({ birth: '2021-07-02', cccd: '' }))).toEqual(['birth_date.future']);
    expect(issues(row({ birth: '' }))).toEqual(['birth_date.required']);
  });

  it('reports name, sex, phone and address problems together', () => {
    expect(issues(row({ name: ' ', sex: 'X', phone: '12345', address: 'a'.repeat(501) }))).toEqual(['full_name.required', 'sex.invalid', 'phone.invalid', 'address.too_long']);
    expect(issues(row({ name: 'Nguyễn 123' }))).toEqual(['full_name.invalid']);
    expect(issues(row({ name: '=HYPERLINK("x")' }))).toEqual(['full_name.invalid']);
    expect(issues(row({ name: "Hà Thị H'Mông-Ly" }))).toEqual([]);
    expect(issues(row({ sex: '' }))).toEqual(['sex.required']);
  });

  it('accepts an empty phone and an empty village', () => {
    const r = validatePersonRow(row({ phone: '', village: '' }), map, ctx);
    expect(r.ok && [r.person.phone, r.person.villageCode, r.person.unitPath]).toEqual([null, null, '20/178/05971/']);
  });

  it('finds villages by code or by name inside the commune only', () => {
    const byName = validatePersonRow(row({ village: 'Thôn Nà Pàn' }), map, ctx);
    expect(byName.ok && byName.person.villageCode).toBe('T1');
    const plainName = validatePersonRow(row({ village: 'na pan' }), map, ctx);
    expect(plainName.ok && plainName.person.villageCode).toBe('T1');
    expect(issues(row({ village: 'T3' }))).toEqual(['village.unknown']); // T3 belongs to another commune
    expect(issues(row({ commune: '05974', village: 'Bản Làn' }))).toEqual(['village.ambiguous']);
    const byCode = validatePersonRow(row({ commune: '05974', village: 'T4' }), map, ctx);
    expect(byCode.ok && byCode.person.unitPath).toBe('20/178/05974/T4/');
  });

  it('treats communes outside the jurisdiction as unknown', () => {
    const district = { units: buildUnitIndex(UNITS, '20/180/'), today: '2021-07-01' };
    const r = validatePersonRow(row({ village: '' }), map, district);
    expect(r.ok ? [] : r.issues.map((i) => i.code)).toEqual(['commune.unknown']);
    expect(validatePersonRow(row({ commune: '06001', village: '' }), map, district).ok).toBe(true);
    expect(issues(row({ commune: '' }))).toEqual(['commune.required']);
    expect(issues(row({ commune: '99999' }))).toEqual(['commune.unknown']);
  });

  it('reads Excel cells: dates, serial days, numeric CCCD, phone and commune code', () => {
    const r = validatePersonRow(row({ cccd: 20085001234, birth: new Date(Date.UTC(1985, 2, 2)), phone: 912345678, commune: 5971 }), map, ctx);
    expect(r.ok && [r.person.cccd, r.person.birthDate, r.person.phone, r.person.communeCode]).toEqual(['020085001234', '1985-03-02', '+84912345678', '05971']);
    expect(birthDateOf(31108)).toBe('1985-03-02');
    expect(birthDateOf('31108')).toBe('1985-03-02');
  });
});

describe('duplicates and blank rows', () => {
  it('reports the later rows of the same person with the first row number', () => {
    const t = new DuplicateTracker();
    expect(t.check({ naturalKey: '020085001234', cccd: '020085001234' }, 2)).toBeNull();
    expect(t.check({ naturalKey: naturalKeyOf(null, 'H1', 'an', '2015-01-01'), cccd: null }, 3)).toBeNull();
    const dup = t.check({ naturalKey: '020085001234', cccd: '020085001234' }, 7)!;
    expect(dup).toEqual({ column: 'cccd', code: 'duplicate_in_file', firstRow: 2 });
    expect(issueMessage(dup)).toBe('Trùng người với dòng 2');
    expect(issueMessage(dup, 'en')).toBe('Same person as row 2');
    expect(t.check({ naturalKey: 'h:H1|an|2015-01-01', cccd: null }, 9)).toEqual({ column: 'full_name', code: 'duplicate_in_file', firstRow: 3 });
  });
  it('keeps exact track of millions of CCCDs and other keys', () => {
    const t = new DuplicateTracker();
    const cccd = (i: number) => '020' + String(1e8 + i * 7919).padStart(9, '0');
    let repeated = 0;
    for (let i = 0; i < 300_000; i++) if (t.check({ naturalKey: cccd(i), cccd: cccd(i) }, i + 2)) repeated++;
    for (let i = 0; i < 1000; i++) if (t.check({ naturalKey: `h:H${i}|an|2015-01-01`, cccd: null }, 400_000 + i)) repeated++;
    expect(repeated).toBe(0);
    expect(t.size).toBe(301_000);
    for (const i of [0, 1, 123_456, 299_999]) expect(t.check({ naturalKey: cccd(i), cccd: cccd(i) }, 500_000)?.firstRow).toBe(i + 2);
    expect(t.check({ naturalKey: 'h:H999|an|2015-01-01', cccd: null }, 500_001)?.firstRow).toBe(400_999);
    expect(t.check({ naturalKey: cccd(300_000), cccd: cccd(300_000) }, 500_002)).toBeNull();
    // A natural key that only looks like a CCCD (the row has none) is another person.
    expect(t.check({ naturalKey: cccd(5), cccd: null }, 500_003)).toBeNull();
  });
  it('recognises blank rows', () => {
    expect(isBlankRow(['', ' ', null, undefined])).toBe(true);
    expect(isBlankRow(['', 0])).toBe(false);
  });
});

describe('the row cache', () => {
  it('gives the same answer as validating every row afresh', () => {
    const rows: RawValue[][] = [];
    for (let i = 0; i < 200; i++) {
      rows.push(
        row({
          cccd: i % 7 === 0 ? '' : '02008500' + String(1000 + i),
          name: ['Nguyễn Văn An', '  nguyễn   Văn An ', 'An3', '', 'Nguyễn Thị Huyền'][i % 5],
          birth: ['02/03/1985', '1985-03-02', '31/02/1985', '', '01/01/2030', 31108][i % 6],
          sex: ['Nam', 'nam', 'Nữ', 'X', '', 'Nu\u0303'.normalize('NFD')][i % 6],
          commune: ['05971', '5971', '99999', '', '05974'][i % 5],
          village: ['T1', 'Nà Pàn', 'Bản Làn', 'Không Có', ''][i % 5],
          address: ['Số 1  Lê Lợi', '', 'Số 1 Lê Lợi'][i % 3],
        }),
      );
    }
    const cached = { ...ctx, cache: new RowCache() };
    for (let round = 0; round < 2; round++) for (const r of rows) expect(validatePersonRow(r, map, cached)).toEqual(validatePersonRow(r, map, ctx));
  });
});

describe('birth dates in the common shapes', () => {
  it('reads DD/MM/YYYY and YYYY-MM-DD exactly as parseCalendarDate does, every day of four centuries', () => {
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    let differ = 0;
    let checked = 0;
    for (const y of [99, 100, 1899, 1900, 1904, 1985, 2000, 2023, 2024, 2100, 2400]) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          for (const s of [`${pad(d, 2)}/${pad(m, 2)}/${pad(y, 4)}`, `${pad(d, 2)}.${pad(m, 2)}.${pad(y, 4)}`, `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`, `${pad(d, 2)}-${pad(m, 2)}-${pad(y, 4)}`]) {
            checked++;
            if (birthDateOf(s) !== parseCalendarDate(s)) differ++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(20_000);
    expect(differ).toBe(0);
    for (const s of ['31/12/1999', '29/02/2000', '29/02/1900', '1999-12-31', '1/2/1999', '12/31/1999', '2a/02/1999', '29/02-2000']) expect(birthDateOf(s)).toBe(parseCalendarDate(s));
  });
});
