// The F0 and F1 definitions (domain.md §4): does this evidence make a confirmed case, does this
// exposure make a close contact? Both take the policy version in force as data.
import { addDays } from './dates.ts';
import type { F0Basis, F0DefinitionPolicy, F1DefinitionPolicy } from './policies.ts';

export interface F0Evidence {
  pcrPositive: boolean;
  /** Positive rapid antigen tests, as instants (ISO strings). */
  rapidPositiveAt: string[];
  /** The person is a traced F1. */
  isF1: boolean;
  /** Symptoms of COVID-19 (a suspected case). */
  suspected: boolean;
  /** An epidemiological link (lives with, worked with, was at a venue with a case …). */
  epiLink: boolean;
}

export type F0Decision = { confirmed: true; basis: F0Basis } | { confirmed: false };

/** The first basis of the definition in force that the evidence meets, in order of strength. */
export function classifyF0(e: F0Evidence, policy: F0DefinitionPolicy): F0Decision {
  const allowed = new Set(policy.bases);
  const rapid = e.rapidPositiveAt.map((t) => Date.parse(t)).filter(Number.isFinite).sort((a, b) => a - b);
  const twiceWithin = rapid.some((t, i) => i > 0 && t - rapid[i - 1] <= policy.rapidTwiceWithinHours * 3_600_000);
  const checks: [F0Basis, boolean][] = [
    ['pcr', e.pcrPositive],
    ['rapid_f1', e.isF1 && rapid.length > 0],
    ['rapid_suspected_link', e.suspected && e.epiLink && rapid.length > 0],
    ['rapid_twice', e.epiLink && twiceWithin],
  ];
  for (const [basis, met] of checks) if (met && allowed.has(basis)) return { confirmed: true, basis };
  return { confirmed: false };
}

export type Proximity = 'physical' | 'within_2m' | 'same_closed_space' | 'care_without_ppe' | 'farther';

export interface Exposure {
  exposureDate: string;
  proximity: Proximity;
  /** Minutes together; null when not known. */
  durationMinutes: number | null;
  /** Were both masked? null when not known (counted as unmasked only when stated). */
  masked: boolean | null;
}

/** The source case's transmission period: from N days before onset (or the positive sample) to its end, if known. */
export function transmissionWindow(
  source: { onsetDate: string | null; sampleDate: string | null; reportDate: string; endDate?: string | null },
  policy: F1DefinitionPolicy,
): { from: string; to: string | null } {
  const start = source.onsetDate ?? source.sampleDate ?? source.reportDate;
  return { from: addDays(start, -policy.daysBeforeOnset), to: source.endDate ?? null };
}

export type F1Check = { meets: true } | { meets: false; reason: 'outside_window' | 'too_far' | 'too_short' };

/**
 * The F1 definition: direct physical contact; care without protective equipment; within 2 m
 * unmasked for any time; within 2 m or in a small closed space masked for at least N minutes —
 * during the source's transmission period.
 */
export function checkF1(e: Exposure, window: { from: string; to: string | null }, policy: F1DefinitionPolicy): F1Check {
  if (e.exposureDate < window.from || (window.to && e.exposureDate > window.to)) return { meets: false, reason: 'outside_window' };
  switch (e.proximity) {
    case 'physical':
    case 'care_without_ppe':
      return { meets: true };
    case 'farther':
      return { meets: false, reason: 'too_far' };
    case 'within_2m':
    case 'same_closed_space':
      if (e.masked === false) return { meets: true };
      return e.durationMinutes != null && e.durationMinutes >= policy.minMinutesMasked ? { meets: true } : { meets: false, reason: 'too_short' };
  }
}
