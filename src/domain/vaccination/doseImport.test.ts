import { describe, expect, it } from 'vitest';
import { doseSpecOf, kindOfNumber, mapDoseHeaders, productCodeOf, readDoseRow, resolveDoseKind, seriesProductOf, siteUnitFinder, DOSE_COLUMN_LABELS, DOSE_IMPORT_COLUMNS, type SiteUnit } from './doseImport.ts';

const header = DOSE_IMPORT_COLUMNS.map((c) => DOSE_COLUMN_LABELS[c].vi);
const map = (() => {
  const m = mapDoseHeaders(header);
  if (!m.ok) throw new Error('template header');
  return m.map;
})();
const row = (over: Partial<Record<(typeof DOSE_IMPORT_COLUMNS)[number], unknown>>) =>
  DOSE_IMPORT_COLUMNS.map((c) => (c in over ? over[c] : ({ external_id: 'R1', cccd: '020190000123', product: 'AstraZeneca', lot_number: 'NJ1', dose: '1', given_on: '20/08/2021' } as Record<string, unknown>)[c] ?? '')) as never[];

describe('dose import header', () => {
  it('maps Vietnamese and English headers, ignoring unknown columns', () => {
    const m = mapDoseHeaders(['STT', 'Mã mũi tiêm', 'CCCD', 'Vắc xin', 'Số lô', 'Mũi', 'Ngày tiêm']);
    expect(m.ok && m.map.cccd).toBe(2);
    expect(mapDoseHeaders(['record id', 'national id', 'vaccine', 'lot number', 'dose', 'date given']).ok).toBe(true);
  });
  it('needs a way to find the person and the dose columns', () => {
    expect(mapDoseHeaders(['Tên vắc xin', 'Số lô', 'Mũi tiêm', 'Ngày tiêm'])).toMatchObject({ ok: false, identity: false, missing: [] });
    expect(mapDoseHeaders(['Họ và tên', 'Ngày sinh', 'Mã xã', 'Tên vắc xin', 'Số lô', 'Mũi tiêm', 'Ngày tiêm']).ok).toBe(true);
    expect(mapDoseHeaders(['Số CCCD', 'Ngày tiêm'])).toMatchObject({ ok: false, missing: ['product', 'lot_number', 'dose'] });
    expect(mapDoseHeaders(['Số CCCD', 'CCCD', 'Tên vắc xin', 'Số lô', 'Mũi tiêm', 'Ngày tiêm'])).toMatchObject({ ok: false, duplicated: ['cccd'] });
  });
});

describe('products and doses as the platform writes them', () => {
  it('reads product names', () => {
    expect(productCodeOf('Comirnaty (Pfizer)')).toBe('pfizer');
    expect(productCodeOf('Comirnaty')).toBe('pfizer');
    expect(productCodeOf('Vero Cell')).toBe('vero_cell');
    expect(productCodeOf('SINOPHARM')).toBe('vero_cell');
    expect(productCodeOf('AstraZeneca')).toBe('astrazeneca');
    expect(productCodeOf('sputnik_v')).toBe('sputnik_v');
    expect(productCodeOf('Hayat-Vax')).toBe('hayat_vax');
    expect(productCodeOf('Sputnik Light')).toBeNull();
  });
  it('reads dose texts and resolves numbers against the product series', () => {
    expect(doseSpecOf('Mũi 2')).toEqual({ number: 2 });
    expect(doseSpecOf(3)).toEqual({ number: 3 });
    expect(doseSpecOf('Mũi bổ sung')).toEqual({ kind: 'additional' });
    expect(doseSpecOf('Mũi nhắc lại lần 1')).toEqual({ kind: 'booster_1' });
    expect(doseSpecOf('Nhắc lại 2')).toEqual({ kind: 'booster_2' });
    expect(doseSpecOf('booster_2')).toEqual({ kind: 'booster_2' });
    expect(doseSpecOf('Mũi 4 (nhắc lại)')).toEqual({ number: 4 });
    expect(doseSpecOf('mũi thứ mười')).toBeNull();
    expect(resolveDoseKind({ number: 3 }, { primaryDoses: 2 })).toBe('booster_1');
    expect(resolveDoseKind({ number: 3 }, { primaryDoses: 3 })).toBe('primary_3');
    expect(resolveDoseKind({ number: 2 }, { primaryDoses: 1 })).toBe('booster_1');
    expect(resolveDoseKind({ number: 5 }, { primaryDoses: 2 })).toBeNull();
  });
  it('counts a mixed course in the series of the product of the first dose', () => {
    // Janssen (one dose) then Pfizer "dose 2": the first booster, not Pfizer's second primary dose.
    expect(seriesProductOf([], [{ number: 2, productCode: 'pfizer', givenOn: '2021-12-01' }, { number: 1, productCode: 'janssen', givenOn: '2021-08-01' }])).toBe('janssen');
    expect(kindOfNumber(2, 1)).toBe('booster_1');
    expect(kindOfNumber(3, 1)).toBe('booster_2');
    expect(kindOfNumber(4, 1)).toBeNull();
    // Recorded already: dose 1 of AstraZeneca; the file's Pfizer "dose 3" after it is the booster.
    expect(seriesProductOf([{ kind: 'primary_1', productCode: 'astrazeneca' }], [{ number: 3, productCode: 'pfizer', givenOn: '2022-01-10' }])).toBe('astrazeneca');
    expect(kindOfNumber(3, 2)).toBe('booster_1');
    // Abdala's three doses: dose 3 is still primary.
    expect(kindOfNumber(3, 3)).toBe('primary_3');
    expect(kindOfNumber(4, 3)).toBe('booster_1');
    // Nothing says where the course began: each dose counts in its own product's series.
    expect(seriesProductOf([], [{ number: 2, productCode: 'pfizer', givenOn: '2021-12-01' }])).toBeNull();
    // A dose 1 given twice in the file: the earlier one.
    expect(seriesProductOf([], [{ number: 1, productCode: 'pfizer', givenOn: '2021-09-01' }, { number: 1, productCode: 'janssen', givenOn: '2021-08-01' }])).toBe('janssen');
  });
});

