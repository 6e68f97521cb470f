// One row of a population-registry file (CSV or Excel): header mapping, validation and
// normalisation into a person record, or the list of what is wrong with it. Pure: the import
// service reads the file, loads the units and writes the database.
import { normalizeName, normalizePhone, parseCalendarDate, parseSex, searchKey, validateCccd, type Sex } from './normalize.ts';

export const PERSON_COLUMNS = ['cccd', 'full_name', 'birth_date', 'sex', 'phone', 'commune_code', 'village', 'household_id', 'address'] as const;
export type PersonColumn = (typeof PERSON_COLUMNS)[number];

/** A file without one of these columns is refused as a whole. */
export const REQUIRED_COLUMNS: readonly PersonColumn[] = ['cccd', 'full_name', 'birth_date', 'sex', 'commune_code', 'household_id'];

/** Header names people use, compared as search keys (lower case, no diacritics, punctuation as spaces). */
const HEADER_ALIASES: Record<PersonColumn, string[]> = {
  cccd: ['cccd', 'so cccd', 'cccd cmnd', 'cmnd cccd', 'so cmnd cccd', 'so can cuoc', 'so can cuoc cong dan', 'can cuoc cong dan', 'so dinh danh', 'so dinh danh ca nhan', 'ma dinh danh', 'citizen id', 'id number', 'national id'],
  full_name: ['ho va ten', 'ho ten', 'ten', 'full name', 'fullname', 'name'],
  birth_date: ['ngay sinh', 'ngay thang nam sinh', 'birth date', 'birthdate', 'date of birth', 'dob'],
  sex: ['gioi tinh', 'gioi', 'sex', 'gender'],
  phone: ['so dien thoai', 'dien thoai', 'sdt', 'so dt', 'phone', 'phone number', 'mobile'],
  commune_code: ['ma xa', 'ma xa phuong', 'ma xa phuong thi tran', 'ma don vi hanh chinh', 'commune code', 'commune', 'ma dvhc'],
  village: ['thon', 'ma thon', 'thon xom', 'thon ban', 'thon to dan pho', 'to dan pho', 'thon to', 'village', 'village code'],
  household_id: ['ma ho', 'ma ho gia dinh', 'ma so ho', 'so ho khau', 'household id', 'household', 'household code'],
  address: ['dia chi', 'dia chi thuong tru', 'dia chi cu tru', 'noi o hien tai', 'address'],
};

const ALIAS_TO_COLUMN = new Map<string, PersonColumn>(PERSON_COLUMNS.flatMap((c) => HEADER_ALIASES[c].map((a) => [a, c] as const)));

/** Column index of each known column in the file, -1 when the file does not have it. */
export type HeaderMap = Record<PersonColumn, number>;

export type HeaderResult = { ok: true; map: HeaderMap } | { ok: false; missing: PersonColumn[]; duplicated: PersonColumn[] };

/** Maps a header row to the known columns; unknown headers are ignored (e.g. a "STT" column). */
export function mapHeaders(headers: readonly unknown[]): HeaderResult {
  const map = Object.fromEntries(PERSON_COLUMNS.map((c) => [c, -1])) as HeaderMap;
  const duplicated = new Set<PersonColumn>();
  headers.forEach((h, i) => {
    const column = ALIAS_TO_COLUMN.get(searchKey(String(h ?? '')));
    if (!column) return;
    if (map[column] >= 0) duplicated.add(column);
    else map[column] = i;
  });
  const missing = REQUIRED_COLUMNS.filter((c) => map[c] < 0);
  if (missing.length || duplicated.size) return { ok: false, missing, duplicated: [...duplicated] };
  return { ok: true, map };
}

// ---------------------------------------------------------------------------------------------
// Units the rows refer to

export interface ImportUnit {
  code: string;
  level: string;
  name: string;
  type: string | null;
  path: string;
}

interface Place {
  code: string;
  path: string;
}

interface CommuneEntry extends Place {
  villagesByCode: Map<string, Place>;
  /** By name search key; null when two villages of the commune share the name. */
  villagesByName: Map<string, Place | null>;
}

export interface UnitIndex {
  communes: Map<string, CommuneEntry>;
}

/** Numeric codes lose their leading zeros in spreadsheets: '05971' and '5971' are the same commune. */
function codeKey(code: string): string {
  return /^\d+$/.test(code) ? code.replace(/^0+(?=\d)/, '') : code;
}

