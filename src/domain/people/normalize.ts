// Normalisation and validation of the identity fields every area shares:
// names (NFC for display, diacritic-free key for search), citizen ID (CCCD) and phone numbers.

/** Unicode NFC with whitespace collapsed: how a name is stored and shown. */
export function normalizeName(raw: string): string {
  return raw.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/**
 * Search key: lower case, diacritics removed, đ → d, single spaces.
 * "Nguyễn Văn An" → "nguyen van an".
 */
export function searchKey(raw: string): string {
  return raw
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** GSO province codes used as the first three digits of a CCCD (place of birth registration). */
const CCCD_PROVINCE_CODES = new Set([
  '001', '002', '004', '006', '008', '010', '011', '012', '014', '015', '017', '019', '020', '022', '024', '025',
  '026', '027', '030', '031', '033', '034', '035', '036', '037', '038', '040', '042', '044', '045', '046', '048',
  '049', '051', '052', '054', '056', '058', '060', '062', '064', '066', '067', '068', '070', '072', '074', '075',
  '077', '079', '080', '082', '083', '084', '086', '087', '089', '091', '092', '093', '094', '095', '096',
]);

export type Sex = 'M' | 'F';

export type CccdError = 'format' | 'province' | 'century_sex' | 'birth_year';

/**
 * CCCD (Căn cước công dân, Circular 07/2016/TT-BCA, later 59/2021): 12 digits =
 * 3 province-of-birth digits, 1 digit for century and sex (0/1 = 20th century male/female,
 * 2/3 = 21st century male/female, …), 2 digits birth year, 6 random digits.
 * Returns the normalised CCCD or the reason it is invalid. When the birth date and sex are
 * known they must agree with the number.
 */
export function validateCccd(
  raw: string,
  person: { birthDate?: string | null; sex?: Sex | null } = {},
): { ok: true; value: string } | { ok: false; error: CccdError } {
  const value = raw.replace(/[\s.-]/g, '');
  if (!/^\d{12}$/.test(value)) return { ok: false, error: 'format' };
  if (!CCCD_PROVINCE_CODES.has(value.slice(0, 3))) return { ok: false, error: 'province' };
  const centurySex = Number(value[3]);
  const yy = value.slice(4, 6);
  if (person.birthDate) {
    const year = Number(person.birthDate.slice(0, 4));
    const centuryIndex = Math.floor(year / 100) - 19; // 1900s → 0, 2000s → 1
    if (centuryIndex < 0 || centuryIndex > 4) return { ok: false, error: 'century_sex' };
    if (Math.floor(centurySex / 2) !== centuryIndex) return { ok: false, error: 'century_sex' };
    if (String(year % 100).padStart(2, '0') !== yy) return { ok: false, error: 'birth_year' };
  }
  if (person.sex) {
    const female = centurySex % 2 === 1;
    if (female !== (person.sex === 'F')) return { ok: false, error: 'century_sex' };
  }
  return { ok: true, value };
}

/** Builds the century/sex/year part of a CCCD (used by the demo generator and tests). */
export function cccdPrefix(provinceCode: string, birthYear: number, sex: Sex): string {
  const centuryIndex = Math.floor(birthYear / 100) - 19;
  const digit = centuryIndex * 2 + (sex === 'F' ? 1 : 0);
  return provinceCode.padStart(3, '0') + String(digit) + String(birthYear % 100).padStart(2, '0');
}

/**
 * Vietnamese phone numbers to E.164 (+84…). Accepts 0xxxxxxxxx, 84xxxxxxxxx, +84 xxx xxx xxx,
 * with spaces, dots, dashes or brackets. Mobiles have 9 national digits starting 3, 5, 7, 8 or 9;
 * landlines 10 starting with 2. Returns null when it is not a Vietnamese number.
 */
export function normalizePhone(raw: string): string | null {
  let digits = raw.trim().replace(/[\s.\-()]/g, '');
  if (digits.startsWith('+84')) digits = digits.slice(3);
  else if (digits.startsWith('0084')) digits = digits.slice(4);
  else if (digits.startsWith('84') && (digits.length === 11 || digits.length === 12)) digits = digits.slice(2);
  else if (digits.startsWith('0')) digits = digits.slice(1);
  else return null;
  if (!/^\d+$/.test(digits)) return null;
  if (digits.length === 9 && /^[35789]/.test(digits)) return '+84' + digits;
  if (digits.length === 10 && digits.startsWith('2')) return '+84' + digits;
  return null;
}

/** Parses a calendar date given as YYYY-MM-DD, DD/MM/YYYY or D/M/YYYY. Returns ISO or null if impossible. */
export function parseCalendarDate(raw: string): string | null {
  const s = raw.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else if ((match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s))) {
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else return null;
  if (m < 1 || m > 12 || d < 1) return null;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > daysInMonth) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Sex from the forms people write it in. */
export function parseSex(raw: string): Sex | null {
  const k = searchKey(raw);
  if (['m', 'male', 'nam', '1'].includes(k)) return 'M';
  if (['f', 'female', 'nu', '2', '0'].includes(k)) return 'F';
  return null;
}
