// One row of the national vaccination platform's export (CSV or Excel): header mapping, then the
// row read into a dose record (who, product, lot, dose, date, site, vaccinator, the platform's
// record id) or the list of what is wrong with it. Pure: the import service
// (src/server/modules/vaccination/doseImport.ts) reads the file, matches people and lots in the
// database and runs the dose checks (doses.ts) person by person.
import { birthDateOf, type RawValue } from '../people/importRow.ts';
import { normalizeName, searchKey } from '../people/normalize.ts';
import { DOSE_KINDS, type DoseKind, type ProductPolicy } from './types.ts';

export const DOSE_IMPORT_COLUMNS = [
  'external_id',
  'cccd',
  'person_key',
  'full_name',
  'birth_date',
  'commune_code',
  'product',
  'lot_number',
  'dose',
  'given_on',
  'site',
  'vaccinator',
  'override_reason',
] as const;
export type DoseImportColumn = (typeof DOSE_IMPORT_COLUMNS)[number];

/** The header of the downloadable template, in this order (Vietnamese, as the platform's export). */
export const DOSE_COLUMN_LABELS: Record<DoseImportColumn, { vi: string; en: string }> = {
  external_id: { vi: 'Mã mũi tiêm', en: 'Record id' },
  cccd: { vi: 'Số CCCD', en: 'CCCD' },
  person_key: { vi: 'Mã người trong sổ dân', en: 'Registry key' },
  full_name: { vi: 'Họ và tên', en: 'Full name' },
  birth_date: { vi: 'Ngày sinh', en: 'Birth date' },
  commune_code: { vi: 'Mã xã', en: 'Commune code' },
  product: { vi: 'Tên vắc xin', en: 'Vaccine' },
  lot_number: { vi: 'Số lô', en: 'Lot number' },
  dose: { vi: 'Mũi tiêm', en: 'Dose' },
  given_on: { vi: 'Ngày tiêm', en: 'Date given' },
  site: { vi: 'Cơ sở tiêm chủng', en: 'Vaccination site' },
  vaccinator: { vi: 'Người tiêm', en: 'Vaccinator' },
  override_reason: { vi: 'Lý do tiêm sớm', en: 'Reason for an early dose' },
};

/** Header names the platform and people use, compared as search keys (no diacritics, lower case). */
const HEADER_ALIASES: Record<DoseImportColumn, string[]> = {
  external_id: ['ma mui tiem', 'ma mui', 'ma ban ghi', 'ma ban ghi tiem', 'id mui tiem', 'ma tiem chung', 'record id', 'external id', 'dose id', 'id'],
  cccd: ['cccd', 'so cccd', 'cccd cmnd', 'cmnd cccd', 'so cmnd cccd', 'so can cuoc', 'so can cuoc cong dan', 'can cuoc cong dan', 'so dinh danh', 'so dinh danh ca nhan', 'ma dinh danh', 'citizen id', 'national id', 'id number'],
  person_key: ['ma nguoi trong so dan', 'ma nguoi', 'ma so dan', 'ma doi tuong', 'ma cong dan', 'registry key', 'person key', 'natural key'],
  full_name: ['ho va ten', 'ho ten', 'ten doi tuong', 'ten nguoi tiem', 'full name', 'fullname', 'name'],
  birth_date: ['ngay sinh', 'ngay thang nam sinh', 'birth date', 'birthdate', 'date of birth', 'dob'],
  commune_code: ['ma xa', 'ma xa phuong', 'ma xa phuong thi tran', 'ma don vi hanh chinh', 'ma dvhc', 'commune code', 'commune'],
  product: ['ten vac xin', 'vac xin', 'loai vac xin', 'ten vaccine', 'vaccine', 'vaccin', 'product', 'product code'],
  lot_number: ['so lo', 'lo vac xin', 'so lo vac xin', 'lo', 'lot', 'lot number', 'batch'],
  dose: ['mui tiem', 'mui', 'mui thu', 'mui so', 'loai mui', 'lieu', 'mui tiem thu', 'dose', 'dose number', 'dose kind'],
  given_on: ['ngay tiem', 'ngay tiem chung', 'thoi gian tiem', 'given on', 'date given', 'vaccination date', 'date'],
  site: ['co so tiem chung', 'co so tiem', 'diem tiem', 'noi tiem', 'don vi tiem', 'site', 'vaccination site'],
  vaccinator: ['nguoi tiem', 'can bo tiem', 'nhan vien tiem', 'vaccinator'],
  override_reason: ['ly do tiem som', 'ly do tiem truoc han', 'ly do', 'override reason'],
};