/**
 * The communes an importer may write to (those inside the jurisdiction path) with their villages.
 * A commune outside the jurisdiction is simply absent, so rows naming it read as an unknown commune.
 */
export function buildUnitIndex(units: readonly ImportUnit[], jurisdictionPath: string): UnitIndex {
  const communes = new Map<string, CommuneEntry>();
  const byPath = new Map<string, CommuneEntry>();
  for (const u of units) {
    if (u.level !== 'commune' || !u.path.startsWith(jurisdictionPath)) continue;
    const entry: CommuneEntry = { code: u.code, path: u.path, villagesByCode: new Map(), villagesByName: new Map() };
    communes.set(codeKey(u.code), entry);
    byPath.set(u.path, entry);
  }
  for (const u of units) {
    if (u.level !== 'village') continue;
    const commune = communeOfPath(byPath, u.path);
    if (!commune) continue;
    const place = { code: u.code, path: u.path };
    commune.villagesByCode.set(u.code, place);
    const names = new Set([searchKey(u.name), u.type ? searchKey(`${u.type} ${u.name}`) : '']);
    for (const n of names) {
      if (!n) continue;
      const prev = commune.villagesByName.get(n);
      commune.villagesByName.set(n, prev === undefined || prev?.code === u.code ? place : null);
    }
  }
  return { communes };
}

