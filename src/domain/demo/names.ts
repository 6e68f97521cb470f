// Vietnamese names for the synthetic population: family names with their real frequencies (and the
// Tày/Nùng, Thái/H'Mông and Mường names of the northern mountain provinces), middle names by sex and
// generation, given names by sex. Every string here is NFC.
import type { Sex } from '../people/normalize.ts';
import { sample, weighted, type Rng, type Weighted } from './random.ts';

type Table = readonly (readonly [string, number])[];

/** Kinh family names, % of the population (national surveys): Nguyễn about 38 %. */
const KINH_NORTH: Table = [
  ['Nguyễn', 38.4], ['Trần', 11.0], ['Lê', 9.5], ['Phạm', 7.0], ['Hoàng', 5.1], ['Phan', 3.0], ['Vũ', 3.9],
  ['Đặng', 2.1], ['Bùi', 2.0], ['Đỗ', 1.4], ['Hồ', 1.3], ['Ngô', 1.3], ['Dương', 1.0], ['Lý', 0.5],
  ['Đinh', 1.0], ['Trịnh', 0.9], ['Đào', 0.8], ['Mai', 0.6], ['Lương', 0.5], ['Cao', 0.5], ['Tạ', 0.4],
  ['Hà', 0.5], ['Lưu', 0.4], ['Chu', 0.3], ['Tô', 0.3], ['Kiều', 0.2], ['Lại', 0.3], ['Phùng', 0.3],
  ['Đoàn', 0.5], ['Vương', 0.2], ['Nghiêm', 0.1], ['Khúc', 0.1], ['Quách', 0.2], ['Triệu', 0.2], ['Thái', 0.2],
];
/** In the south Hoàng is mostly Huỳnh and Vũ mostly Võ (the same names, pronounced apart). */
const KINH_SOUTH: Table = KINH_NORTH.map(([n, w]) => [n === 'Hoàng' ? 'Huỳnh' : n === 'Vũ' ? 'Võ' : n, w] as const);
const KINH_CENTRAL: Table = [
  ...KINH_NORTH.map(([n, w]) => [n, n === 'Hoàng' || n === 'Vũ' ? w / 2 : w] as const),
  ['Huỳnh', 2.5], ['Võ', 2.0],
];

/** Tày and Nùng family names (Lạng Sơn, Cao Bằng, Bắc Kạn, Hà Giang, Tuyên Quang …). */
const TAY_NUNG: Table = [
  ['Hoàng', 16], ['Nông', 10], ['Lương', 7], ['Lộc', 6], ['Vi', 6], ['Hà', 5], ['Triệu', 5], ['Lý', 5],
  ['Lăng', 4], ['Chu', 4], ['Dương', 4], ['Mã', 3], ['Đàm', 3], ['Hứa', 3], ['La', 3], ['Bế', 3],
  ['Ma', 2], ['Lành', 2], ['Vy', 2], ['Ninh', 2], ['Nguyễn', 5], ['Đinh', 2], ['Sầm', 1], ['Lục', 1], ['Linh', 1], ['Tô', 1],
];
/** Thái and H'Mông family names (Sơn La, Điện Biên, Lai Châu). */
const THAI_HMONG: Table = [
  ['Lò', 10], ['Quàng', 6], ['Cầm', 5], ['Lường', 6], ['Vì', 5], ['Hà', 5], ['Lê', 3], ['Điêu', 3], ['Bạc', 2],
  ['Giàng', 6], ['Sùng', 5], ['Vàng', 6], ['Thào', 5], ['Lù', 4], ['Mùa', 3], ['Hờ', 2], ['Lý', 3], ['Tòng', 2],
];
/** Mường family names (Hòa Bình). */
const MUONG: Table = [['Bùi', 30], ['Đinh', 20], ['Quách', 12], ['Hà', 8], ['Xa', 5], ['Cao', 5], ['Nguyễn', 10], ['Trương', 4], ['Hoàng', 6]];

/** Share of the population with an ethnic-minority family name, and which names, by GSO province code. */
const MINORITY: Record<string, { share: number; names: Table }> = {
  '02': { share: 0.6, names: TAY_NUNG }, // Hà Giang
  '04': { share: 0.9, names: TAY_NUNG }, // Cao Bằng
  '06': { share: 0.85, names: TAY_NUNG }, // Bắc Kạn
  '08': { share: 0.5, names: TAY_NUNG }, // Tuyên Quang
  '10': { share: 0.5, names: TAY_NUNG }, // Lào Cai
  '11': { share: 0.8, names: THAI_HMONG }, // Điện Biên
  '12': { share: 0.8, names: THAI_HMONG }, // Lai Châu
  '14': { share: 0.8, names: THAI_HMONG }, // Sơn La
  '15': { share: 0.5, names: TAY_NUNG }, // Yên Bái
  '17': { share: 0.6, names: MUONG }, // Hòa Bình
  '19': { share: 0.25, names: TAY_NUNG }, // Thái Nguyên
  '20': { share: 0.8, names: TAY_NUNG }, // Lạng Sơn: Nùng 42 %, Tày 35 %, Kinh 16 %
};

function kinhTable(provinceCode: string): Table {
  const code = Number(provinceCode);
  if (code >= 70) return KINH_SOUTH; // Bình Phước and south
  if (code >= 40) return KINH_CENTRAL; // Nghệ An to Lâm Đồng
  return KINH_NORTH;
}

