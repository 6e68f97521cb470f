import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api } from '../lib/api.ts';
import type { Unit, UnitDetail, UnitMap } from '../lib/types.ts';

/** `quiet`: a 401 is not treated as an expired session (used for the prefetch before sign-in is known). */
const unitQuery = (code: string, quiet = false) => ({
  queryKey: ['unit', code],
  queryFn: ({ signal }: { signal?: AbortSignal }) => api<UnitDetail>(`/units/${encodeURIComponent(code)}`, { signal, noRedirect: quiet }),
  // Fresh for a while, so the map page mounting after the prefetch has answered does not ask again;
  // adding a village invalidates it explicitly.
  staleTime: 60_000,
});
const mapQuery = (code: string, quiet = false) => ({
  queryKey: ['unit-map', code],
  queryFn: ({ signal }: { signal?: AbortSignal }) => api<UnitMap>(`/units/${encodeURIComponent(code)}/map`, { signal, noRedirect: quiet }),
  staleTime: 5 * 60_000,
});

export const useUnit = (code: string, enabled = true) => useQuery({ ...unitQuery(code), enabled: enabled && !!code });
export const useUnitMap = (code: string) => useQuery(mapQuery(code));

/**
 * Opening the app on a map page: start loading the unit and its geometry at once, alongside the
 * session check, instead of after it. Without a session they answer 401 and are refetched after sign-in.
 */
export function prefetchMapPage(qc: QueryClient, pathname: string) {
  const code = /^\/units\/([A-Za-z0-9-]{1,40})$/.exec(pathname)?.[1];
  if (!code) return;
  void qc.prefetchQuery(unitQuery(code, true));
  void qc.prefetchQuery(mapQuery(code, true));
}

/** Units whose name matches (diacritics optional), within the caller's jurisdiction. */
export const useUnitSearch = (q: string, enabled = true) =>
  useQuery({
    queryKey: ['unit-search', q],
    queryFn: ({ signal }) => api<Unit[]>('/units/search', { query: { q }, signal }),
    enabled: enabled && q.trim().length > 0,
    staleTime: 5 * 60_000,
  });

export interface ActiveZone {
  id: number;
  name: string;
  kind: 'lockdown' | 'zoned';
  geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon | null;
}

/** Active zones of the user's area, for the map (staff who may read cases). */
export const useActiveZones = (enabled: boolean) =>
  useQuery({ queryKey: ['zones', 'active'], queryFn: ({ signal }) => api<ActiveZone[]>('/zones', { query: { status: 'active' }, signal }), enabled, staleTime: 60_000 });
