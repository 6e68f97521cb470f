// Field errors of the hand-over endpoints in the user's language: the codes of this area first
// (handover.errors.*), then the shared ones (fieldErrors.*).
import type { TFunction } from 'i18next';
import { ApiError } from '../lib/api.ts';

export function handoverFieldErrors(err: unknown, t: TFunction): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError)) return out;
  for (const f of err.fields) {
    const text = t(`handover.errors.${f.code}`, { defaultValue: t(`fieldErrors.${f.code}`, { defaultValue: f.message ?? f.code }) });
    out[f.field] = out[f.field] ? `${out[f.field]}; ${text}` : text;
  }
  return out;
}

/** One line for an error that names no field of the form at hand. */
export function handoverErrorText(err: unknown, t: TFunction): string | null {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : null;
  const f = err.fields[0];
  return f ? t(`handover.errors.${f.code}`, { defaultValue: t(`fieldErrors.${f.code}`, { defaultValue: err.message }) }) : err.message;
}
