// Bits every testing page shares: field errors in this area's wording, percentages, result colours.
import type { TFunction } from 'i18next';
import { ApiError } from '../lib/api.ts';
import { formatNumber } from '../lib/format.ts';

/**
 * Per-field messages of an API error: `testing.errors.<code>` when the area has its own wording
 * (unknown_barcode, already_pooled, pool_full …), else the app-wide `fieldErrors.<code>`. A field of
 * an array ("strata.2.riskWeight") is also reported on the array row ("strata.2") and the array.
 */
export function testingFieldErrors(err: unknown, t: TFunction): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError)) return out;
  const add = (field: string, text: string) => {
    if (!out[field]) out[field] = text;
    else if (!out[field].split('; ').includes(text)) out[field] = `${out[field]}; ${text}`;
  };
  for (const f of err.fields) {
    const text = errorText(t, f.code, f.message);
    add(f.field, text);
    let base = f.field;
    while (/\.[^.]+$/.test(base)) {
      base = base.replace(/\.[^.]+$/, '');
      add(base, text);
    }
  }
  return out;
}

/** One error code in the reader's language, area wording first. */
export function errorText(t: TFunction, code: string, fallback?: string): string {
  // The area's wording, else the app-wide one, else the server's own message (already in the reader's language for domain codes).
  return t(`testing.errors.${code}`, { defaultValue: t(`fieldErrors.${code}`, { defaultValue: fallback ?? code }) });
}

/** The message of an API error for a one-line notice (a scan, a result). */
export function errorMessage(err: unknown, t: TFunction): string {
  if (err instanceof ApiError) {
    const f = err.fields[0];
    if (f) return errorText(t, f.code, f.message ?? err.message);
    return t(`testing.errors.${err.code}`, { defaultValue: err.message });
  }
  return err instanceof Error ? err.message : t('app.error');
}

/** True when the error carries nothing to show next to one of these fields (show it as an alert instead). */
export function noFieldFor(err: unknown, fields: string[]): boolean {
  if (!err) return false;
  if (!(err instanceof ApiError) || !err.fields.length) return true;
  return !err.fields.some((f) => fields.some((x) => f.field === x || f.field.startsWith(x + '.')));
}

/** 0.0123 → "1,23 %" (vi) / "1.23 %" (en). */
export const pct = (share: number | null | undefined, digits = 1) => (share == null || !Number.isFinite(share) ? '—' : `${formatNumber(share * 100, digits)} %`);

export const resultColor: Record<string, string> = { positive: 'red', negative: 'green', invalid: 'orange', pending: 'gray' };
