// Exposure matching (domain.md §8): someone checked in at the same venue within the window
// (1 hour, policy) before or after a case's check-in, during the case's transmission window.
// The SQL in src/server/modules/checkins/exposures.ts applies this rule to the stored visits;
// `matchVisits` is the rule itself, used on the rows the index scan returns.

export interface Visit {
  venueId: number;
  at: Date;
  subject: string;
}

export interface Match<V extends Visit = Visit> {
  subject: string;
  /** The other person's visit closest in time to one of the case's visits. */
  visit: V;
  caseVisit: Visit;
  gapMinutes: number;
  /** How many of the case's visits this person overlapped. */
  visits: number;
}

/** The instants the case's check-ins are looked at: from the start of its transmission window to the end of its report day (isolated from then). */
export function caseCheckinRange(window: { from: string; to: string | null }, reportDate: string, vnMidnight: (d: string) => Date, addDays: (d: string, n: number) => string) {
  const end = window.to && window.to < reportDate ? window.to : reportDate;
  return { from: vnMidnight(window.from), to: vnMidnight(addDays(end, 1)) };
}

/**
 * Every other subject with a visit at one of the case's venues within ±windowMinutes of the case's
 * visit there, once per subject: the closest visit, and how many case visits it overlapped.
 */
export function matchVisits<V extends Visit>(caseVisits: Visit[], others: V[], windowMinutes: number, caseSubjects: Iterable<string>): Match<V>[] {
  const self = new Set(caseSubjects);
  const windowMs = windowMinutes * 60_000;
  const byVenue = new Map<number, Visit[]>();
  for (const v of caseVisits) byVenue.set(v.venueId, [...(byVenue.get(v.venueId) ?? []), v]);
  const best = new Map<string, Match<V> & { overlapped: Set<Visit> }>();
  for (const o of others) {
    if (self.has(o.subject)) continue;
    for (const c of byVenue.get(o.venueId) ?? []) {
      const gap = Math.abs(o.at.getTime() - c.at.getTime());
      if (gap > windowMs) continue;
      const gapMinutes = Math.round(gap / 60_000);
      const m = best.get(o.subject);
      if (!m) best.set(o.subject, { subject: o.subject, visit: o, caseVisit: c, gapMinutes, visits: 1, overlapped: new Set([c]) });
      else {
        m.overlapped.add(c);
        m.visits = m.overlapped.size;
        if (gapMinutes < m.gapMinutes) Object.assign(m, { visit: o, caseVisit: c, gapMinutes });
      }
    }
  }
  return [...best.values()]
    .map(({ overlapped: _o, ...m }) => m)
    .sort((a, b) => a.gapMinutes - b.gapMinutes || a.visit.at.getTime() - b.visit.at.getTime() || a.subject.localeCompare(b.subject));
}
