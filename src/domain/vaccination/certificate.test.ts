import { createHash, createPublicKey, generateKeyPairSync, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  base64UrlDecode,
  base64UrlEncode,
  extractCode,
  fromClaims,
  importSigningKey,
  keyId,
  publicJwk,
  seriesStatus,
  signCertificate,
  sortDoses,
  toClaims,
  verificationUrl,
  verifyCertificate,
  type CertificateContent,
  type PublishedKey,
} from './certificate.ts';

const content: CertificateContent = {
  version: 1,
  id: 4711,
  issuerCode: '20',
  issuerName: 'Tỉnh Lạng Sơn',
  fullName: 'Nguyễn Thị Hường',
  birthDate: '1987-03-05',
  doses: [
    { productCode: 'astrazeneca', productName: 'AstraZeneca', date: '2021-08-02', kind: 'primary_1' },
    { productCode: 'astrazeneca', productName: 'AstraZeneca', date: '2021-10-25', kind: 'primary_2' },
    { productCode: 'pfizer', productName: 'Pfizer-BioNTech (Comirnaty)', date: '2022-01-10', kind: 'booster_1' },
  ],
  status: 'booster',
  issuedAt: 1_700_000_000,
};

function newKey(type: 'ec' | 'ed25519' = 'ec') {
  const pair = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return { privateJwk: pair.privateKey.export({ format: 'jwk' }) as JsonWebKey, publicKey: pair.publicKey };
}

async function setup(type: 'ec' | 'ed25519' = 'ec', provinceCode = '20') {
  const k = newKey(type);
  const signer = await importSigningKey(k.privateJwk);
  const published: PublishedKey = { kid: signer.kid, alg: signer.alg, provinceCode, provinceName: 'Tỉnh Lạng Sơn', jwk: publicJwk(k.privateJwk), active: true };
  return { ...k, signer, published };
}

/** The code with one part replaced by what `edit` makes of its decoded JSON. */
function editPart(code: string, index: 0 | 1, edit: (o: Record<string, unknown>) => void): string {
  const parts = code.split('.');
  const o = JSON.parse(new TextDecoder().decode(base64UrlDecode(parts[index])));
  edit(o);
  parts[index] = base64UrlEncode(new TextEncoder().encode(JSON.stringify(o)));
  return parts.join('.');
}

