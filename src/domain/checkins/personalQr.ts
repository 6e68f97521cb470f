// A citizen's personal QR code: their check-in identity, for venue staff to scan (people without a
// smartphone carry it printed). It holds what they would type on a venue's page and nothing else.
import { parseIdentity, type Identity } from './identity.ts';

const PREFIX = 'CDQR1.';

const toB64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

export function encodePersonalQr(id: Identity): string {
  return PREFIX + toB64url(JSON.stringify({ n: id.fullName, p: id.phone, c: id.cccd }));
}

export function decodePersonalQr(text: string): Identity | null {
  const t = text.trim();
  if (!t.startsWith(PREFIX) || t.length > 600) return null;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(t.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const o = v as { n?: unknown; p?: unknown; c?: unknown };
  const str = (x: unknown) => (typeof x === 'string' ? x : null);
  const r = parseIdentity({ fullName: str(o.n), phone: str(o.p), cccd: str(o.c) });
  return r.ok ? r.value : null;
}
