// The one way the web app talks to the server: JSON, the session cookie, the CSRF token on every
// state-changing request, Accept-Language of the chosen language, and one error type.
import { currentLang } from '../i18n/index.ts';
import { takeEarly } from './early.ts';

export interface FieldError {
  field: string;
  code: string;
  message?: string;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public fields: FieldError[] = [],
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null) {
  csrfToken = token;
}
export function csrfHeader(): Record<string, string> {
  return csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
}
/** Called when a request answers 401 (session expired): the app goes back to the login page. */
export function setUnauthorizedHandler(fn: (() => void) | null) {
  onUnauthorized = fn;
}

export type Query = Record<string, string | number | undefined | null | false>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '' && v !== false) qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

export async function toApiError(res: Response): Promise<ApiError> {
  let body: { error?: { code?: string; message?: string; fields?: FieldError[] } } | null = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  const e = body?.error;
  return new ApiError(res.status, e?.code ?? 'http_' + res.status, e?.message ?? res.statusText, e?.fields ?? []);
}

export async function api<T>(path: string, opts: { method?: string; body?: unknown; query?: Query; signal?: AbortSignal; noRedirect?: boolean } = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': currentLang() };
  if (method !== 'GET' && method !== 'HEAD') Object.assign(headers, csrfHeader());
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  // The first requests of a page may already be on their way (started by /early.js).
  const early = method === 'GET' ? takeEarly(withQuery(path, opts.query), headers['Accept-Language']) : undefined;
  const res = await (early ??
    fetch(withQuery('/api' + path, opts.query), {
      method,
      headers,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      credentials: 'same-origin',
      signal: opts.signal,
    }));
  if (!res.ok) {
    const err = await toApiError(res);
    if (res.status === 401 && !opts.noRedirect) onUnauthorized?.();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
