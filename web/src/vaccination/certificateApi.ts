// Certificates from the web: a person's certificates, issuing one, the PDF's address; and for the
// public verification page the provinces' published keys, kept in localStorage so that a check
// works again without a connection (docs/vaccination.md, "Certificates").
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../lib/api.ts';
import type { CertificateContent, PublishedKey, SeriesStatus } from '../../../src/domain/vaccination/certificate.ts';

export interface CertificateSummary {
  id: number;
  personId: number;
  kid: string;
  issuedAt: string;
  issuedBy: string | null;
  revokedAt: string | null;
  status: SeriesStatus;
  doses: number;
}

export interface CertificateDetail extends CertificateSummary {
  code: string;
  url: string;
  content: CertificateContent;
}

export const certificatePdfUrl = (id: number) => `/api/vaccination/certificates/${id}/pdf`;

export function usePersonCertificates(personId: number) {
  return useQuery({
    queryKey: ['vaccination', 'certificates', personId],
    queryFn: ({ signal }) => api<{ certificates: CertificateSummary[]; doses: number }>(`/vaccination/people/${personId}/certificates`, { signal }),
  });
}

export function useCertificate(id: number | null) {
  return useQuery({
    queryKey: ['vaccination', 'certificate', id],
    queryFn: ({ signal }) => api<CertificateDetail>(`/vaccination/certificates/${id}`, { signal }),
    enabled: id != null,
  });
}

export function useIssueCertificate(personId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<CertificateDetail>(`/vaccination/people/${personId}/certificates`, { method: 'POST' }),
    onSuccess: (c) => {
      qc.setQueryData(['vaccination', 'certificate', c.id], c);
      void qc.invalidateQueries({ queryKey: ['vaccination', 'certificates', personId] });
    },
  });
}

export function useRevokeCertificate(personId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: number; reason: string }) => api<{ id: number; revokedAt: string }>(`/vaccination/certificates/${id}/revoke`, { method: 'POST', body: { reason } }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['vaccination', 'certificates', personId] });
      void qc.invalidateQueries({ queryKey: ['vaccination', 'certificate', r.id] });
    },
  });
}

// ---- published keys, for the verification page ----

export interface KeySet {
  keys: PublishedKey[];
  /** Revoked certificate numbers by province. */
  revoked: Record<string, number[]>;
  fetchedAt: string;
}

export interface LoadedKeys extends KeySet {
  /** network: fetched now; cache: the copy kept from an earlier visit. */
  source: 'network' | 'cache';
}

const STORAGE_KEY = 'chongdich.certificateKeys';
/** A kept copy this recent is used without asking the server again (a revocation reaches an online device within this). */
const FRESH_MS = 3_600_000;

export function cachedKeys(): KeySet | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as KeySet;
    return Array.isArray(v.keys) && typeof v.fetchedAt === 'string' ? { ...v, revoked: v.revoked ?? {} } : null;
  } catch {
    return null;
  }
}

export class NoKeysError extends Error {}

let inFlight: Promise<KeySet> | null = null;

/** One request at a time: checks started together (a scan, the page's first render) share it. */
function fetchKeys(): Promise<KeySet> {
  if (!inFlight) inFlight = fetchKeysNow().finally(() => (inFlight = null));
  return inFlight;
}

async function fetchKeysNow(): Promise<KeySet> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), 6000);
  try {
    const res = await fetch('/api/public/certificate-keys', { headers: { Accept: 'application/json' }, signal: ctrl.signal, credentials: 'omit' });
    if (!res.ok) throw new Error(`keys: HTTP ${res.status}`);
    const v = (await res.json()) as KeySet;
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(v));
    } catch {
      // private mode: this visit only
    }
    return v;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The keys to check against: the kept copy while it is recent (no request at all), else the
 * server's; without a connection, the kept copy however old; with neither, NoKeysError.
 */
export async function loadKeys(opts: { fresh?: boolean } = {}): Promise<LoadedKeys> {
  const cached = cachedKeys();
  if (!opts.fresh && cached && Date.now() - Date.parse(cached.fetchedAt) < FRESH_MS) return { ...cached, source: 'cache' };
  try {
    return { ...(await fetchKeys()), source: 'network' };
  } catch {
    if (cached) return { ...cached, source: 'cache' };
    throw new NoKeysError('no keys');
  }
}
