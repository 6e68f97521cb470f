// Turns the API's per-field errors into messages for form fields, in the user's language.
import type { TFunction } from 'i18next';
import { ApiError } from '../lib/api.ts';

export function fieldErrors(err: unknown, t: TFunction): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError)) return out;
  for (const f of err.fields) {
    const key = `fieldErrors.${f.code}`;
    const text = t(key, { defaultValue: f.message ?? f.code });
    out[f.field] = out[f.field] ? `${out[f.field]}; ${text}` : text;
  }
  return out;
}