const ALIAS_TO_COLUMN = new Map<string, DoseImportColumn>(DOSE_IMPORT_COLUMNS.flatMap((c) => HEADER_ALIASES[c].map((a) => [a, c] as const)));

/** Column index of each known column, -1 when absent. */
export type DoseHeaderMap = Record<DoseImportColumn, number>;

/** Without these the file is refused as a whole; plus a way to find the person (see mapDoseHeaders). */
export const REQUIRED_DOSE_COLUMNS: readonly DoseImportColumn[] = ['product', 'lot_number', 'dose', 'given_on'];

export type DoseHeaderResult =
  | { ok: true; map: DoseHeaderMap }
  | { ok: false; missing: DoseImportColumn[]; duplicated: DoseImportColumn[]; identity: boolean };

/**
 * Maps a header row. The person is found by CCCD, by the registry key, or by name + birth date +
 * commune: a file must have one of these (identity false when it has none).
 */
export function mapDoseHeaders(headers: readonly unknown[]): DoseHeaderResult {
  const map = Object.fromEntries(DOSE_IMPORT_COLUMNS.map((c) => [c, -1])) as DoseHeaderMap;
  const duplicated = new Set<DoseImportColumn>();
  headers.forEach((h, i) => {
    const column = ALIAS_TO_COLUMN.get(searchKey(String(h ?? '')));
    if (!column) return;
    if (map[column] >= 0) duplicated.add(column);
    else map[column] = i;
  });
  const missing = REQUIRED_DOSE_COLUMNS.filter((c) => map[c] < 0);
  const identity = map.cccd >= 0 || map.person_key >= 0 || (map.full_name >= 0 && map.birth_date >= 0 && map.commune_code >= 0);
  if (missing.length || duplicated.size || !identity) return { ok: false, missing, duplicated: [...duplicated], identity };
  return { ok: true, map };
}

// ---------------------------------------------------------------------------------------------
// Products and dose kinds as the platform writes them

const PRODUCT_ALIASES: Record<string, string[]> = {
  astrazeneca: ['astrazeneca', 'astra zeneca', 'az', 'vaxzevria', 'covishield', 'azd1222', 'chadox1'],
  pfizer: ['pfizer', 'pfizer biontech', 'biontech', 'comirnaty', 'pfizer comirnaty'],
  moderna: ['moderna', 'spikevax', 'mrna 1273'],
  vero_cell: ['vero cell', 'verocell', 'sinopharm', 'sinopharm vero cell', 'vero cell sinopharm', 'bbibp corv', 'bbibp'],
  sputnik_v: ['sputnik v', 'sputnik', 'gam covid vac', 'sputnik 5'],
  janssen: ['janssen', 'johnson', 'johnson johnson', 'j j', 'jnj', 'ad26 cov2 s'],
  abdala: ['abdala', 'cigb 66'],
  hayat_vax: ['hayat vax', 'hayat', 'hayatvax'],
  pfizer_pediatric: ['pfizer tre em', 'pfizer nhi', 'pfizer cho tre 5 11 tuoi', 'pfizer 5 11', 'pfizer pediatric', 'comirnaty tre em', 'comirnaty 5 11'],
};
const PRODUCT_BY_KEY = new Map<string, string>(Object.entries(PRODUCT_ALIASES).flatMap(([code, names]) => [[code, code] as const, [code.replace(/_/g, ' '), code] as const, ...names.map((n) => [n, code] as const)]));

