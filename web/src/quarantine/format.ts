// Pure helpers the case-area field pages share: day counts between calendar dates, and addresses
// that do not repeat the village or commune they already name.

const utcDay = (iso: string) => {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 86_400_000;
};

/** Whole days from `from` to `to` ('YYYY-MM-DD'): positive when `to` is later. */
export function daysBetween(from: string, to: string): number {
  return utcDay(to) - utcDay(from);
}

/** 'YYYY-MM-DD' plus n days. */
export function addDays(iso: string, n: number): string {
  return new Date((utcDay(iso) + n) * 86_400_000).toISOString().slice(0, 10);
}

/**
 * An address with the village / commune added only when it does not already name them
 * ("Số 14, Tổ dân phố 16, Phường Vĩnh Trại" needs no "· Tổ dân phố 16, Phường Vĩnh Trại").
 */
export function addressLine(address: string | null | undefined, ...places: (string | null | undefined)[]): string {
  const a = address?.trim() ?? '';
  // A whole-name match: "Tổ dân phố 1" is not named by "Tổ dân phố 12".
  const names = (p: string) => new RegExp(`(^|[^\\p{L}\\p{N}])${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\p{N}])`, 'iu').test(a);
  const extra = places.filter((p): p is string => !!p && !names(p));
  return [a, extra.join(', ')].filter(Boolean).join(' · ');
}
