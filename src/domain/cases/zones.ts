// Zoning and lockdown dates: a zone is lifted N days (policy) after the last case in it, unless extended.
import { addDays } from './dates.ts';

export interface ZoneDates {
  startDate: string;
  /** The latest report date of a case in the zone, if any. */
  lastCaseDate: string | null;
  /** A later lift date set by staff (extension), if any. */
  extendedTo?: string | null;
}

export function plannedLiftDate(z: ZoneDates, liftAfterDays: number): string {
  const fromCases = addDays(z.lastCaseDate && z.lastCaseDate > z.startDate ? z.lastCaseDate : z.startDate, liftAfterDays);
  return z.extendedTo && z.extendedTo > fromCases ? z.extendedTo : fromCases;
}

/** A zone may be lifted once its planned date has come, and not earlier without a reason. */
export function canLift(plannedLift: string, today: string): boolean {
  return today >= plannedLift;
}