/** The commune whose path is a prefix of the given path ('20/178/05971/T1/' → '20/178/05971/'). */
function communeOfPath(byPath: Map<string, CommuneEntry>, path: string): CommuneEntry | undefined {
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const c = byPath.get(path.slice(0, i + 1));
    if (c) return c;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// One row

/** A cell as read from the file: text from CSV; text, number or date from Excel. */
export type RawValue = string | number | Date | null | undefined;

export interface PersonRecord {
  naturalKey: string;
  cccd: string | null;
  fullName: string;
  nameSearch: string;
  birthDate: string;
  sex: Sex;
  phone: string | null;
  communeCode: string;
  villageCode: string | null;
  unitPath: string;
  householdId: string | null;
  address: string | null;
}

export type IssueCode =
  | 'cccd.format'
  | 'cccd.province'
  | 'cccd.century_sex'
  | 'cccd.birth_year'
  | 'cccd.conflict'
  | 'full_name.required'
  | 'full_name.invalid'
  | 'full_name.too_long'
  | 'birth_date.required'
  | 'birth_date.invalid'
  | 'birth_date.future'
  | 'sex.required'
  | 'sex.invalid'
  | 'phone.invalid'
  | 'commune.required'
  | 'commune.unknown'
  | 'village.unknown'
  | 'village.ambiguous'
  | 'household_id.required'
  | 'household_id.too_long'
  | 'household.outside_jurisdiction'
  | 'person.outside_jurisdiction'
  | 'address.too_long'
  | 'duplicate_in_file';

export interface RowIssue {
  column: PersonColumn;
  code: IssueCode;
  /** For duplicate_in_file: the row where the same person first appears. */
  firstRow?: number;
}

export type RowResult = { ok: true; person: PersonRecord } | { ok: false; issues: RowIssue[] };

export interface RowContext {
  units: UnitIndex;
  /** Today as YYYY-MM-DD: a birth date after it is impossible. */
  today: string;
  /** Remembered answers for cells that repeat (give one per import; see RowCache). */
  cache?: RowCache;
}

/** Entries a RowCache map holds before it starts again (bounds the memory of a long import). */
const CACHE_LIMIT = 100_000;

/**
 * What validating a cell gave, for the cells that repeat across a registry: names (a few thousand
 * family/middle/given combinations), birth dates, sexes, communes, villages, household addresses.
 * Checking a row is pure, so the answers are the same; only the time differs (about half of it
 * went into Unicode normalisation and regular expressions of values already seen).
 */
export class RowCache {
  readonly names = new Memo<NameCheck>();
  readonly dates = new Memo<string | null>();
  readonly sexes = new Memo<Sex | null>();
  readonly communes = new Memo<CommuneEntry | undefined>();
  readonly villages = new Memo<Place | null | undefined>();
  readonly addresses = new Memo<string>();
}

const MISS: unique symbol = Symbol('miss');

/**
 * Answers by key, the last one first (rows of a household come together and share their commune,
 * village and address). find/keep rather than a callback: a closure made per cell costs more than
 * the look-up (the server runs through tsx, which names every function it creates).
 */
class Memo<T> {
  private readonly map = new Map<string, T>();
  private lastKey: string | null = null;
  private lastValue: T | undefined;

  find(key: string): T | typeof MISS {
    if (key === this.lastKey) return this.lastValue as T;
    const v = this.map.get(key);
    if (v === undefined && !this.map.has(key)) return MISS;
    this.lastKey = key;
    this.lastValue = v;
    return v as T;
  }

  keep(key: string, v: T): T {
    if (this.map.size >= CACHE_LIMIT) this.map.clear();
    this.map.set(key, v);
    this.lastKey = key;
    this.lastValue = v;
    return v;
  }
}

function memo<T>(m: Memo<T> | undefined, key: string, f: (key: string) => T): T {
  if (!m) return f(key);
  const v = m.find(key);
  return v === MISS ? m.keep(key, f(key)) : v;
}

interface NameCheck {
  fullName: string;
  nameSearch: string;
  issue: IssueCode | null;
}

function checkName(raw: string): NameCheck {
  const fullName = normalizeName(raw);
  const nameSearch = searchKey(fullName);
  let issue: IssueCode | null = null;
  if (!nameSearch) issue = 'full_name.required';
  else if (!NAME_PATTERN.test(fullName)) issue = 'full_name.invalid';
  else if (fullName.length > MAX_NAME) issue = 'full_name.too_long';
  return { fullName, nameSearch, issue };
}

const MAX_NAME = 150;
/** Letters (any script, with their marks), spaces, apostrophes, hyphens and dots: no digits, no symbols. */
const NAME_PATTERN = /^[\p{L}\p{M}][\p{L}\p{M}' .-]*$/u;
const MAX_HOUSEHOLD_ID = 60;
const MAX_ADDRESS = 500;
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

function isoOfDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Text of a cell. Excel drops leading zeros of numeric cells; the caller restores them per column. */
function text(v: RawValue): string {
  if (v == null) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : isoOfDate(v);
  if (typeof v === 'number') return Number.isFinite(v) ? (Number.isInteger(v) ? v.toFixed(0) : String(v)) : '';
  return v.trim();
}

/** A birth date from text (ISO or DD/MM/YYYY), an Excel date cell, or an Excel serial day number. */
export function birthDateOf(v: RawValue): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : isoOfDate(v);
  const s = text(v);
  const plain = plainDate(s);
  if (plain !== undefined) return plain;
  if (/^\d{5}(\.0+)?$/.test(s)) {
    // A date cell read without its format: days since 1899-12-30 (10000 = 1927, 99999 = 2173).
    return isoOfDate(new Date(EXCEL_EPOCH_MS + Math.trunc(Number(s)) * 86_400_000));
  }
  return parseCalendarDate(s);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/**
 * The two shapes nearly every registry uses, DD/MM/YYYY (or with . or -) and YYYY-MM-DD, read
 * without regular expressions: the ISO date, null when impossible, undefined for any other shape
 * (left to parseCalendarDate, which gives the same answers for these).
 */
function plainDate(s: string): string | null | undefined {
  if (s.length !== 10) return undefined;
  let y: number, m: number, d: number;
  const c2 = s.charCodeAt(2);
  const c4 = s.charCodeAt(4);
  if ((c2 === 47 || c2 === 46 || c2 === 45) && s.charCodeAt(5) === c2) {
    const ds = [digit(s, 0), digit(s, 1), digit(s, 3), digit(s, 4), digit(s, 6), digit(s, 7), digit(s, 8), digit(s, 9)];
    if (ds.includes(-1)) return undefined;
    d = ds[0] * 10 + ds[1];
    m = ds[2] * 10 + ds[3];
    y = ds[4] * 1000 + ds[5] * 100 + ds[6] * 10 + ds[7];
  } else if (c4 === 45 && s.charCodeAt(7) === 45) {
    const ds = [digit(s, 0), digit(s, 1), digit(s, 2), digit(s, 3), digit(s, 5), digit(s, 6), digit(s, 8), digit(s, 9)];
    if (ds.includes(-1)) return undefined;
    y = ds[0] * 1000 + ds[1] * 100 + ds[2] * 10 + ds[3];
    m = ds[4] * 10 + ds[5];
    d = ds[6] * 10 + ds[7];
  } else return undefined;
  if (y < 100) return undefined; // Date.UTC reads years 0–99 as 19xx: parseCalendarDate's answer stands
  if (m < 1 || m > 12 || d < 1) return null;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1])) return null;
  return c4 === 45 ? s : `${s.slice(6, 10)}-${s.slice(3, 5)}-${s.slice(0, 2)}`;
}