/** The product code of a platform's vaccine name (or a product code), null when unknown. */
export function productCodeOf(raw: string, known?: ReadonlySet<string>): string | null {
  const key = searchKey(raw);
  if (!key) return null;
  // "Comirnaty (Pfizer)", "Vero Cell (Sinopharm)": the name before the brackets.
  const bare = searchKey(raw.replace(/\([^)]*\)/g, ' '));
  return PRODUCT_BY_KEY.get(key) ?? PRODUCT_BY_KEY.get(bare) ?? (known?.has(raw.trim().toLowerCase()) ? raw.trim().toLowerCase() : null);
}

/** A dose as written: a kind, or a number resolved against the product's primary series. */
export type DoseSpec = { kind: DoseKind } | { number: number };

/**
 * Reads "1", "Mũi 2", "mũi bổ sung", "Mũi nhắc lại lần 1", "booster_1"… Null when unreadable.
 */
export function doseSpecOf(raw: RawValue): DoseSpec | null {
  if (typeof raw === 'number') return Number.isInteger(raw) && raw >= 1 && raw <= 5 ? { number: raw } : null;
  const text = String(raw ?? '').trim();
  if ((DOSE_KINDS as readonly string[]).includes(text)) return { kind: text as DoseKind };
  const key = searchKey(text);
  if (!key) return null;
  const digits = key.match(/\d+/g);
  const n = digits && digits.length === 1 ? Number(digits[0]) : null;
  if (/\b(bo sung|additional)\b/.test(key)) return { kind: 'additional' };
  if (/\b(nhac lai|nhac|booster)\b/.test(key)) {
    // "nhắc lại lần 1" is the first booster; "mũi 3 (nhắc lại)" counts every dose.
    if (n == null || n === 1) return { kind: 'booster_1' };
    if (n === 2) return { kind: 'booster_2' };
    return n <= 5 ? { number: n } : null;
  }
  if (n != null && n >= 1 && n <= 5 && /^(mui|lieu|dose|mui thu|mui so|lieu thu)? ?\d+( co ban)?$/.test(key)) return { number: n };
  return null;
}

/** Dose number n of a course whose primary series has `primary` doses: primary n, then the first and second booster. */
export function kindOfNumber(n: number, primary: number): DoseKind | null {
  if (n >= 1 && n <= primary && n <= 3) return (['primary_1', 'primary_2', 'primary_3'] as const)[n - 1];
  if (n === primary + 1) return 'booster_1';
  if (n === primary + 2) return 'booster_2';
  return null;
}

/**
 * The kind of a numbered dose: within the product's primary series it is primary n, the next one
 * the first booster, then the second (an additional dose is named as such by the platform).
 */
export function resolveDoseKind(spec: DoseSpec, product: Pick<ProductPolicy, 'primaryDoses'> | undefined): DoseKind | null {
  if ('kind' in spec) return spec.kind;
  return kindOfNumber(spec.number, product?.primaryDoses ?? 2);
}

/**
 * The product whose series a person's numbered doses count in: the product of their first dose —
 * recorded already (primary 1), else the file's dose 1 (the earliest, if given twice) — or null
 * when neither is known (each dose is then read against its own product). The platform numbers
 * every dose of a person in one sequence whatever the product, so after a one-dose Janssen
 * "dose 2" of Pfizer is the first booster, and after AstraZeneca 1 "dose 2" of Pfizer completes
 * the series (mixing allowed) and "dose 3" is the booster.
 */
