// The province's key for signing vaccination certificates (docs/vaccination.md, "Certificates").
// The private key is the province's: a PEM file (CERTIFICATE_KEY_FILE) or the PEM in an
// environment variable (CERTIFICATE_KEY), never in the repository or the database. With neither,
// a key is generated on first use into the data directory (demo, first start) and the log says
// so. Its public half is published in certificate_key: every key a province ever signed with stays
// listed (the former ones retired), so certificates signed before a change of key still verify.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../../config.ts';
import type { Queryable } from '../../db/index.ts';
import { importSigningKey, publicJwk, type CertificateAlgorithm, type PublishedKey } from '../../../domain/vaccination/certificate.ts';

export const GENERATED_KEY_FILE = 'certificate-signing-key.pem';

export interface SigningKey {
  key: CryptoKey;
  alg: CertificateAlgorithm;
  kid: string;
  publicJwk: JsonWebKey;
  /** Where it came from, for the log: the configured file, the variable, or the generated file. */
  source: { kind: 'file' | 'env' | 'generated' | 'data_dir'; path?: string };
}

/** A new private key in PKCS#8 PEM: ES256 (P-256) by default, or Ed25519. */
export function generateKeyPem(alg: CertificateAlgorithm = 'ES256'): string {
  const pair = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** Reads a private key from PEM text; an error that names what is wrong (never the key). */
export async function signingKeyFromPem(pem: string, source: SigningKey['source']): Promise<SigningKey> {
  let ko: KeyObject;
  try {
    // An environment variable may carry the line breaks as "\n".
    ko = createPrivateKey(pem.includes('\\n') && !pem.includes('\n') ? pem.replace(/\\n/g, '\n') : pem);
  } catch {
    throw new Error(`certificate signing key (${describe(source)}): not a PEM private key`);
  }
  const jwk = ko.export({ format: 'jwk' }) as JsonWebKey;
  let imported;
  try {
    imported = await importSigningKey(jwk);
  } catch {
    throw new Error(`certificate signing key (${describe(source)}): must be an EC P-256 (ES256) or Ed25519 private key, got ${ko.asymmetricKeyType}${jwk.crv ? ' ' + jwk.crv : ''}`);
  }
  return { ...imported, publicJwk: publicJwk(jwk), source };
}

const describe = (s: SigningKey['source']) => (s.kind === 'env' ? 'CERTIFICATE_KEY' : s.path ?? s.kind);

/**
 * The configured key; else the one generated earlier in the data directory; else a new one
 * written there (mode 0600, created exclusively so two processes starting at once share it).
 */
export async function loadSigningKey(config: Pick<Config, 'certificateKey' | 'certificateKeyFile' | 'dataDir'>, log?: { warn: (o: object, msg: string) => void; info: (o: object, msg: string) => void }): Promise<SigningKey> {
  if (config.certificateKey) return signingKeyFromPem(config.certificateKey, { kind: 'env' });
  if (config.certificateKeyFile) {
    const path = resolve(config.certificateKeyFile);
    let pem: string;
    try {
      pem = readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(`certificate signing key: cannot read CERTIFICATE_KEY_FILE ${path} (${(e as NodeJS.ErrnoException).code ?? e})`);
    }
    return signingKeyFromPem(pem, { kind: 'file', path });
  }
  const path = join(resolve(config.dataDir), GENERATED_KEY_FILE);
  try {
    return await signingKeyFromPem(readFileSync(path, 'utf8'), { kind: 'data_dir', path });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, generateKeyPem('ES256'), { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const key = await signingKeyFromPem(readFileSync(path, 'utf8'), { kind: 'generated', path });
  log?.warn(
    { path, kid: key.kid },
    'Chưa cấu hình khóa ký giấy chứng nhận tiêm chủng: đã tạo một khóa trong thư mục dữ liệu (chỉ dùng cho demo). No certificate signing key configured (CERTIFICATE_KEY_FILE / CERTIFICATE_KEY): generated one in the data directory, fit for a demo only',
  );
  return key;
}

/**
 * Publishes the key for a province: added when new, made the active one; any other active key of
 * the province is retired (still listed, so what it signed still verifies).
 */
export async function publishKey(q: Queryable, provinceCode: string, k: Pick<SigningKey, 'kid' | 'alg' | 'publicJwk'>): Promise<void> {
  await q.query(
    `INSERT INTO certificate_key (province_code, kid, algorithm, public_key_jwk, active) VALUES ($1, $2, $3, $4, true)
     ON CONFLICT (province_code, kid) DO UPDATE SET active = true, retired_at = NULL WHERE NOT certificate_key.active`,
    [provinceCode, k.kid, k.alg, JSON.stringify(k.publicJwk)],
  );
  await q.query(`UPDATE certificate_key SET active = false, retired_at = now() WHERE province_code = $1 AND kid <> $2 AND active`, [provinceCode, k.kid]);
}

/** Every province's published keys, the active one first. */
export async function publishedKeys(q: Queryable): Promise<(PublishedKey & { createdAt: string })[]> {
  const r = await q.query<{ kid: string; alg: CertificateAlgorithm; provinceCode: string; provinceName: string; jwk: JsonWebKey | string; active: boolean; createdAt: Date | string; retiredAt: Date | string | null }>(
    `SELECT k.kid, k.algorithm AS alg, k.province_code AS "provinceCode", p.name AS "provinceName", k.public_key_jwk AS jwk, k.active,
            k.created_at AS "createdAt", k.retired_at AS "retiredAt"
       FROM certificate_key k JOIN province p ON p.province_code = k.province_code
      ORDER BY k.province_code, k.active DESC, k.created_at DESC, k.kid`,
  );
  const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();
  return r.rows.map((k) => {
    const jwk = typeof k.jwk === 'string' ? (JSON.parse(k.jwk) as JsonWebKey) : k.jwk;
    return {
      kid: k.kid,
      alg: k.alg,
      provinceCode: k.provinceCode,
      provinceName: k.provinceName,
      jwk: { ...publicJwk(jwk), kid: k.kid, alg: k.alg === 'ES256' ? 'ES256' : 'EdDSA', use: 'sig' } as JsonWebKey,
      active: k.active,
      createdAt: iso(k.createdAt),
      retiredAt: k.retiredAt == null ? null : iso(k.retiredAt),
    };
  });
}
