// Barcodes of specimens and pools. Labels the platform prints read S<province>-<9 digits><check>
// (specimen) or P<province>-… (pool), with a mod-10 check digit that catches a mistyped digit or
// two swapped neighbours; tubes pre-labelled by a lab keep their own codes (4–32 letters, digits
// or dashes).

const PATTERN = /^[A-Z0-9][A-Z0-9-]{3,31}$/;
const OURS = /^([SP])(\d{2})-(\d{9})(\d)$/;

/** Trimmed, upper-case, without the spaces a scanner or a typist may add; null when not a barcode. */
export function normalizeBarcode(raw: string): string | null {
  const s = raw.normalize('NFC').trim().toUpperCase().replace(/\s+/g, '');
  if (!PATTERN.test(s)) return null;
  const ours = OURS.exec(s);
  if (ours && checkDigit(ours[2] + ours[3]) !== Number(ours[4])) return null;
  return s;
}

/** Luhn check digit of a string of digits. */
export function checkDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function generatedBarcode(kind: 'specimen' | 'pool', provinceCode: string, sequence: number): string {
  if (!/^\d{2}$/.test(provinceCode)) throw new Error('province code must be two digits');
  if (!Number.isInteger(sequence) || sequence < 1 || sequence >= 1e9) throw new Error('sequence out of range');
  const seq = String(sequence).padStart(9, '0');
  return `${kind === 'pool' ? 'P' : 'S'}${provinceCode}-${seq}${checkDigit(provinceCode + seq)}`;
}

/** Whether a code looks like one the platform generated (then its check digit was verified). */
export function isGeneratedBarcode(code: string): boolean {
  return OURS.test(code);
}