export function seriesProductOf(recorded: { kind: DoseKind; productCode: string }[], fileRows: { number: number | null; productCode: string; givenOn: string }[]): string | null {
  const first = recorded.find((d) => d.kind === 'primary_1');
  if (first) return first.productCode;
  let best: { productCode: string; givenOn: string } | null = null;
  for (const r of fileRows) if (r.number === 1 && (!best || r.givenOn < best.givenOn)) best = r;
  return best?.productCode ?? null;
}

// ---------------------------------------------------------------------------------------------
// One row

export type DoseIssueCode =
  | 'external_id.too_long'
  | 'external_id.duplicate_in_file'
  | 'cccd.format'
  | 'person.identity_missing'
  | 'person.unknown'
  | 'person.ambiguous'
  | 'person.outside_jurisdiction'
  | 'birth_date.format'
  | 'product.required'
  | 'product.unknown'
  | 'lot_number.required'
  | 'lot.unknown'
  | 'dose.required'
  | 'dose.invalid'
  | 'given_on.required'
  | 'given_on.format'
  | 'site.too_long'
  | 'vaccinator.too_long'
  | 'override_reason.too_long'
  | 'dose.conflict';

export const MAX_TEXT = 200;
export const MAX_EXTERNAL_ID = 100;

export interface DoseRecord {
  rowNumber: number;
  externalId: string | null;
  cccd: string | null;
  personKey: string | null;
  /** The name as written, birth date and commune code: the match when there is no CCCD (or it is unknown). */
  fullName: string | null;
  /** The name as a search key, computed here only for rows without a CCCD or registry key (the import computes the others' when their CCCD is unknown). */
  nameSearch: string | null;
  birthDate: string | null;
  communeCode: string | null;
  productCode: string;
  lotNumber: string;
  dose: DoseSpec;
  givenOn: string;
  siteName: string | null;
  vaccinator: string | null;
  overrideReason: string | null;
}

export interface DoseRowIssue {
  column: DoseImportColumn;
  code: string;
}

export type DoseRowResult = { ok: true; dose: DoseRecord } | { ok: false; issues: DoseRowIssue[] };

function text(v: RawValue): string {
  if (v == null) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if (typeof v === 'number') return Number.isFinite(v) ? (Number.isInteger(v) ? v.toFixed(0) : String(v)) : '';
  return v.trim();
}

/** Numeric codes lose their leading zeros in spreadsheets ('05971' read as 5971). */
function communeText(v: RawValue): string {
  const s = text(v);
  return /^\d{1,4}$/.test(s) ? s.padStart(5, '0') : s;
}

function cccdText(v: RawValue): string {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 1e12) return v.toFixed(0).padStart(12, '0');
  return text(v).replace(/[\s.-]/g, '');
}

/** Remembered answers for cells that repeat (product names, dose texts, dates): one per import. */
export class DoseRowCache {
  readonly products = new Map<string, string | null>();
  readonly doses = new Map<string, DoseSpec | null>();
  readonly dates = new Map<string, string | null>();
  date(v: RawValue): string | null {
    if (typeof v !== 'string') return birthDateOf(v);
    let d = this.dates.get(v);
    if (d === undefined) {
      if (this.dates.size > 100_000) this.dates.clear();
      this.dates.set(v, (d = birthDateOf(v)));
    }
    return d;
  }
}

/** The registry's search key of a name ("Nguyễn  Văn An" → "nguyen van an"). */
export function nameSearchOf(name: string): string | null {
  return searchKey(normalizeName(name)) || null;
}

const get = (values: readonly RawValue[], map: DoseHeaderMap, c: DoseImportColumn): RawValue => (map[c] >= 0 ? values[map[c]] : undefined);

