import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api } from '../lib/api.ts';
import { viaBoot } from '../lib/boot.ts';
import type { Unit, UnitDetail, UnitMap } from '../lib/types.ts';

/** `quiet`: a 401 is not treated as an expired session (used for the prefetch before sign-in is known). */
const unitQuery = (code: string, quiet = false) => ({
  queryKey: ['unit', code],
  queryFn: ({ signal }: { signal?: AbortSignal }) => api<UnitDetail>(`/units/${encodeURIComponent(code)}`, { signal, noRedirect: quiet }),
});
const mapQuery = (code: string, quiet = false) => ({
  queryKey: ['unit-map', code],
  queryFn: ({ signal }: { signal?: AbortSignal }) => api<UnitMap>(`/units/${encodeURIComponent(code)}/map`, { signal, noRedirect: quiet }),
  staleTime: 5 * 60_000,
});

export const useUnit = (code: string, enabled = true) => useQuery({ ...unitQuery(code), enabled: enabled && !!code });
export const useUnitMap = (code: string) => useQuery(mapQuery(code));

/**
 * Opening the app on a map page: the unit and its geometry were requested by public/boot.js
 * while the app loaded; put those answers in the cache (or fetch again if they failed).
 */
export function prefetchMapPage(qc: QueryClient, pathname: string) {
  const code = /^\/units\/([A-Za-z0-9-]{1,40})$/.exec(pathname)?.[1];
  if (!code) return;
  const unit = unitQuery(code, true);
  const map = mapQuery(code, true);
  void qc.prefetchQuery({ ...unit, queryFn: () => viaBoot(`/units/${code}`, () => unit.queryFn({})) });
  void qc.prefetchQuery({ ...map, queryFn: () => viaBoot(`/units/${code}/map`, () => map.queryFn({})) });
}

/** Units whose name matches (diacritics optional), within the caller's jurisdiction. */
export const useUnitSearch = (q: string, enabled = true) =>
  useQuery({
    queryKey: ['unit-search', q],
    queryFn: ({ signal }) => api<Unit[]>('/units/search', { query: { q }, signal }),
    enabled: enabled && q.trim().length > 0,
    staleTime: 5 * 60_000,
  });
