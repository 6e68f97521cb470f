// The identity a citizen gives when checking in: a phone number or a CCCD, with a name. Normalised
// into one `subject` key ('p+84…' or 'c0…') that check-ins, matching and "was I exposed?" use.
import { normalizeName, normalizePhone, validateCccd } from '../people/normalize.ts';

export interface IdentityInput {
  fullName?: string | null;
  phone?: string | null;
  cccd?: string | null;
}

export interface Identity {
  subject: string;
  fullName: string;
  phone: string | null;
  cccd: string | null;
}

export interface IdentityError {
  field: 'fullName' | 'phone' | 'cccd';
  code: 'required' | 'too_short' | 'too_long' | 'invalid' | 'phone_or_cccd';
}

export const phoneSubject = (phone: string) => 'p' + phone;
export const cccdSubject = (cccd: string) => 'c' + cccd;

/** The subjects a registry person may have checked in under (phone and/or CCCD). */
export function subjectsOf(p: { phone: string | null; cccd: string | null }): string[] {
  return [p.phone ? phoneSubject(p.phone) : null, p.cccd ? cccdSubject(p.cccd) : null].filter((s): s is string => s != null);
}

/** Checks and normalises an identity. The CCCD is the subject when both are given (it names one person). */
export function parseIdentity(input: IdentityInput): { ok: true; value: Identity } | { ok: false; errors: IdentityError[] } {
  const errors: IdentityError[] = [];
  const fullName = normalizeName(input.fullName ?? '');
  if (!fullName) errors.push({ field: 'fullName', code: 'required' });
  else if (fullName.length < 2) errors.push({ field: 'fullName', code: 'too_short' });
  else if (fullName.length > 120) errors.push({ field: 'fullName', code: 'too_long' });
  const rawPhone = input.phone?.trim() || null;
  const rawCccd = input.cccd?.trim() || null;
  let phone: string | null = null;
  let cccd: string | null = null;
  if (rawPhone) {
    phone = normalizePhone(rawPhone);
    if (!phone) errors.push({ field: 'phone', code: 'invalid' });
  }
  if (rawCccd) {
    const c = validateCccd(rawCccd);
    if (c.ok) cccd = c.value;
    else errors.push({ field: 'cccd', code: 'invalid' });
  }
  if (!rawPhone && !rawCccd) errors.push({ field: 'phone', code: 'phone_or_cccd' });
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { subject: cccd ? cccdSubject(cccd) : phoneSubject(phone!), fullName, phone, cccd } };
}

/** A phone shown to people other than its owner: only the last 3 digits ("*******123"). */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  const local = '0' + phone.replace(/^\+84/, '');
  return '*'.repeat(Math.max(0, local.length - 3)) + local.slice(-3);
}