/** Reads one row. Matching the person and lot, and the dose rules, come after (in the database). */
export function readDoseRow(rowNumber: number, values: readonly RawValue[], map: DoseHeaderMap, cache = new DoseRowCache()): DoseRowResult {
  const issues: DoseRowIssue[] = [];
  const externalId = text(get(values, map, 'external_id')) || null;
  if (externalId && externalId.length > MAX_EXTERNAL_ID) issues.push({ column: 'external_id', code: 'external_id.too_long' });

  const rawCccd = cccdText(get(values, map, 'cccd'));
  const cccd = rawCccd || null;
  if (cccd && !/^\d{12}$/.test(cccd)) issues.push({ column: 'cccd', code: 'cccd.format' });
  const personKey = text(get(values, map, 'person_key')) || null;
  const name = text(get(values, map, 'full_name'));
  const nameSearch = name && !cccd && !personKey ? nameSearchOf(name) : null;
  const rawBirth = get(values, map, 'birth_date');
  const birthDate = text(rawBirth) ? cache.date(rawBirth) : null;
  if (text(rawBirth) && !birthDate) issues.push({ column: 'birth_date', code: 'birth_date.format' });
  const communeCode = communeText(get(values, map, 'commune_code')) || null;
  if (!cccd && !personKey && !(name && birthDate && communeCode) && !issues.some((i) => i.column === 'birth_date'))
    issues.push({ column: map.cccd >= 0 ? 'cccd' : map.person_key >= 0 ? 'person_key' : 'full_name', code: 'person.identity_missing' });

  const rawProduct = text(get(values, map, 'product'));
  let productCode: string | null = null;
  if (!rawProduct) issues.push({ column: 'product', code: 'product.required' });
  else {
    productCode = cache.products.get(rawProduct) ?? null;
    if (!cache.products.has(rawProduct)) cache.products.set(rawProduct, (productCode = productCodeOf(rawProduct)));
    if (!productCode) issues.push({ column: 'product', code: 'product.unknown' });
  }
  const lotNumber = text(get(values, map, 'lot_number'));
  if (!lotNumber) issues.push({ column: 'lot_number', code: 'lot_number.required' });
  else if (lotNumber.length > 60) issues.push({ column: 'lot_number', code: 'lot.unknown' });

  const rawDose = get(values, map, 'dose');
  let dose: DoseSpec | null = null;
  if (!text(rawDose)) issues.push({ column: 'dose', code: 'dose.required' });
  else {
    const k = typeof rawDose === 'number' ? `#${rawDose}` : text(rawDose);
    dose = cache.doses.get(k) ?? null;
    if (!cache.doses.has(k)) cache.doses.set(k, (dose = doseSpecOf(rawDose)));
    if (!dose) issues.push({ column: 'dose', code: 'dose.invalid' });
  }

  const rawGiven = get(values, map, 'given_on');
  let givenOn: string | null = null;
  if (!text(rawGiven)) issues.push({ column: 'given_on', code: 'given_on.required' });
  else {
    // A platform export may carry the time as well ("15/08/2021 08:30"): the day is what counts.
    const s = typeof rawGiven === 'string' ? rawGiven.trim().split(/[ T]/)[0] : rawGiven;
    givenOn = cache.date(s);
    if (!givenOn) issues.push({ column: 'given_on', code: 'given_on.format' });
  }

  const siteName = text(get(values, map, 'site')) || null;
  if (siteName && siteName.length > MAX_TEXT) issues.push({ column: 'site', code: 'site.too_long' });
  const vaccinator = text(get(values, map, 'vaccinator')) || null;
  if (vaccinator && vaccinator.length > MAX_TEXT) issues.push({ column: 'vaccinator', code: 'vaccinator.too_long' });
  const overrideReason = text(get(values, map, 'override_reason')) || null;
  if (overrideReason && overrideReason.length > 1000) issues.push({ column: 'override_reason', code: 'override_reason.too_long' });

  if (issues.length) return { ok: false, issues };
  return {
    ok: true,
    dose: { rowNumber, externalId, cccd, personKey, fullName: name || null, nameSearch, birthDate, communeCode, productCode: productCode!, lotNumber, dose: dose!, givenOn: givenOn!, siteName, vaccinator, overrideReason },
  };
}

