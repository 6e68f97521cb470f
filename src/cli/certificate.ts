// `chongdich certificate-key generate FILE`: a new private key for signing vaccination
// certificates, written with mode 0600 (never over an existing file). The province keeps it out of
// the repository and the database and points CERTIFICATE_KEY_FILE at it; the server publishes its
// public half (docs/vaccination.md, "Certificates").
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { generateKeyPem, signingKeyFromPem } from '../server/modules/vaccination/signingKey.ts';

export function registerCertificateCommands(program: Command) {
  program
    .command('certificate-key')
    .description('signing keys for vaccination certificates')
    .command('generate <file>')
    .description('write a new private key (PEM, mode 0600) and print its key id and public JWK')
    .addOption(new Option('--algorithm <alg>', 'signature algorithm').choices(['ES256', 'Ed25519']).default('ES256'))
    .action(async (file: string, opts: { algorithm: 'ES256' | 'Ed25519' }) => {
      const path = resolve(file);
      if (existsSync(path)) throw new Error(`${path} đã có, không ghi đè / already exists, not overwritten`);
      const pem = generateKeyPem(opts.algorithm);
      writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
      const k = await signingKeyFromPem(pem, { kind: 'file', path });
      console.log(`Khóa ký mới / new signing key: ${path}`);
      console.log(`  kid ${k.kid} (${k.alg})`);
      console.log(`  public JWK ${JSON.stringify({ ...k.publicJwk, kid: k.kid })}`);
      console.log(`Dùng / use: CERTIFICATE_KEY_FILE=${path} npx chongdich serve`);
    });
}
