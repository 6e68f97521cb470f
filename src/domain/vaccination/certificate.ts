// Signed vaccination certificates (docs/vaccination.md, "Certificates"): the content, its compact
// wire form, and signing and verifying with WebCrypto, so that the very same code runs on the
// server (Node's globalThis.crypto) and in the citizen's or checkpoint's browser, offline.
//
// A certificate's code is a JWS in compact serialisation (RFC 7515):
//   base64url(header) "." base64url(claims) "." base64url(signature)
// header  {"alg":"ES256"|"Ed25519","kid":"…"}   (the kid names the province's public key)
// claims  {"v":1,"id":…,"iss":"20","isn":"Tỉnh Lạng Sơn","n":"…","b":"1990-01-31"|null,
//          "d":[["pfizer","Pfizer-BioNTech","2021-08-01","p1"],…],"s":"full","iat":1638316800}
// ES256 signatures are the raw 64-byte r‖s of JWS (what WebCrypto produces and checks), so any
// JOSE library verifies a code too. The QR holds a link to the verification page with the code in
// the URL fragment (#…), which a browser never sends to a server.
import { DOSE_KINDS, type DoseKind } from './types.ts';

export const CERTIFICATE_VERSION = 1;
export const CERTIFICATE_ALGORITHMS = ['ES256', 'Ed25519'] as const;
export type CertificateAlgorithm = (typeof CERTIFICATE_ALGORITHMS)[number];

/** Where the person stands on the certificate's date: some doses, the primary series, a booster. */
export const SERIES_STATUSES = ['partial', 'full', 'booster'] as const;
export type SeriesStatus = (typeof SERIES_STATUSES)[number];

export interface CertificateDose {
  productCode: string;
  productName: string;
  date: string;
  kind: DoseKind;
}

/** What a certificate states, as the issuer signs it and the verifier reads it back. */
export interface CertificateContent {
  version: number;
  /** The certificate's number in the province's register (vaccination_certificate.id). */
  id: number;
  issuerCode: string;
  issuerName: string;
  fullName: string;
  birthDate: string | null;
  doses: CertificateDose[];
  status: SeriesStatus;
  /** Seconds since 1970 (UTC). */
  issuedAt: number;
}

/** A published public key: the JWK with the province it speaks for. */
export interface PublishedKey {
  kid: string;
  alg: CertificateAlgorithm;
  provinceCode: string;
  provinceName: string;
  jwk: JsonWebKey;
  active: boolean;
  retiredAt?: string | null;
}

export type VerifyFailure = 'malformed' | 'unsupported_algorithm' | 'unknown_kid' | 'bad_signature' | 'unsupported_version' | 'issuer_mismatch';

export type VerifyResult = { ok: true; content: CertificateContent; key: PublishedKey } | { ok: false; reason: VerifyFailure };

// Short dose kinds on the wire (every byte makes the QR denser).
const KIND_CODES: Record<DoseKind, string> = {
  primary_1: 'p1',
  primary_2: 'p2',
  primary_3: 'p3',
  additional: 'ad',
  booster_1: 'b1',
  booster_2: 'b2',
};
const KIND_OF_CODE = new Map(Object.entries(KIND_CODES).map(([k, c]) => [c, k as DoseKind]));

const MAX_CODE_LENGTH = 4000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

// ---- base64url and UTF-8, the same in Node and browsers ----