/** Messages of the import's own codes; the dose rules' codes (doses.ts) bring theirs. */
export const DOSE_IMPORT_MESSAGES: Record<string, { vi: string; en: string }> = {
  'external_id.too_long': { vi: `Mã mũi tiêm dài quá ${MAX_EXTERNAL_ID} ký tự`, en: `Record id longer than ${MAX_EXTERNAL_ID} characters` },
  'external_id.duplicate_in_file': { vi: 'Mã mũi tiêm đã có ở một dòng trước trong tệp', en: 'The same record id is on an earlier row' },
  'cccd.format': { vi: 'Số CCCD phải có 12 chữ số', en: 'A CCCD has 12 digits' },
  'person.identity_missing': { vi: 'Cần Số CCCD, hoặc Mã người trong sổ dân, hoặc Họ và tên + Ngày sinh + Mã xã', en: 'Needs a CCCD, a registry key, or name + birth date + commune code' },
  'person.unknown': { vi: 'Không tìm thấy người này trong sổ dân của tỉnh', en: 'This person is not in the province registry' },
  'person.ambiguous': { vi: 'Nhiều người trong sổ dân trùng họ tên, ngày sinh và xã: cần Số CCCD', en: 'Several people share this name, birth date and commune: a CCCD is needed' },
  'person.outside_jurisdiction': { vi: 'Người này ở ngoài địa bàn quản lý của bạn', en: 'This person lives outside your jurisdiction' },
  'birth_date.format': { vi: 'Ngày sinh không đọc được (dd/mm/yyyy)', en: 'Birth date unreadable (dd/mm/yyyy)' },
  'product.required': { vi: 'Thiếu tên vắc xin', en: 'Vaccine missing' },
  'product.unknown': { vi: 'Tên vắc xin không có trong danh mục', en: 'Unknown vaccine' },
  'lot_number.required': { vi: 'Thiếu số lô', en: 'Lot number missing' },
  'lot.unknown': { vi: 'Số lô chưa có trong danh mục lô vắc xin của tỉnh (nhập lô ở trang Lô vắc xin trước)', en: "Lot not in the province's lots (register it on the Lots page first)" },
  'dose.required': { vi: 'Thiếu mũi tiêm', en: 'Dose missing' },
  'dose.invalid': { vi: 'Mũi tiêm không đọc được (1, 2, 3, bổ sung, nhắc lại 1, nhắc lại 2)', en: 'Dose unreadable (1, 2, 3, additional, booster 1, booster 2)' },
  'given_on.required': { vi: 'Thiếu ngày tiêm', en: 'Date given missing' },
  'given_on.format': { vi: 'Ngày tiêm không đọc được hoặc không có thật (dd/mm/yyyy)', en: 'Date given unreadable or impossible (dd/mm/yyyy)' },
  'site.too_long': { vi: `Tên cơ sở tiêm dài quá ${MAX_TEXT} ký tự`, en: `Site name longer than ${MAX_TEXT} characters` },
  'vaccinator.too_long': { vi: `Tên người tiêm dài quá ${MAX_TEXT} ký tự`, en: `Vaccinator name longer than ${MAX_TEXT} characters` },
  'override_reason.too_long': { vi: 'Lý do dài quá 1000 ký tự', en: 'Reason longer than 1000 characters' },
  'dose.conflict': { vi: 'Người này đã có mũi tiêm loại này với thông tin khác', en: 'This person already has this dose with other details' },
};

export function doseColumnLabel(column: DoseImportColumn, lang: 'vi' | 'en' = 'vi'): string {
  return DOSE_COLUMN_LABELS[column][lang];
}

