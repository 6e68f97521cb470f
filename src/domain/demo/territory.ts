// Where the synthetic population lives: the province total spread over its communes (wards and
// towns denser than rural communes), and the villages / residential groups of every commune.
import { createRng, hashSeed, type Rng } from './random.ts';

/** 2019 census population by GSO province code, rounded to the thousand (Thanh Hóa exact). */
const PROVINCE_POPULATION: Record<string, number> = {
  '01': 8_054_000, '02': 855_000, '04': 530_000, '06': 314_000, '08': 785_000, '10': 730_000, '11': 599_000,
  '12': 460_000, '14': 1_248_000, '15': 821_000, '17': 854_000, '19': 1_287_000, '20': 782_000, '22': 1_320_324,
  '24': 1_804_000, '25': 1_464_000, '26': 1_154_000, '27': 1_369_000, '30': 1_892_000, '31': 2_029_000,
  '33': 1_253_000, '34': 1_860_000, '35': 853_000, '36': 1_780_000, '37': 982_000, '38': 3_640_128,
  '40': 3_328_000, '42': 1_289_000, '44': 895_000, '45': 632_000, '46': 1_129_000, '48': 1_134_000,
  '49': 1_496_000, '51': 1_232_000, '52': 1_487_000, '54': 873_000, '56': 1_231_000, '58': 590_000,
  '60': 1_231_000, '62': 540_000, '64': 1_514_000, '66': 1_869_000, '67': 622_000, '68': 1_297_000,
  '70': 995_000, '72': 1_169_000, '74': 2_427_000, '75': 3_097_000, '77': 1_148_000, '79': 8_993_000,
  '80': 1_689_000, '82': 1_764_000, '83': 1_288_000, '84': 1_009_000, '86': 1_023_000, '87': 1_600_000,
  '89': 1_908_000, '91': 1_723_000, '92': 1_235_000, '93': 733_000, '94': 1_200_000, '95': 907_000, '96': 1_194_000,
};

export const DEFAULT_PROVINCE_POPULATION = 1_000_000;

export function provincePopulation(provinceCode: string): number {
  return PROVINCE_POPULATION[provinceCode] ?? DEFAULT_PROVINCE_POPULATION;
}

export type CommuneKind = 'ward' | 'town' | 'rural';

/** Phường → ward, Thị trấn → town, anything else (Xã, Đặc khu …) → rural. */
export function communeKind(type: string | null, name: string): CommuneKind {
  const t = (type ?? name).normalize('NFC').toLowerCase();
  if (t.startsWith('phường')) return 'ward';
  if (t.startsWith('thị trấn')) return 'town';
  return 'rural';
}

/** How many times more people a ward or town has than a rural commune of the same province, on average. */
const DENSITY: Record<CommuneKind, number> = { ward: 2.6, town: 1.7, rural: 1 };

/**
 * The province total over its communes, in the order given: weight by kind times a seeded spread
 * (about ×0.5–×2), rounded so that the parts add up to the total exactly.
 */
export function communePopulations(communes: readonly { code: string; kind: CommuneKind }[], total: number, seed: number): number[] {
  const weights = communes.map((c) => {
    const rng = createRng(hashSeed(seed, 'commune-size', c.code));
    const normal = (rng.next() + rng.next() + rng.next() + rng.next() - 2) * Math.sqrt(3); // ≈ N(0, 1)
    return DENSITY[c.kind] * Math.exp(0.35 * normal);
  });
  return splitTotal(weights, total);
}

/** Rounds shares of a total so that they add up to it (cumulative rounding). */
function splitTotal(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  let given = 0;
  return weights.map((w) => {
    acc += (w / sum) * total;
    const upTo = Math.round(acc);
    const part = upTo - given;
    given = upTo;
    return part;
  });
}

/** Fewest people a commune gets in a scaled-down demo: enough for two or three households. */
export const MIN_COMMUNE_PEOPLE = 8;

/** The populations multiplied by `scale` (0 < scale ≤ 1), each commune keeping at least a few households. */
export function scalePopulations(full: readonly number[], scale: number): number[] {
  if (!(scale > 0 && scale <= 1)) throw new RangeError('scale must be in (0, 1]');
  return splitTotal(full, Math.round(full.reduce((a, b) => a + b, 0) * scale)).map((n) => Math.max(n, MIN_COMMUNE_PEOPLE));
}

export interface Village {
  code: string;
  name: string;
}

/** Numbered villages (Thôn 1, 2 …) or named ones; mountain provinces use Tày/Nùng place names. */
const MOUNTAIN_PROVINCES = new Set(['02', '04', '06', '08', '10', '11', '12', '14', '15', '17', '19', '20']);
const TAY_FIRST = ['Nà', 'Khuổi', 'Pác', 'Bản', 'Pò', 'Khòn', 'Lũng', 'Còn', 'Khau', 'Nặm', 'Phiêng', 'Cốc', 'Co', 'Kéo', 'Bó'];
const TAY_SECOND = ['Pàn', 'Lầu', 'Sla', 'Mỏ', 'Cáp', 'Tèo', 'Luông', 'Hin', 'Phai', 'Slằng', 'Rọ', 'Nưa', 'Tẩu', 'Pất', 'Mạ', 'Cải', 'Vài', 'Lùng'];
const KINH_FIRST = ['Đông', 'Tây', 'Nam', 'Bắc', 'Trung', 'Thượng', 'Hạ', 'Phú', 'An', 'Tân', 'Yên', 'Xuân', 'Phúc', 'Vĩnh', 'Đại', 'Kim', 'Ngọc', 'Thanh'];
const KINH_SECOND = ['Lộc', 'Hòa', 'Thịnh', 'Sơn', 'Bình', 'Lợi', 'Thành', 'Hưng', 'Khê', 'Trang', 'Lâm', 'Đình', 'Mỹ', 'Quang', 'Tiến', 'Thắng', 'Phong', 'Hải'];

/**
 * The villages of a commune (5–20, about one per 500 inhabitants of the full-size demo, so the same
 * at every scale): residential groups (tổ dân phố) in wards and towns, villages (thôn, bản) elsewhere.
 * Codes are the commune code, a dash and a 2-digit number.
 */
export function villagesOf(commune: { code: string; kind: CommuneKind }, fullPopulation: number, provinceCode: string, seed: number): Village[] {
  const rng = createRng(hashSeed(seed, 'villages', commune.code));
  const count = Math.min(20, Math.max(5, Math.round((fullPopulation / 500) * (0.8 + 0.4 * rng.next()))));
  const names = commune.kind === 'rural' ? ruralNames(rng, count, MOUNTAIN_PROVINCES.has(provinceCode)) : numbered('Tổ dân phố', count);
  return names.map((name, i) => ({ code: `${commune.code}-${String(i + 1).padStart(2, '0')}`, name }));
}

function numbered(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`);
}

function ruralNames(rng: Rng, count: number, mountain: boolean): string[] {
  if (!mountain && rng.chance(0.5)) return numbered('Thôn', count);
  const [first, second] = mountain ? [TAY_FIRST, TAY_SECOND] : [KINH_FIRST, KINH_SECOND];
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < count) {
    const a = rng.pick(first);
    const b = rng.pick(second);
    if (a === b || seen.has(a + b)) continue;
    seen.add(a + b);
    out.push(`${mountain && a !== 'Bản' && rng.chance(0.3) ? 'Bản' : 'Thôn'} ${a} ${b}`);
  }
  return out;
}
