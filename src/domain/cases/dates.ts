// Calendar arithmetic on ISO dates ('YYYY-MM-DD'), done in UTC so that no time zone shifts a day.

export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Whole months from a to b, counted the way people count them (15/1 → 15/7 is 6 months). */
export function monthsBetween(a: string, b: string): number {
  const [ya, ma, da] = a.split('-').map(Number);
  const [yb, mb, db] = b.split('-').map(Number);
  return (yb - ya) * 12 + (mb - ma) - (db < da ? 1 : 0);
}

export function maxDate(...dates: (string | null | undefined)[]): string | null {
  let m: string | null = null;
  for (const d of dates) if (d && (!m || d > m)) m = d;
  return m;
}
