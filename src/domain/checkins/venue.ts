// Venues: kinds, the public code in the poster's QR, the check-in URL, the poster's reminders.
import { normalizeName } from '../people/normalize.ts';

export const VENUE_KINDS = ['market', 'shop', 'restaurant', 'office', 'factory', 'school', 'health_facility', 'religious', 'transport', 'accommodation', 'other'] as const;
export type VenueKind = (typeof VENUE_KINDS)[number];

export const VENUE_KIND_LABELS: Record<VenueKind, { vi: string; en: string }> = {
  market: { vi: 'Chợ', en: 'Market' },
  shop: { vi: 'Cửa hàng, siêu thị', en: 'Shop, supermarket' },
  restaurant: { vi: 'Nhà hàng, quán ăn, cà phê', en: 'Restaurant, café' },
  office: { vi: 'Cơ quan, văn phòng', en: 'Office' },
  factory: { vi: 'Nhà máy, doanh nghiệp', en: 'Factory, business' },
  school: { vi: 'Trường học', en: 'School' },
  health_facility: { vi: 'Cơ sở y tế', en: 'Health facility' },
  religious: { vi: 'Cơ sở tôn giáo', en: 'Place of worship' },
  transport: { vi: 'Bến xe, nhà ga', en: 'Bus or train station' },
  accommodation: { vi: 'Khách sạn, nhà nghỉ', en: 'Hotel, guest house' },
  other: { vi: 'Khác', en: 'Other' },
};

/** Base-32 without 0/1/O/I (read aloud or typed from a poster without confusion). */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A venue code: the province's two digits + 8 characters from random bytes. */
export function venueCode(provinceCode: string, random: Uint8Array): string {
  if (!/^[0-9]{2}$/.test(provinceCode)) throw new Error('province code');
  if (random.length < 8) throw new Error('need 8 random bytes');
  let s = provinceCode;
  for (let i = 0; i < 8; i++) s += CODE_ALPHABET[random[i] % 32];
  return s;
}

/** A code as scanned or typed (lower case, spaces, dashes) → canonical, or null when it cannot be one. */
export function parseVenueCode(raw: string): { provinceCode: string; code: string } | null {
  const s = raw.toUpperCase().replace(/[\s-]/g, '');
  if (!/^[0-9]{2}[A-HJ-NP-Z2-9]{8}$/.test(s)) return null;
  return { provinceCode: s.slice(0, 2), code: s };
}

/** The check-in page a venue's QR opens (a light page, not the staff app: docs/checkins.md). */
export function checkinUrl(baseUrl: string, code: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/ci/?v=${encodeURIComponent(code)}`;
}

/** The code printed under the QR, in groups that are easy to read: "20 ABCD EFGH". */
export function displayCode(code: string): string {
  return `${code.slice(0, 2)} ${code.slice(2, 6)} ${code.slice(6)}`;
}

/** The 5K message of the Ministry of Health, printed on every poster. */
export const FIVE_K: { vi: string; en: string }[] = [
  { vi: 'Khẩu trang: đeo khẩu trang đúng cách', en: 'Masks: wear a mask properly' },
  { vi: 'Khử khuẩn: rửa tay thường xuyên bằng xà phòng hoặc dung dịch sát khuẩn', en: 'Disinfection: wash hands often' },
  { vi: 'Khoảng cách: giữ khoảng cách khi tiếp xúc với người khác', en: 'Distance: keep your distance' },
  { vi: 'Không tụ tập đông người', en: 'No gatherings' },
  { vi: 'Khai báo y tế: quét mã QR mỗi khi đến địa điểm này', en: 'Health declaration: scan the QR code on every visit' },
];

export interface VenueInputErrors {
  field: string;
  code: string;
}

/** Name and address as stored: NFC, single spaces. */
export function cleanText(s: string): string {
  return normalizeName(s);
}
