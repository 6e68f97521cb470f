// Vaccination certificates on every database: issued from the registry's doses for a person of
// the caller's jurisdiction, signed, verified with the published key exactly as the browser
// does; a tampered code rejected; no doses → 409 with nothing written; scoping, permissions,
// audit; the printable PDF read back; revocation published; a change of key keeps older
// certificates verifiable.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DB_KINDS } from '../helpers/db.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { base64UrlDecode, base64UrlEncode, extractCode, verifyCertificate, type PublishedKey } from '../../src/domain/vaccination/certificate.ts';
import { generateKeyPem, loadSigningKey, publishKey, publishedKeys, signingKeyFromPem } from '../../src/server/modules/vaccination/signingKey.ts';

async function pdfText(pdf: Buffer): Promise<{ pages: number; text: string }> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  const parts: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    for (const item of content.items) if ('str' in item) parts.push(item.str, item.hasEOL ? '\n' : '');
  }
  const pages = doc.numPages;
  await doc.destroy();
  return { pages, text: parts.join('').normalize('NFC').replace(/\s+/g, ' ') };
}

const n = async (ctx: TestContext, sql: string, params: unknown[] = []) => (await ctx.db.query<{ n: number }>(sql, params)).rows[0].n;

for (const kind of DB_KINDS) {
  describe(`vaccination certificates on ${kind}`, () => {
    let ctx: TestContext;
    let commune: string;
    let vaccinated: { id: number; fullName: string; birthDate: string | null };
    let unvaccinated: number;
    let oneDose: number;
    let outsider: number;
    let certId: number;
    let code: string;

    const keys = async (): Promise<PublishedKey[]> => (await ctx.anonymous().get('/api/public/certificate-keys')).json().keys;

    beforeAll(async () => {
      ctx = await createTestContext(kind, { demoTesting: false });
      commune = ctx.demo.logins.find((l) => l.username === 'xa')!.unitCode;
      const people = await ctx.db.query<{ id: number; fullName: string; birthDate: string | null }>(
        `SELECT id::int AS id, full_name AS "fullName", to_char(birth_date, 'YYYY-MM-DD') AS "birthDate" FROM person p
          WHERE province_code = '20' AND commune_code = $1 AND birth_date < '2000-01-01'
            AND NOT EXISTS (SELECT 1 FROM vaccine_dose d WHERE d.province_code = p.province_code AND d.person_id = p.id)
          ORDER BY id LIMIT 3`,
        [commune],
      );
      [vaccinated] = people.rows;
      unvaccinated = people.rows[1].id;
      oneDose = people.rows[2].id;
      outsider = (await ctx.db.query<{ id: number }>(`SELECT id::int AS id FROM person WHERE province_code = '20' AND commune_code <> $1 ORDER BY id LIMIT 1`, [commune])).rows[0].id;
      // Two AstraZeneca doses and a Pfizer booster, by SQL (the registry's API is another part's).
      const lot = async (product: string, number: string) =>
        (await ctx.db.query<{ id: number }>(`INSERT INTO vaccine_lot (province_code, product_code, lot_number, doses_received) VALUES ('20', $1, $2, 1000) RETURNING id::int AS id`, [product, number])).rows[0].id;
      const az = await lot('astrazeneca', 'CTMAV501');
      const pf = await lot('pfizer', 'FK0108');
      for (const [lotId, product, kindOf, on] of [
        [az, 'astrazeneca', 'primary_1', '2021-08-02'],
        [az, 'astrazeneca', 'primary_2', '2021-10-25'],
        [pf, 'pfizer', 'booster_1', '2022-01-10'],
      ] as const) {
        await ctx.db.query(
          `INSERT INTO vaccine_dose (province_code, person_id, unit_path, commune_code, product_code, lot_id, dose_kind, given_on, site_name, source)
           SELECT '20', p.id, p.unit_path, p.commune_code, $2, $3, $4, $5, 'Trạm Y tế xã', 'entry' FROM person p WHERE p.province_code = '20' AND p.id = $1`,
          [vaccinated.id, product, lotId, kindOf, on],
        );
      }
    });
    afterAll(async () => ctx?.close());

    it('publishes the province key without a login: an ES256 JWK with its kid, no private part', async () => {
      const res = await ctx.anonymous().get('/api/public/certificate-keys');
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toContain('public');
      const body = res.json();
      const k = body.keys.find((x: PublishedKey) => x.provinceCode === '20');
      expect(k).toMatchObject({ alg: 'ES256', active: true, jwk: { kty: 'EC', crv: 'P-256', kid: k.kid, use: 'sig' } });
      expect(k.jwk).not.toHaveProperty('d');
      expect(k.provinceName).toMatch(/Lạng Sơn/);
      expect(body.revoked).toEqual({});
    });

    it('a commune officer issues a certificate; it verifies against the published key as the browser checks it', async () => {
      const xa = await ctx.as('xa');
      const before = await n(ctx, `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'vaccination_certificate' AND action = 'create' AND outcome = 'ok'`);
      const res = await xa.post(`/api/vaccination/people/${vaccinated.id}/certificates`);
      expect(res.statusCode, res.body).toBe(201);
      const c = res.json();
      certId = c.id;
      code = c.code;
      expect(c.url).toBe(`http://localhost:80/xac-minh#${c.code}`);
      expect(c.status).toBe('booster');
      expect(c.content.doses.map((d: { kind: string; date: string; productCode: string }) => [d.kind, d.date, d.productCode])).toEqual([
        ['primary_1', '2021-08-02', 'astrazeneca'],
        ['primary_2', '2021-10-25', 'astrazeneca'],
        ['booster_1', '2022-01-10', 'pfizer'],
      ]);
      const r = await verifyCertificate(extractCode(c.url), await keys());
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.content).toMatchObject({ id: certId, issuerCode: '20', fullName: vaccinated.fullName.normalize('NFC'), birthDate: vaccinated.birthDate, status: 'booster' });
      expect(r.content.doses).toHaveLength(3);
      // Stored: what was signed and the code itself; audited as a creation.
      const row = (await ctx.db.query<{ payload: unknown; kid: string }>(`SELECT payload, kid FROM vaccination_certificate WHERE province_code = '20' AND id = $1`, [certId])).rows[0];
      const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as { jws: string; claims: { n: string } };
      expect(payload.jws).toBe(code);
      expect(row.kid).toBe(r.key.kid);
      expect(await n(ctx, `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'vaccination_certificate' AND action = 'create' AND outcome = 'ok'`)).toBe(before + 1);
      expect(await n(ctx, `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'vaccination_certificate' AND entity_id = $1 AND username = 'xa'`, [String(certId)])).toBe(1);
    });

    it('a tampered code is rejected: another name, another date, a signature of another key', async () => {
      const published = await keys();
      const [h, p, s] = code.split('.');
      const claims = JSON.parse(new TextDecoder().decode(base64UrlDecode(p)));
      const forged = (edit: (c: Record<string, unknown>) => void) => {
        const copy = structuredClone(claims);
        edit(copy);
        return `${h}.${base64UrlEncode(new TextEncoder().encode(JSON.stringify(copy)))}.${s}`;
      };
      expect(await verifyCertificate(forged((c) => (c.n = 'Trần Văn Giả')), published)).toEqual({ ok: false, reason: 'bad_signature' });
      expect(await verifyCertificate(forged((c) => ((c.d as string[][])[0][2] = '2021-06-01')), published)).toEqual({ ok: false, reason: 'bad_signature' });
      const other = await signingKeyFromPem(generateKeyPem(), { kind: 'env' });
      const { signCertificate } = await import('../../src/domain/vaccination/certificate.ts');
      const r = await verifyCertificate(code, published);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const byOther = await signCertificate(r.content, other);
      expect(await verifyCertificate(byOther, published)).toEqual({ ok: false, reason: 'unknown_kid' });
      expect(await verifyCertificate(await signCertificate(r.content, { ...other, kid: r.key.kid }), published)).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('one dose of a two-dose product is partial; Janssen alone is a complete series (the schedule engine\'s rule)', async () => {
      const xa = await ctx.as('xa');
      const lot = (await ctx.db.query<{ id: number }>(`INSERT INTO vaccine_lot (province_code, product_code, lot_number, doses_received) VALUES ('20', 'janssen', 'JNJ-1', 10) RETURNING id::int AS id`)).rows[0].id;
      const azLot = (await ctx.db.query<{ id: number }>(`SELECT id::int AS id FROM vaccine_lot WHERE province_code = '20' AND lot_number = 'CTMAV501'`)).rows[0].id;
      const give = (product: string, lotId: number) =>
        ctx.db.query(
          `INSERT INTO vaccine_dose (province_code, person_id, unit_path, commune_code, product_code, lot_id, dose_kind, given_on)
           SELECT '20', id, unit_path, commune_code, $2, $3, 'primary_1', '2021-09-01' FROM person WHERE province_code = '20' AND id = $1`,
          [oneDose, product, lotId],
        );
      await give('astrazeneca', azLot);
      expect((await xa.post(`/api/vaccination/people/${oneDose}/certificates`)).json().status).toBe('partial');
      await ctx.db.query(`DELETE FROM vaccine_dose WHERE province_code = '20' AND person_id = $1`, [oneDose]);
      await give('janssen', lot);
      expect((await xa.post(`/api/vaccination/people/${oneDose}/certificates`)).json().status).toBe('full');
    });

    it('refuses a person without doses with 409 no_doses, and writes nothing', async () => {
      const xa = await ctx.as('xa');
      const before = await n(ctx, `SELECT count(*)::int AS n FROM vaccination_certificate`);
      const res = await xa.post(`/api/vaccination/people/${unvaccinated}/certificates`);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.fields[0]).toMatchObject({ field: 'personId', code: 'no_doses' });
      expect(res.json().error.fields[0].message).toMatch(/chưa có mũi tiêm/);
      expect(await n(ctx, `SELECT count(*)::int AS n FROM vaccination_certificate`)).toBe(before);
    });

    it('scoping: a person of another commune is not found (audited), nothing written; no certify permission → 403; bad id → 400', async () => {
      const xa = await ctx.as('xa');
      const before = await n(ctx, `SELECT count(*)::int AS n FROM vaccination_certificate`);
      const res = await xa.post(`/api/vaccination/people/${outsider}/certificates`);
      expect(res.statusCode).toBe(404);
      expect(await n(ctx, `SELECT count(*)::int AS n FROM vaccination_certificate`)).toBe(before);
      expect(await n(ctx, `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'vaccination_certificate' AND outcome = 'not_found' AND details->>'personId' = $1`, [String(outsider)])).toBe(1);
      // The neighbouring commune's officer does not see the certificate either.
      expect((await (await ctx.as('xaben')).get(`/api/vaccination/certificates/${certId}`)).statusCode).toBe(404);
      expect((await (await ctx.as('xaben')).get(`/api/vaccination/certificates/${certId}/pdf`)).statusCode).toBe(404);
      expect((await (await ctx.as('xaben')).get(`/api/vaccination/people/${vaccinated.id}/certificates`)).statusCode).toBe(404);
      // Community teams and viewers read, they do not certify.
      expect((await (await ctx.as('tocovid')).post(`/api/vaccination/people/${vaccinated.id}/certificates`)).statusCode).toBe(403);
      expect((await (await ctx.as('xem')).post(`/api/vaccination/people/${vaccinated.id}/certificates`)).statusCode).toBe(403);
      expect((await ctx.anonymous().post(`/api/vaccination/people/${vaccinated.id}/certificates`)).statusCode).toBe(401);
      expect((await xa.post(`/api/vaccination/people/abc/certificates`)).statusCode).toBe(400);
      expect((await xa.post(`/api/vaccination/people/0/certificates`)).statusCode).toBe(400);
      expect((await xa.get(`/api/vaccination/certificates/99999999`)).statusCode).toBe(404);
      expect(await n(ctx, `SELECT count(*)::int AS n FROM vaccination_certificate`)).toBe(before);
    });

    it("lists a person's certificates (audited read) and the district sees them too", async () => {
      const huyen = await ctx.as('huyen');
      const res = await huyen.get(`/api/vaccination/people/${vaccinated.id}/certificates`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ doses: 3, certificates: [{ id: certId, status: 'booster', doses: 3, issuedBy: 'xa', revokedAt: null }] });
      expect(res.json().certificates[0]).not.toHaveProperty('code');
      expect(await n(ctx, `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'vaccination_certificate' AND action = 'read' AND username = 'huyen'`)).toBe(1);
      const one = await huyen.get(`/api/vaccination/certificates/${certId}`);
      expect(one.json().code).toBe(code);
      expect((await huyen.get(`/api/vaccination/people/${unvaccinated}/certificates`)).json()).toEqual({ certificates: [], doses: 0 });
    });

    it('prints an A4 PDF in Vietnamese that parses, with the person, the doses with lots, the status; audited as an export', async () => {
      const xa = await ctx.as('xa');
      const res = await xa.get(`/api/vaccination/certificates/${certId}/pdf`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const pdf = res.rawPayload;
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const { pages, text } = await pdfText(pdf);
      expect(pages).toBe(1);
      expect(text).toContain('GIẤY CHỨNG NHẬN TIÊM CHỦNG VẮC XIN PHÒNG COVID-19');
      expect(text).toContain(vaccinated.fullName.normalize('NFC').toLocaleUpperCase('vi'));
      expect(text).toContain(`Số / No.: ${certId}/GCN-TCCOVID`);
      expect(text).toContain('Đã tiêm đủ liều cơ bản và mũi nhắc lại');
      for (const s of ['Mũi 1', 'Mũi 2', 'Mũi nhắc lại lần 1', '02/08/2021', '25/10/2021', '10/01/2022', 'CTMAV501', 'FK0108', 'Trạm Y tế xã']) expect(text).toContain(s);
      expect(await n(ctx, `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'vaccination_certificate' AND action = 'export' AND outcome = 'ok' AND entity_id = $1`, [String(certId)])).toBe(1);
    });

    it('a certificate issued in error is revoked by a manager and published as revoked; a commune officer may not revoke', async () => {
      const xa = await ctx.as('xa');
      const second = (await xa.post(`/api/vaccination/people/${vaccinated.id}/certificates`)).json();
      expect((await xa.post(`/api/vaccination/certificates/${second.id}/revoke`, { reason: 'cấp nhầm' })).statusCode).toBe(403);
      const huyen = await ctx.as('huyen');
      expect((await huyen.post(`/api/vaccination/certificates/${second.id}/revoke`, { reason: '' })).statusCode).toBe(400);
      const res = await huyen.post(`/api/vaccination/certificates/${second.id}/revoke`, { reason: 'Cấp nhầm, đã cấp lại' });
      expect(res.statusCode, res.body).toBe(200);
      expect((await ctx.anonymous().get('/api/public/certificate-keys')).json().revoked).toEqual({ '20': [second.id] });
      expect((await huyen.get(`/api/vaccination/people/${vaccinated.id}/certificates`)).json().certificates[0]).toMatchObject({ id: second.id, revokedAt: expect.any(String) });
      expect((await huyen.post(`/api/vaccination/certificates/99999999/revoke`, { reason: 'không có' })).statusCode).toBe(404);
    });

    it('a new key for the province retires the old one, which stays published: older certificates still verify', async () => {
      const next = await signingKeyFromPem(generateKeyPem(), { kind: 'env' });
      await ctx.db.tx((q) => publishKey(q, '20', next));
      const list = (await publishedKeys(ctx.db)).filter((k) => k.provinceCode === '20');
      expect(list[0]).toMatchObject({ kid: next.kid, active: true });
      expect(list.slice(1).every((k) => !k.active && k.retiredAt)).toBe(true);
      expect((await verifyCertificate(code, list)).ok).toBe(true);
    });
  });
}