/** Family names of a province: Kinh names, mixed with the local minority names where they are common. */
export function familyNameTable(provinceCode: string): Weighted<string> {
  const kinh = kinhTable(provinceCode);
  const minority = MINORITY[provinceCode];
  if (!minority) return weighted(kinh);
  const sum = (t: Table) => t.reduce((s, [, w]) => s + w, 0);
  const k = sum(kinh);
  const m = sum(minority.names);
  const merged = new Map<string, number>();
  for (const [n, w] of kinh) merged.set(n, (merged.get(n) ?? 0) + ((1 - minority.share) * w) / k);
  for (const [n, w] of minority.names) merged.set(n, (merged.get(n) ?? 0) + (minority.share * w) / m);
  return weighted([...merged]);
}

const MIDDLE: Record<Sex, { older: Weighted<string>; younger: Weighted<string> }> = {
  M: {
    older: weighted([
      ['Văn', 55], ['Đức', 7], ['Hữu', 6], ['Minh', 5], ['Quang', 4], ['Công', 4], ['Xuân', 3], ['Thanh', 3],
      ['Ngọc', 2], ['Trọng', 2], ['Đình', 4], ['Tiến', 1], ['Quốc', 2], ['Mạnh', 1], ['Bá', 1], ['Thế', 2],
    ]),
    younger: weighted([
      ['Văn', 28], ['Đức', 8], ['Minh', 10], ['Quang', 5], ['Hữu', 4], ['Công', 3], ['Thành', 3], ['Gia', 6],
      ['Bảo', 5], ['Anh', 4], ['Duy', 4], ['Hoàng', 4], ['Tuấn', 3], ['Quốc', 4], ['Trung', 2], ['Đăng', 3], ['Nhật', 4],
    ]),
  },
  F: {
    older: weighted([
      ['Thị', 70], ['Ngọc', 4], ['Thu', 4], ['Thanh', 5], ['Hồng', 3], ['Kim', 3], ['Minh', 2], ['Xuân', 2],
      ['Phương', 2], ['Thúy', 2], ['Mai', 1], ['Bích', 2],
    ]),
    younger: weighted([
      ['Thị', 35], ['Ngọc', 8], ['Thu', 5], ['Thanh', 5], ['Thùy', 5], ['Minh', 5], ['Phương', 4], ['Bảo', 5],
      ['Khánh', 4], ['Hải', 3], ['Diệu', 2], ['Hoài', 2], ['Quỳnh', 3], ['Mai', 3], ['Gia', 3], ['Kim', 3], ['Tuệ', 2],
    ]),
  },
};

const GIVEN: Record<Sex, Weighted<string>> = {
  M: weighted(
    [
      'An', 'Anh', 'Bình', 'Cường', 'Dũng', 'Đạt', 'Đức', 'Dương', 'Hải', 'Hiếu', 'Hòa', 'Hoàng', 'Hùng', 'Huy', 'Hưng',
      'Khang', 'Khánh', 'Khoa', 'Kiên', 'Lâm', 'Long', 'Lộc', 'Mạnh', 'Minh', 'Nam', 'Nghĩa', 'Nhân', 'Phong', 'Phúc',
      'Quân', 'Quang', 'Sơn', 'Tài', 'Tâm', 'Thắng', 'Thành', 'Thịnh', 'Toàn', 'Trung', 'Tuấn', 'Tùng', 'Việt', 'Vinh',
      'Bảo', 'Đăng', 'Duy', 'Hào', 'Khôi', 'Phát', 'Thiện', 'Tiến', 'Trí', 'Chiến', 'Công', 'Định', 'Giang', 'Hậu',
      'Hiển', 'Hoàn', 'Luân', 'Lực', 'Quyết', 'Tân', 'Thuận', 'Thái', 'Trường', 'Tú', 'Vượng', 'Bắc', 'Pháp', 'Thạch',
    ].map((n, i) => [n, i < 43 ? 3 : 1] as const),
  ),
  F: weighted(
    [
      'An', 'Anh', 'Chi', 'Dung', 'Giang', 'Hà', 'Hạnh', 'Hằng', 'Hiền', 'Hoa', 'Hồng', 'Huệ', 'Hương', 'Huyền',
      'Lan', 'Liên', 'Linh', 'Loan', 'Mai', 'My', 'Nga', 'Ngân', 'Ngọc', 'Nhung', 'Nhi', 'Oanh', 'Phương', 'Quỳnh',
      'Tâm', 'Thảo', 'Thu', 'Thủy', 'Trang', 'Tuyết', 'Uyên', 'Vân', 'Yến', 'Lệ', 'Nhàn', 'Phượng', 'Thơm',
      'Thúy', 'Xuân', 'Hải', 'Hậu', 'Diệp', 'Đào', 'Duyên', 'Hòa', 'Khánh', 'Ly', 'Mến', 'Nguyệt', 'Vy', 'Hân', 'Trâm',
    ].map((n, i) => [n, i < 37 ? 3 : 1] as const),
  ),
};

/** Middle and given name; parents born from about 1990 pick the old "Văn"/"Thị" less often. */
export function personalName(rng: Rng, sex: Sex, birthYear: number): [middle: string, given: string] {
  const middle = sample(rng, birthYear >= 1990 ? MIDDLE[sex].younger : MIDDLE[sex].older);
  let given = sample(rng, GIVEN[sex]);
  if (given === middle) given = sample(rng, GIVEN[sex]); // "Minh Minh" happens, rarely
  return [middle, given];
}

export function sampleFamilyName(rng: Rng, table: Weighted<string>): string {
  return sample(rng, table);
}