describe('one row', () => {
  it('reads a good row', () => {
    const r = readDoseRow(2, row({ site: ' Trạm Y tế ', given_on: '2021-08-20 08:30' }), map);
    expect(r).toEqual({
      ok: true,
      dose: { rowNumber: 2, externalId: 'R1', cccd: '020190000123', personKey: null, fullName: null, nameSearch: null, birthDate: null, communeCode: null, productCode: 'astrazeneca', lotNumber: 'NJ1', dose: { number: 1 }, givenOn: '2021-08-20', siteName: 'Trạm Y tế', vaccinator: null, overrideReason: null },
    });
  });
  it('restores what spreadsheets drop: leading zeros of a CCCD and a commune code', () => {
    const r = readDoseRow(2, row({ cccd: 20190000123, full_name: 'Nguyễn Văn An', birth_date: new Date('1980-03-15T00:00:00Z'), commune_code: 5977 }), map);
    expect(r.ok && [r.dose.cccd, r.dose.fullName, r.dose.nameSearch, r.dose.birthDate, r.dose.communeCode]).toEqual(['020190000123', 'Nguyễn Văn An', null, '1980-03-15', '05977']);
    // Without a CCCD the name is the key: its search form is computed at once.
    const r2 = readDoseRow(3, row({ cccd: '', full_name: 'Nguyễn  Văn An', birth_date: '15/03/1980', commune_code: '05977' }), map);
    expect(r2.ok && r2.dose.nameSearch).toBe('nguyen van an');
  });
  it('lists every problem of a bad row', () => {
    const r = readDoseRow(3, row({ cccd: '12345', product: 'Không biết', lot_number: '', dose: 'x', given_on: '31/02/2021' }), map);
    expect(r.ok ? [] : r.issues.map((i) => i.code)).toEqual(['cccd.format', 'product.unknown', 'lot_number.required', 'dose.invalid', 'given_on.format']);
    const noOne = readDoseRow(4, row({ cccd: '', full_name: 'A' }), map);
    expect(noOne.ok ? [] : noOne.issues.map((i) => i.code)).toEqual(['person.identity_missing']);
  });
});

describe('the site named in a row', () => {
  const units: SiteUnit[] = [
    { code: '380', name: 'Huyện Quảng Xương', level: 'district', path: '38/380/' },
    { code: '381', name: 'Huyện Nông Cống', level: 'district', path: '38/381/' },
    { code: '14755', name: 'Xã Quảng Tân', level: 'commune', path: '38/380/14755/' },
    { code: '14800', name: 'Xã Tân Phúc', level: 'commune', path: '38/381/14800/' },
    { code: '14801', name: 'Xã Quảng Tân', level: 'commune', path: '38/381/14801/' },
    { code: '14802', name: 'Phường Vĩnh Trại', level: 'commune', path: '38/381/14802/' },
  ];
  const find = siteUnitFinder(units);
  it('finds the commune or district a site is named after', () => {
    expect(find('Trạm Y tế Phường Vĩnh Trại', '38/380/14755/')?.code).toBe('14802');
    expect(find('Trạm y tế vĩnh trại', '38/380/14755/')?.code).toBe('14802');
    expect(find('Trung tâm Y tế huyện Nông Cống', '38/380/14755/')?.code).toBe('381');
    // A commune of the name in two districts: the person's.
    expect(find('TYT xã Quảng Tân', '38/381/14800/')?.code).toBe('14801');
    expect(find('TYT xã Quảng Tân', '38/380/14755/')?.code).toBe('14755');
    expect(find('TYT xã Quảng Tân', '38/382/15000/')).toBeNull();
    // The longest name: "Tân Phúc", not another unit inside it.
    expect(find('Trạm Y tế Tân Phúc', '38/380/14755/')?.code).toBe('14800');
  });
  it('finds nothing in a name that names no unit', () => {
    expect(find('Bệnh viện Đa khoa tỉnh', '38/380/14755/')).toBeNull();
    expect(find(null, '38/380/14755/')).toBeNull();
    expect(find('Trạm Y tế', '38/380/14755/')).toBeNull();
  });
});