function cccdText(v: RawValue): string {
  // An 11-digit number from an Excel number cell is a CCCD whose leading 0 was dropped.
  if (typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 1e12) return v.toFixed(0).padStart(12, '0');
  return text(v);
}

function phoneText(v: RawValue): string {
  // 912345678 in an Excel number cell was 0912345678.
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return '0' + v.toFixed(0);
  return text(v);
}

const get = (values: readonly RawValue[], map: HeaderMap, c: PersonColumn): RawValue => (map[c] >= 0 ? values[map[c]] : undefined);

/** True when every cell of the row is empty (blank lines are skipped, not reported). */
export function isBlankRow(values: readonly RawValue[]): boolean {
  for (const v of values) if (text(v) !== '') return false;
  return true;
}

export function validatePersonRow(values: readonly RawValue[], map: HeaderMap, ctx: RowContext): RowResult {
  const issues: RowIssue[] = [];

  const cache = ctx.cache;
  const { fullName, nameSearch, issue: nameIssue } = memo(cache?.names, text(get(values, map, 'full_name')), checkName);
  if (nameIssue) issues.push({ column: 'full_name', code: nameIssue });

  const birthRaw = get(values, map, 'birth_date');
  let birthDate: string | null = null;
  const birthText = text(birthRaw);
  if (birthText === '') issues.push({ column: 'birth_date', code: 'birth_date.required' });
  else {
    const plain = typeof birthRaw === 'string' ? plainDate(birthText) : undefined;
    birthDate = plain !== undefined ? plain : typeof birthRaw === 'string' ? memo(cache?.dates, birthText, birthDateOf) : birthDateOf(birthRaw);
    if (!birthDate || birthDate < '1900-01-01') {
      issues.push({ column: 'birth_date', code: 'birth_date.invalid' });
      birthDate = null;
    } else if (birthDate > ctx.today) {
      issues.push({ column: 'birth_date', code: 'birth_date.future' });
      birthDate = null;
    }
  }

  const sexText = text(get(values, map, 'sex'));
  const sex = sexText === 'Nam' ? 'M' : sexText === 'Nữ' ? 'F' : sexText ? memo(cache?.sexes, sexText, parseSex) : null;
  if (!sexText) issues.push({ column: 'sex', code: 'sex.required' });
  else if (!sex) issues.push({ column: 'sex', code: 'sex.invalid' });

  let cccd: string | null = null;
  const cccdRaw = cccdText(get(values, map, 'cccd'));
  if (cccdRaw) {
    const r = validateCccd(cccdRaw, { birthDate, sex });
    if (r.ok) cccd = r.value;
    else issues.push({ column: 'cccd', code: `cccd.${r.error}` });
  }

  let phone: string | null = null;
  const phoneRaw = phoneText(get(values, map, 'phone'));
  if (phoneRaw) {
    phone = normalizePhone(phoneRaw);
    if (!phone) issues.push({ column: 'phone', code: 'phone.invalid' });
  }

  let place: Place | null = null;
  let communeCode = '';
  let villageCode: string | null = null;
  const communeRaw = text(get(values, map, 'commune_code'));
  let commune: CommuneEntry | undefined;
  if (communeRaw) {
    const known = cache ? cache.communes.find(communeRaw) : MISS;
    commune = known !== MISS ? known : ctx.units.communes.get(codeKey(communeRaw));
    if (cache && known === MISS) cache.communes.keep(communeRaw, commune);
  }
  if (!communeRaw) issues.push({ column: 'commune_code', code: 'commune.required' });
  else if (!commune) issues.push({ column: 'commune_code', code: 'commune.unknown' });
  else {
    communeCode = commune.code;
    place = commune;
    const villageRaw = text(get(values, map, 'village'));
    if (villageRaw) {
      const key = commune.code + '\u0000' + villageRaw;
      const known = cache ? cache.villages.find(key) : MISS;
      const village = known !== MISS ? known : (commune.villagesByCode.get(villageRaw) ?? commune.villagesByName.get(searchKey(villageRaw)));
      if (cache && known === MISS) cache.villages.keep(key, village);
      if (village === null) issues.push({ column: 'village', code: 'village.ambiguous' });
      else if (!village) issues.push({ column: 'village', code: 'village.unknown' });
      else {
        villageCode = village.code;
        place = village;
      }
    }
  }

  const householdId = text(get(values, map, 'household_id')) || null;
  if (householdId && householdId.length > MAX_HOUSEHOLD_ID) issues.push({ column: 'household_id', code: 'household_id.too_long' });
  else if (!householdId && !cccdRaw) issues.push({ column: 'household_id', code: 'household_id.required' });

  const addressText = text(get(values, map, 'address'));
  const address = (addressText && memo(cache?.addresses, addressText, normalizeName)) || null;
  if (address && address.length > MAX_ADDRESS) issues.push({ column: 'address', code: 'address.too_long' });

  if (issues.length) return { ok: false, issues };
  return {
    ok: true,
    person: {
      naturalKey: naturalKeyOf(cccd, householdId, nameSearch, birthDate!),
      cccd,
      fullName,
      nameSearch,
      birthDate: birthDate!,
      sex: sex!,
      phone,
      communeCode,
      villageCode,
      unitPath: place!.path,
      householdId,
      address,
    },
  };
}

