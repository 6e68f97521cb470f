// Configuration from environment variables; CLI flags of the same name override them.
export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  demoProvince: string;
  /** Share of the realistic demo population to generate (1 = full province). */
  demoScale: number;
  sharedDataDir: string;
  logLevel: string;
  /** Cookies marked Secure (set COOKIE_SECURE=true behind HTTPS). */
  cookieSecure: boolean;
  /** Trust X-Forwarded-* from a reverse proxy: true, a hop count, or addresses (TRUST_PROXY). */
  trustProxy: boolean | number | string;
  sessionHours: number;
  loginMaxFailures: number;
  loginLockMinutes: number;
  /** Login attempts per client address per minute, whatever the usernames (stops username spraying). */
  loginMaxPerAddress: number;
  /** The province's private key for signing vaccination certificates: a PEM file (CERTIFICATE_KEY_FILE) or the PEM itself (CERTIFICATE_KEY); neither: one generated in dataDir. */
  certificateKeyFile?: string;
  certificateKey?: string;
  /** The address citizens reach the site at, for the verification link in certificate QR codes (PUBLIC_URL); absent: the request's own. */
  publicUrl?: string;
}

export function loadConfig(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const base: Config = {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR ?? './data',
    demoProvince: env.DEMO_PROVINCE ?? '20',
    demoScale: Number(env.DEMO_SCALE ?? 1),
    sharedDataDir: env.SHARED_DATA_DIR ?? '../shared/data',
    logLevel: env.LOG_LEVEL ?? 'info',
    cookieSecure: env.COOKIE_SECURE === 'true',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    sessionHours: Number(env.SESSION_HOURS ?? 12),
    loginMaxFailures: Number(env.LOGIN_MAX_FAILURES ?? 5),
    loginLockMinutes: Number(env.LOGIN_LOCK_MINUTES ?? 15),
    loginMaxPerAddress: Number(env.LOGIN_MAX_PER_ADDRESS ?? 60),
    certificateKeyFile: env.CERTIFICATE_KEY_FILE || undefined,
    certificateKey: env.CERTIFICATE_KEY || undefined,
    publicUrl: env.PUBLIC_URL || undefined,
  };
  const merged = { ...base, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  if (!Number.isInteger(merged.port) || merged.port < 0 || merged.port > 65535) throw new Error(`invalid PORT ${merged.port}`);
  if (!(merged.demoScale > 0 && merged.demoScale <= 1)) throw new Error(`DEMO_SCALE must be in (0, 1], got ${merged.demoScale}`);
  if (merged.publicUrl && !/^https?:\/\/[^/\s]+/.test(merged.publicUrl)) throw new Error(`PUBLIC_URL must be an http(s) address, got ${merged.publicUrl}`);
  return merged;
}

function parseTrustProxy(v: string | undefined): boolean | number | string {
  if (!v || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}