/** The template's header and one example row (the CSV users download and fill in). */
export function doseTemplateRows(): string[][] {
  return [
    DOSE_IMPORT_COLUMNS.map((c) => DOSE_COLUMN_LABELS[c].vi),
    ['VNVC-2021-000123', '020190000123', '', 'Nguyễn Văn An', '15/03/1980', '05977', 'AstraZeneca', 'NJ0123', '1', '20/08/2021', 'Trạm Y tế phường Hoàng Văn Thụ', 'Lê Thị Hoa', ''],
    ['VNVC-2021-000124', '020190000123', '', 'Nguyễn Văn An', '15/03/1980', '05977', 'AstraZeneca', 'NJ0456', '2', '20/10/2021', 'Trạm Y tế phường Hoàng Văn Thụ', 'Lê Thị Hoa', ''],
    ['VNVC-2021-000125', '020190000123', '', 'Nguyễn Văn An', '15/03/1980', '05977', 'Pfizer', 'FK7890', 'Mũi nhắc lại 1', '25/01/2022', 'Trạm Y tế phường Hoàng Văn Thụ', 'Lê Thị Hoa', ''],
  ];
}

// ---------------------------------------------------------------------------------------------
// The site's unit

/** A commune or district a site can be named after. */
export interface SiteUnit {
  code: string;
  name: string;
  level: 'commune' | 'district';
  path: string;
}

const LEVEL_WORDS = /^(xa|phuong|thi tran|huyen|quan|thi xa|thanh pho|tp) /;

/**
 * Finds the unit a site's name names — "Trạm Y tế xã Quảng Tân" is the commune Quảng Tân,
 * "Trung tâm Y tế huyện Quảng Xương" the district — so an imported dose counts against the
 * allocations of where it was given. A commune is preferred to a district; the name with its level
 * word ("xã Quảng Tân") to the bare name ("Quảng Tân"); among communes of the same name, the one in
 * the person's district. Null when the name names no unit, or several it cannot choose between.
 */
export function siteUnitFinder(units: SiteUnit[]): (siteName: string | null, personPath: string) => SiteUnit | null {
  const full = new Map<string, SiteUnit[]>();
  const bare = new Map<string, SiteUnit[]>();
  const add = (m: Map<string, SiteUnit[]>, k: string, u: SiteUnit) => {
    if (!k) return;
    const l = m.get(k);
    if (l) l.push(u);
    else m.set(k, [u]);
  };
  for (const u of units) {
    const k = searchKey(u.name);
    add(full, k, u);
    add(bare, k.replace(LEVEL_WORDS, ''), u);
  }
  const cache = new Map<string, SiteUnit | null>();
  const choose = (found: SiteUnit[], personPath: string): SiteUnit | null => {
    const communes = found.filter((u) => u.level === 'commune');
    const pool = communes.length ? communes : found;
    if (pool.length === 1) return pool[0];
    // Same name in several districts: the one of the person's district.
    const near = pool.filter((u) => personPath.startsWith(u.path.replace(/[^/]+\/$/, '')));
    return near.length === 1 ? near[0] : null;
  };
  return (siteName, personPath) => {
    if (!siteName) return null;
    const district = personPath.split('/').slice(0, 2).join('/');
    const ck = `${district}|${siteName}`;
    const hit = cache.get(ck);
    if (hit !== undefined) return hit;
    const words = searchKey(siteName).split(' ');
    let result: SiteUnit | null = null;
    for (const m of [full, bare]) {
      const found = new Set<SiteUnit>();
      for (let i = 0; i < words.length; i++) for (let j = i + 1; j <= Math.min(words.length, i + 7); j++) for (const u of m.get(words.slice(i, j).join(' ')) ?? []) found.add(u);
      if (found.size) {
        // The longest names found: "xã Quảng Tân" rather than a unit called "Tân" inside it.
        const longest = Math.max(...[...found].map((u) => searchKey(u.name).length));
        result = choose([...found].filter((u) => searchKey(u.name).length === longest), personPath);
        break;
      }
    }
    if (cache.size > 100_000) cache.clear();
    cache.set(ck, result);
    return result;
  };
}