export function base64UrlEncode(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function base64UrlDecode(text: string): Uint8Array {
  if (!B64URL.test(text) || text.length % 4 === 1) throw new Error('not base64url');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

function jsonPart(value: unknown): string {
  return base64UrlEncode(utf8.encode(JSON.stringify(value)));
}

function parseJsonPart(part: string): unknown {
  return JSON.parse(fromUtf8.decode(base64UrlDecode(part)));
}

// ---- content ⇄ claims ----

/** The wire claims of a content (short keys, short dose kinds). */
export function toClaims(c: CertificateContent): Record<string, unknown> {
  return {
    v: c.version,
    id: c.id,
    iss: c.issuerCode,
    isn: c.issuerName,
    n: c.fullName,
    b: c.birthDate,
    d: c.doses.map((d) => [d.productCode, d.productName, d.date, KIND_CODES[d.kind]]),
    s: c.status,
    iat: c.issuedAt,
  };
}

const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/** The content of wire claims, or the reason they cannot be read. */
export function fromClaims(x: unknown): { ok: true; content: CertificateContent } | { ok: false; reason: 'malformed' | 'unsupported_version' } {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return { ok: false, reason: 'malformed' };
  const o = x as Record<string, unknown>;
  if (o.v !== CERTIFICATE_VERSION) return { ok: false, reason: typeof o.v === 'number' ? 'unsupported_version' : 'malformed' };
  const dosesOk =
    Array.isArray(o.d) &&
    o.d.length <= 20 &&
    o.d.every(
      (d) => Array.isArray(d) && d.length === 4 && isStr(d[0], 40) && isStr(d[1], 100) && typeof d[2] === 'string' && DATE.test(d[2]) && KIND_OF_CODE.has(d[3] as string),
    );
  if (
    !dosesOk ||
    !Number.isSafeInteger(o.id) ||
    !isStr(o.iss, 10) ||
    !isStr(o.isn, 100) ||
    !isStr(o.n, 200) ||
    !(o.b === null || (typeof o.b === 'string' && DATE.test(o.b))) ||
    !(SERIES_STATUSES as readonly unknown[]).includes(o.s) ||
    !Number.isSafeInteger(o.iat)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  return {
    ok: true,
    content: {
      version: o.v as number,
      id: o.id as number,
      issuerCode: o.iss as string,
      issuerName: o.isn as string,
      fullName: o.n as string,
      birthDate: o.b as string | null,
      doses: (o.d as string[][]).map(([productCode, productName, date, k]) => ({ productCode, productName, date, kind: KIND_OF_CODE.get(k)! })),
      status: o.s as SeriesStatus,
      issuedAt: o.iat as number,
    },
  };
}

// ---- keys ----

/** WebCrypto's parameters for an algorithm: import, then sign / verify. */
function importParams(alg: CertificateAlgorithm): EcKeyImportParams | Algorithm {
  return alg === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'Ed25519' };
}
function signParams(alg: CertificateAlgorithm): EcdsaParams | Algorithm {
  return alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'Ed25519' };
}

/** The algorithm a JWK is for, or null for a key this format does not use. */
export function algorithmOfJwk(jwk: JsonWebKey): CertificateAlgorithm | null {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'Ed25519';
  return null;
}

/** Only the public members of a JWK (a private JWK also carries d). */
export function publicJwk(jwk: JsonWebKey): JsonWebKey {
  return jwk.kty === 'EC' ? { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}

/**
 * The key id: the first 16 characters of the key's JWK SHA-256 thumbprint (RFC 7638), so the same
 * key always has the same id wherever it is configured, and another key another.
 */
export async function keyId(jwk: JsonWebKey): Promise<string> {
  const p = publicJwk(jwk);
  const canonical = p.kty === 'EC' ? { crv: p.crv, kty: p.kty, x: p.x, y: p.y } : { crv: p.crv, kty: p.kty, x: p.x };
  const digest = await crypto.subtle.digest('SHA-256', utf8.encode(JSON.stringify(canonical)));
  return base64UrlEncode(new Uint8Array(digest)).slice(0, 16);
}

export async function importSigningKey(privateJwk: JsonWebKey): Promise<{ key: CryptoKey; alg: CertificateAlgorithm; kid: string }> {
  const alg = algorithmOfJwk(privateJwk);
  if (!alg || !privateJwk.d) throw new Error('the signing key must be a private P-256 (ES256) or Ed25519 key');
  const key = await crypto.subtle.importKey('jwk', { ...privateJwk, key_ops: ['sign'] }, importParams(alg), false, ['sign']);
  return { key, alg, kid: await keyId(privateJwk) };
}

const verifyKeys = new WeakMap<PublishedKey, Promise<CryptoKey>>();
function verifyKeyOf(k: PublishedKey): Promise<CryptoKey> {
  let p = verifyKeys.get(k);
  if (!p) {
    p = crypto.subtle.importKey('jwk', { ...publicJwk(k.jwk), key_ops: ['verify'] }, importParams(k.alg), false, ['verify']);
    verifyKeys.set(k, p);
  }
  return p;
}

// ---- sign and verify ----

export async function signCertificate(content: CertificateContent, signer: { key: CryptoKey; alg: CertificateAlgorithm; kid: string }): Promise<string> {
  const signingInput = `${jsonPart({ alg: signer.alg, kid: signer.kid })}.${jsonPart(toClaims(content))}`;
  const sig = await crypto.subtle.sign(signParams(signer.alg), signer.key, utf8.encode(signingInput));
  return `${signingInput}.${base64UrlEncode(new Uint8Array(sig))}`;
}

/**
 * Checks a code against the published keys: the signature first (nothing of an unsigned payload
 * is read), then the claims, then that the key speaks for the province the claims name.
 */
export async function verifyCertificate(code: string, keys: readonly PublishedKey[]): Promise<VerifyResult> {
  const fail = (reason: VerifyFailure): VerifyResult => ({ ok: false, reason });
  if (typeof code !== 'string' || code.length > MAX_CODE_LENGTH) return fail('malformed');
  const parts = code.split('.');
  if (parts.length !== 3 || parts.some((p) => p.length === 0 || !B64URL.test(p))) return fail('malformed');
  let header: unknown;
  let signature: Uint8Array;
  try {
    header = parseJsonPart(parts[0]);
    signature = base64UrlDecode(parts[2]);
  } catch {
    return fail('malformed');
  }
  if (typeof header !== 'object' || header === null) return fail('malformed');
  const { alg, kid } = header as { alg?: unknown; kid?: unknown };
  if (typeof kid !== 'string' || typeof alg !== 'string') return fail('malformed');
  if (!(CERTIFICATE_ALGORITHMS as readonly string[]).includes(alg)) return fail('unsupported_algorithm');
  const key = keys.find((k) => k.kid === kid && k.alg === alg);
  if (!key) return fail('unknown_kid');
  let valid: boolean;
  try {
    valid = await crypto.subtle.verify(signParams(key.alg), await verifyKeyOf(key), signature as BufferSource, utf8.encode(`${parts[0]}.${parts[1]}`));
  } catch {
    // A browser without Ed25519, or a published key it cannot import.
    return fail(key.alg === 'Ed25519' ? 'unsupported_algorithm' : 'bad_signature');
  }
  if (!valid) return fail('bad_signature');
  let claims: unknown;
  try {
    claims = parseJsonPart(parts[1]);
  } catch {
    return fail('malformed');
  }
  const read = fromClaims(claims);
  if (!read.ok) return fail(read.reason);
  if (read.content.issuerCode !== key.provinceCode) return fail('issuer_mismatch');
  return { ok: true, content: read.content, key };
}

/**
 * The code in what a person pastes or a camera reads: the whole verification link (the code is
 * its fragment), or the bare code; spaces and line breaks from copying are dropped.
 */
export function extractCode(input: string): string {
  const s = input.trim();
  const hash = s.indexOf('#');
  return (hash >= 0 ? s.slice(hash + 1) : s).replace(/\s+/g, '');
}

/** The verification link a QR code holds. */
export function verificationUrl(baseUrl: string, code: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/xac-minh#${code}`;
}

// ---- the series, as the certificate states it ----

/**
 * Where the doses leave the person: a booster, the primary series complete (`primaryComplete`, as
 * the schedule engine's fullyVaccinatedOn says under the products in force), or partial.
 */
export function seriesStatus(doses: readonly { kind: DoseKind }[], primaryComplete: boolean): SeriesStatus {
  // A booster is given only after a complete series (the registry checks it), whatever the
  // record of the earlier doses; an additional dose completes a weaker series, it is no booster.
  if (doses.some((d) => d.kind === 'booster_1' || d.kind === 'booster_2')) return 'booster';
  return primaryComplete ? 'full' : 'partial';
}

/** Doses in the order they were given (then by kind), as the certificate lists them. */
export function sortDoses<T extends { date: string; kind: DoseKind }>(doses: readonly T[]): T[] {
  return [...doses].sort((a, b) => a.date.localeCompare(b.date) || DOSE_KINDS.indexOf(a.kind) - DOSE_KINDS.indexOf(b.kind));
}