describe('the signing key configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chongdich-key-'));
  it('generates a key into the data directory once, then reuses it', async () => {
    const warnings: string[] = [];
    const log = { warn: (_o: object, m: string) => warnings.push(m), info: () => {} };
    const a = await loadSigningKey({ dataDir: join(dir, 'data') }, log);
    const b = await loadSigningKey({ dataDir: join(dir, 'data') }, log);
    expect(a.source.kind).toBe('generated');
    expect(b.source.kind).toBe('data_dir');
    expect(b.kid).toBe(a.kid);
    expect(warnings).toHaveLength(1);
  });
  it('reads a configured PEM file or variable (ES256 or Ed25519), and refuses another kind of key clearly', async () => {
    const file = join(dir, 'province.pem');
    writeFileSync(file, generateKeyPem('Ed25519'));
    const k = await loadSigningKey({ dataDir: dir, certificateKeyFile: file });
    expect(k).toMatchObject({ alg: 'Ed25519', source: { kind: 'file', path: file } });
    const pem = generateKeyPem();
    const fromEnv = await loadSigningKey({ dataDir: dir, certificateKey: pem.replace(/\n/g, '\\n') });
    expect(fromEnv).toMatchObject({ alg: 'ES256', source: { kind: 'env' } });
    await expect(loadSigningKey({ dataDir: dir, certificateKeyFile: join(dir, 'missing.pem') })).rejects.toThrow(/cannot read CERTIFICATE_KEY_FILE .*ENOENT/);
    await expect(loadSigningKey({ dataDir: dir, certificateKey: 'not a key' })).rejects.toThrow(/CERTIFICATE_KEY.*not a PEM private key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    await expect(loadSigningKey({ dataDir: dir, certificateKey: rsa })).rejects.toThrow(/P-256 \(ES256\) or Ed25519.*rsa/);
  });
});