describe('certificate codes', () => {
  it('round trip: what is signed is read back unchanged (ES256)', async () => {
    const { signer, published } = await setup();
    const code = await signCertificate(content, signer);
    expect(code.split('.')).toHaveLength(3);
    expect(signer.alg).toBe('ES256');
    const r = await verifyCertificate(code, [published]);
    expect(r).toEqual({ ok: true, content, key: published });
  });

  it('round trip with Ed25519', async () => {
    const { signer, published } = await setup('ed25519');
    expect(signer.alg).toBe('Ed25519');
    const r = await verifyCertificate(await signCertificate(content, signer), [published]);
    expect(r.ok && r.content).toEqual(content);
  });

  it('is a standard JWS: the signature checks with node:crypto over header.payload (raw r‖s)', async () => {
    const { signer, publicKey } = await setup();
    const code = await signCertificate(content, signer);
    const [h, p, s] = code.split('.');
    expect(JSON.parse(new TextDecoder().decode(base64UrlDecode(h)))).toEqual({ alg: 'ES256', kid: signer.kid });
    const sig = base64UrlDecode(s);
    expect(sig.length).toBe(64);
    expect(nodeVerify('sha256', Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
  });

  it('rejects a tampered payload: another name, an added dose, a changed date', async () => {
    const { signer, published } = await setup();
    const code = await signCertificate(content, signer);
    const edits: ((o: Record<string, unknown>) => void)[] = [
      (o) => (o.n = 'Nguyễn Văn Khác'),
      (o) => (o.d as unknown[]).push(['pfizer', 'Pfizer', '2022-05-01', 'b2']),
      (o) => ((o.d as string[][])[0][2] = '2021-07-01'),
      (o) => (o.s = 'full'),
    ];
    for (const edit of edits) {
      expect(await verifyCertificate(editPart(code, 1, edit), [published])).toEqual({ ok: false, reason: 'bad_signature' });
    }
    // One character of the payload changed.
    const parts = code.split('.');
    const c = parts[1][10];
    parts[1] = parts[1].slice(0, 10) + (c === 'A' ? 'B' : 'A') + parts[1].slice(11);
    const r = await verifyCertificate(parts.join('.'), [published]);
    expect(r.ok).toBe(false);
    // A flipped bit in the signature.
    const sig = base64UrlDecode(code.split('.')[2]);
    sig[5] ^= 1;
    expect(await verifyCertificate(`${code.split('.').slice(0, 2).join('.')}.${base64UrlEncode(sig)}`, [published])).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a code signed with another key under the same kid (wrong key)', async () => {
    const real = await setup();
    const forger = await setup();
    // The forger claims the province's kid.
    const forged = await signCertificate(content, { ...forger.signer, kid: real.signer.kid });
    expect(await verifyCertificate(forged, [real.published])).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects an unknown kid, and a kid published for another algorithm', async () => {
    const a = await setup();
    const b = await setup();
    const code = await signCertificate(content, a.signer);
    expect(await verifyCertificate(code, [b.published])).toEqual({ ok: false, reason: 'unknown_kid' });
    expect(await verifyCertificate(code, [])).toEqual({ ok: false, reason: 'unknown_kid' });
    const retagged = editPart(code, 0, (h) => (h.alg = 'Ed25519'));
    expect(await verifyCertificate(retagged, [a.published])).toEqual({ ok: false, reason: 'unknown_kid' });
    expect(await verifyCertificate(editPart(code, 0, (h) => (h.alg = 'none')), [a.published])).toEqual({ ok: false, reason: 'unsupported_algorithm' });
  });

  it("rejects a key of one province vouching for another province's certificate", async () => {
    const k = await setup('ec', '38');
    const code = await signCertificate(content, k.signer); // claims iss 20
    expect(await verifyCertificate(code, [k.published])).toEqual({ ok: false, reason: 'issuer_mismatch' });
  });

  it('rejects malformed input without throwing', async () => {
    const { published, signer } = await setup();
    for (const bad of ['', 'abc', 'a.b', 'a.b.c.d', '!!.??.**', 'e30.e30.', '.'.repeat(2), 'x'.repeat(5000), 'eyJhbGciOiJFUzI1NiJ9.e30.AAAA']) {
      const r = await verifyCertificate(bad, [published]);
      expect(r.ok, bad).toBe(false);
    }
    // Signed, but not a certificate of a version this code knows.
    const v2 = await signCertificate({ ...content, version: 2 }, signer);
    expect(await verifyCertificate(v2, [published])).toEqual({ ok: false, reason: 'unsupported_version' });
  });

  it('claims: short on the wire, and strict when read', () => {
    const claims = toClaims(content);
    expect(claims.d).toEqual([
      ['astrazeneca', 'AstraZeneca', '2021-08-02', 'p1'],
      ['astrazeneca', 'AstraZeneca', '2021-10-25', 'p2'],
      ['pfizer', 'Pfizer-BioNTech (Comirnaty)', '2022-01-10', 'b1'],
    ]);
    expect(fromClaims(claims)).toEqual({ ok: true, content });
    expect(fromClaims({ ...claims, b: '5/3/1987' })).toEqual({ ok: false, reason: 'malformed' });
    expect(fromClaims({ ...claims, d: [['x', 'X', '2021-01-01', 'zz']] })).toEqual({ ok: false, reason: 'malformed' });
    expect(fromClaims({ ...claims, s: 'immune' })).toEqual({ ok: false, reason: 'malformed' });
    expect(fromClaims({ ...claims, v: 9 })).toEqual({ ok: false, reason: 'unsupported_version' });
    expect(fromClaims([1, 2])).toEqual({ ok: false, reason: 'malformed' });
    expect(fromClaims({ ...claims, b: null }).ok).toBe(true);
  });

  it('fits a QR code comfortably: a three-dose certificate is well under 1,000 characters', async () => {
    const { signer } = await setup();
    const url = verificationUrl('https://chongdich.langson.gov.vn/', await signCertificate(content, signer));
    expect(url.startsWith('https://chongdich.langson.gov.vn/xac-minh#ey')).toBe(true);
    expect(url.length).toBeLessThan(1000);
  });

  it('the key id is the JWK thumbprint: stable for a key, different for another', async () => {
    const a = newKey();
    const pub = createPublicKey({ key: a.privateJwk as import('node:crypto').JsonWebKey, format: 'jwk' }).export({ format: 'jwk' }) as JsonWebKey;
    expect(await keyId(a.privateJwk)).toBe(await keyId(pub));
    expect(await keyId(a.privateJwk)).not.toBe(await keyId(newKey().privateJwk));
    expect(await keyId(a.privateJwk)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(publicJwk(a.privateJwk)).not.toHaveProperty('d');
    // RFC 7638: SHA-256 of the required members in lexicographic order, no spaces.
    const j = a.privateJwk;
    const thumb = createHash('sha256').update(`{"crv":"P-256","kty":"EC","x":"${j.x}","y":"${j.y}"}`).digest('base64url');
    expect(await keyId(j)).toBe(thumb.slice(0, 16));
  });

  it('extractCode reads a pasted link, a bare code, a code broken over lines', () => {
    expect(extractCode('  https://x.vn/xac-minh#aaa.bbb.ccc \n')).toBe('aaa.bbb.ccc');
    expect(extractCode('aaa.bb\nb.ccc')).toBe('aaa.bbb.ccc');
  });

  it('base64url round trip of every byte value', () => {
    const all = new Uint8Array(256).map((_, i) => i);
    expect(base64UrlDecode(base64UrlEncode(all))).toEqual(all);
    expect(() => base64UrlDecode('a+b/')).toThrow();
  });
});

describe('series status', () => {
  it('a booster dose makes it booster; else the complete primary series full; else partial', () => {
    expect(seriesStatus([{ kind: 'primary_1' }], false)).toBe('partial');
    expect(seriesStatus([{ kind: 'primary_1' }, { kind: 'primary_2' }], true)).toBe('full');
    expect(seriesStatus([{ kind: 'primary_1' }, { kind: 'primary_2' }, { kind: 'booster_1' }], true)).toBe('booster');
    expect(seriesStatus([{ kind: 'primary_1' }, { kind: 'primary_2' }, { kind: 'additional' }], true)).toBe('full');
    expect(seriesStatus([], false)).toBe('partial');
  });
  it('sortDoses lists by date, then by kind', () => {
    const d = sortDoses([
      { date: '2022-01-10', kind: 'booster_1' as const },
      { date: '2021-08-02', kind: 'primary_2' as const },
      { date: '2021-08-02', kind: 'primary_1' as const },
    ]);
    expect(d.map((x) => x.kind)).toEqual(['primary_1', 'primary_2', 'booster_1']);
  });
});
