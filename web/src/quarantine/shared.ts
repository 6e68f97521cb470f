// The API's field errors as the case-area field pages (quarantine, zones, tasks) show them: this
// area's own wording first, then the app-wide one.
import type { TFunction } from 'i18next';
import { ApiError } from '../lib/api.ts';

/**
 * Per-field messages of an API error: `<area>.errors.<code>` when the area has its own wording
 * (e.g. required_for_early_release), else the app-wide `fieldErrors.<code>`. A field of an array
 * ("unitCodes.2") is also reported on the array itself ("unitCodes").
 */
export function areaFieldErrors(err: unknown, t: TFunction, area: 'tasks' | 'quarantine' | 'zones'): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError)) return out;
  const add = (field: string, text: string) => {
    if (!out[field]) out[field] = text;
    else if (!out[field].split('; ').includes(text)) out[field] = `${out[field]}; ${text}`;
  };
  for (const f of err.fields) {
    const text = t(`${area}.errors.${f.code}`, { defaultValue: t(`fieldErrors.${f.code}`, { defaultValue: f.message ?? f.code }) });
    add(f.field, text);
    const base = f.field.replace(/\.\d+$/, '');
    if (base !== f.field) add(base, text);
  }
  return out;
}

/** True when the error carries nothing to show next to a field (show it as an alert instead). */
export function hasNoFieldFor(err: unknown, fields: string[]): boolean {
  if (!err) return false;
  if (!(err instanceof ApiError) || !err.fields.length) return true;
  return !err.fields.some((f) => fields.includes(f.field) || fields.includes(f.field.replace(/\.\d+$/, '')));
}