/** What makes a re-import update instead of duplicate: the CCCD, or for people without one (children), household + name + birth date. */
export function naturalKeyOf(cccd: string | null, householdId: string | null, nameSearch: string, birthDate: string): string {
  return cccd ?? `h:${householdId ?? ''}|${nameSearch}|${birthDate}`;
}

/**
 * Remembers each person's first row so later rows of the same person are reported as duplicates.
 * A registry of millions keeps millions of keys: the 12-digit CCCD keys (most people) are kept as
 * exact numbers in an open-addressing table of typed arrays instead of a Map of strings, which
 * keeps the garbage collector out of it; the other keys (people without a CCCD) go in a Map.
 */
export class DuplicateTracker {
  private readonly others = new Map<string, number>();
  private keys = new Float64Array(1 << 16); // 0 = empty slot (no CCCD is 000000000000: province 000 does not exist)
  private rows = new Int32Array(1 << 16);
  private count = 0;

  /** The issue for a repeated person, or null the first time the person is seen. */
  check(person: Pick<PersonRecord, 'naturalKey' | 'cccd'>, rowNumber: number): RowIssue | null {
    const key = person.naturalKey;
    let first: number | undefined;
    if (key.length === 12 && person.cccd === key && /^\d{12}$/.test(key) && Number(key) > 0) first = this.checkNumber(Number(key), rowNumber);
    else {
      first = this.others.get(key);
      if (first === undefined) this.others.set(key, rowNumber);
    }
    if (first === undefined) return null;
    return { column: person.cccd ? 'cccd' : 'full_name', code: 'duplicate_in_file', firstRow: first };
  }

  /** The first row of key, or undefined after recording rowNumber for it. */
  private checkNumber(key: number, rowNumber: number): number | undefined {
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    for (let i = hashNumber(key) & mask; ; i = (i + 1) & mask) {
      const k = this.keys[i];
      if (k === key) return this.rows[i];
      if (k === 0) {
        this.keys[i] = key;
        this.rows[i] = rowNumber;
        this.count++;
        return undefined;
      }
    }
  }

  private grow() {
    const keys = this.keys;
    const rows = this.rows;
    this.keys = new Float64Array(keys.length * 2);
    this.rows = new Int32Array(keys.length * 2);
    const mask = this.keys.length - 1;
    for (let j = 0; j < keys.length; j++) {
      if (keys[j] === 0) continue;
      let i = hashNumber(keys[j]) & mask;
      while (this.keys[i] !== 0) i = (i + 1) & mask;
      this.keys[i] = keys[j];
      this.rows[i] = rows[j];
    }
  }

  get size() {
    return this.count + this.others.size;
  }
}

