// Policy keys the platform knows, each with the JSON schema its value must satisfy and its
// default versions (with the source document). Areas add their keys to `POLICY_DEFINITIONS`
// by importing their own defaults files from src/domain/<area>/policies/.
import { TObject } from 'typebox';

export interface PolicyVersionDefault {
  effectiveFrom: string;
  effectiveTo?: string | null;
  value: unknown;
  source: string;
  note?: string;
}

export interface PolicyDefinition {
  key: string;
  title: { vi: string; en: string };
  /** JSON schema of the value (TypeBox), validated before a version is saved. */
  schema: TObject;
  defaults: PolicyVersionDefault[];
}

export interface PolicyVersion {
  key: string;
  version: number;
  effectiveFrom: string;
  effectiveTo: string | null;
  value: unknown;
  source: string;
  note: string | null;
}

/** The version in force on a date: effective_from ≤ date < effective_to. */
export function versionOn<T extends Pick<PolicyVersion, 'effectiveFrom' | 'effectiveTo'>>(versions: T[], date: string): T | null {
  let best: T | null = null;
  for (const v of versions) {
    if (v.effectiveFrom <= date && (v.effectiveTo == null || date < v.effectiveTo)) {
      if (!best || v.effectiveFrom > best.effectiveFrom) best = v;
    }
  }
  return best;
}

/**
 * Where a new version goes: it must start after every existing version's start; the version
 * that was open-ended (or ran past the new start) is closed on the new start date.
 */
export function planNewVersion(existing: PolicyVersion[], effectiveFrom: string): { ok: true; close: PolicyVersion | null; version: number } | { ok: false; reason: 'not_after_latest' } {
  const latest = existing.reduce<PolicyVersion | null>((a, v) => (!a || v.effectiveFrom > a.effectiveFrom ? v : a), null);
  const version = existing.reduce((m, v) => Math.max(m, v.version), 0) + 1;
  if (!latest) return { ok: true, close: null, version };
  if (effectiveFrom <= latest.effectiveFrom) return { ok: false, reason: 'not_after_latest' };
  const close = latest.effectiveTo == null || latest.effectiveTo > effectiveFrom ? latest : null;
  return { ok: true, close, version };
}