/** A well-mixed 32-bit hash of an integer below 2^53 (the serial digits of a CCCD are its low digits). */
function hashNumber(n: number): number {
  let h = Math.imul((n % 4294967296) | 0, 0x9e3779b1) ^ Math.imul(Math.floor(n / 4294967296) | 0, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Messages for the error file (Vietnamese first)

const COLUMN_LABELS: Record<PersonColumn, { vi: string; en: string }> = {
  cccd: { vi: 'Số CCCD', en: 'CCCD' },
  full_name: { vi: 'Họ và tên', en: 'Full name' },
  birth_date: { vi: 'Ngày sinh', en: 'Birth date' },
  sex: { vi: 'Giới tính', en: 'Sex' },
  phone: { vi: 'Số điện thoại', en: 'Phone' },
  commune_code: { vi: 'Mã xã', en: 'Commune code' },
  village: { vi: 'Thôn', en: 'Village' },
  household_id: { vi: 'Mã hộ', en: 'Household ID' },
  address: { vi: 'Địa chỉ', en: 'Address' },
};

const ISSUE_MESSAGES: Record<IssueCode, { vi: string; en: string }> = {
  'cccd.format': { vi: 'Số CCCD phải gồm đúng 12 chữ số', en: 'A CCCD has exactly 12 digits' },
  'cccd.province': { vi: 'Ba số đầu của CCCD không phải mã tỉnh hợp lệ', en: 'The first three digits are not a province code' },
  'cccd.century_sex': { vi: 'Số thứ tư của CCCD không khớp giới tính hoặc thế kỷ sinh', en: 'The fourth digit does not match sex or century of birth' },
  'cccd.birth_year': { vi: 'Số thứ 5–6 của CCCD không khớp năm sinh', en: 'Digits 5–6 do not match the birth year' },
  'cccd.conflict': { vi: 'Số CCCD đã được dùng cho một người khác trong sổ dân', en: 'This CCCD already belongs to another person in the registry' },
  'full_name.required': { vi: 'Thiếu họ và tên', en: 'Full name is missing' },
  'full_name.invalid': { vi: 'Họ và tên chỉ gồm chữ cái (không có chữ số, ký hiệu)', en: 'A name has letters only (no digits or symbols)' },
  'full_name.too_long': { vi: `Họ và tên dài quá ${MAX_NAME} ký tự`, en: `Name longer than ${MAX_NAME} characters` },
  'birth_date.required': { vi: 'Thiếu ngày sinh', en: 'Birth date is missing' },
  'birth_date.invalid': { vi: 'Ngày sinh không hợp lệ (dùng dd/mm/yyyy hoặc yyyy-mm-dd, từ năm 1900)', en: 'Invalid birth date (use dd/mm/yyyy or yyyy-mm-dd, from 1900)' },
  'birth_date.future': { vi: 'Ngày sinh ở tương lai', en: 'Birth date is in the future' },
  'sex.required': { vi: 'Thiếu giới tính', en: 'Sex is missing' },
  'sex.invalid': { vi: 'Giới tính phải là Nam hoặc Nữ', en: 'Sex must be male (Nam) or female (Nữ)' },
  'phone.invalid': { vi: 'Số điện thoại không phải số Việt Nam hợp lệ', en: 'Not a valid Vietnamese phone number' },
  'commune.required': { vi: 'Thiếu mã xã', en: 'Commune code is missing' },
  'commune.unknown': { vi: 'Mã xã không có trong địa bàn quản lý', en: 'Commune code is not in your jurisdiction' },
  'village.unknown': { vi: 'Không tìm thấy thôn này trong xã', en: 'No such village in this commune' },
  'village.ambiguous': { vi: 'Xã có nhiều thôn trùng tên này, hãy dùng mã thôn', en: 'Several villages of the commune have this name; use the village code' },
  'household_id.required': { vi: 'Người không có CCCD phải có mã hộ', en: 'A person without a CCCD needs a household ID' },
  'household_id.too_long': { vi: `Mã hộ dài quá ${MAX_HOUSEHOLD_ID} ký tự`, en: `Household ID longer than ${MAX_HOUSEHOLD_ID} characters` },
  'household.outside_jurisdiction': { vi: 'Hộ này đã đăng ký ở đơn vị ngoài địa bàn quản lý', en: 'This household is registered outside your jurisdiction' },
  'person.outside_jurisdiction': { vi: 'Người này đã có trong sổ dân ở đơn vị ngoài địa bàn quản lý', en: 'This person is registered outside your jurisdiction' },
  'address.too_long': { vi: `Địa chỉ dài quá ${MAX_ADDRESS} ký tự`, en: `Address longer than ${MAX_ADDRESS} characters` },
  duplicate_in_file: { vi: 'Trùng người với dòng', en: 'Same person as row' },
};

export function issueMessage(issue: RowIssue, lang: 'vi' | 'en' = 'vi'): string {
  const m = ISSUE_MESSAGES[issue.code][lang];
  return issue.firstRow != null ? `${m} ${issue.firstRow}` : m;
}

export function columnLabel(column: PersonColumn, lang: 'vi' | 'en' = 'vi'): string {
  return COLUMN_LABELS[column][lang];
}
