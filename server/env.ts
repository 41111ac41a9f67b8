/**
 * Reads process.env once into a validated settings object. A bad value stops the server with one
 * line naming the variable: never a silent fallback.
 */
import { readFileSync } from 'node:fs';
import { buildConfig, type CenterConfig } from '../shared/config';

export interface Settings {
  port: number;
  host: string;
  redisUrl: string;
  redisPrefix: string;
  config: CenterConfig;
  ingestToken: string | null;
  adminPassword: string | null;
  allowedOrigins: string[];
  tokenTtlMs: number;
  logLevel: string;
  /** bearer token of GET /metrics; null: the route is 404 (OPERATIONS.md) */
  metricsToken: string | null;
  /** Express `trust proxy` (false: X-Forwarded-For is not believed) */
  trustProxy: boolean | number | string;
  /** Redis Sentinel (REDIS_SENTINELS=host:port,… and REDIS_SENTINEL_NAME); null: REDIS_URL directly */
  sentinels: { hosts: { host: string; port: number }[]; name: string } | null;
  /** SMTP for e-mail notifications (smtp:// or smtps://), or null */
  smtpUrl: string | null;
  /** the address people open the wallboard at, for links in notifications (no trailing slash), or null */
  publicUrl: string | null;
}

export class SettingsError extends Error {}

function fail(msg: string): never {
  throw new SettingsError(msg);
}

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const port = env.PORT ?? '8080';
  if (!/^\d+$/.test(port) || Number(port) > 65535) fail(`PORT: "${port}" is not a port number (0–65535)`);
  const host = env.HOST ?? '0.0.0.0';
  if (!host.trim()) fail('HOST: empty');
  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let u: URL | null = null;
  try {
    u = new URL(redisUrl);
  } catch {
    /* reported below */
  }
  if (!u || !['redis:', 'rediss:'].includes(u.protocol)) fail('REDIS_URL: must be a redis:// or rediss:// URL');
  const redisPrefix = env.REDIS_PREFIX ?? 'hotline:';
  if (!/^[\w:.-]{1,64}$/.test(redisPrefix)) fail('REDIS_PREFIX: use 1–64 letters, digits, _ : . -');
  const ingestToken = env.INGEST_TOKEN || null;
  if (ingestToken !== null && ingestToken.length < 16) fail('INGEST_TOKEN: use at least 16 characters');
  const adminPassword = env.ADMIN_PASSWORD || null;
  if (adminPassword !== null && adminPassword.length < 8) fail('ADMIN_PASSWORD: use at least 8 characters');
  let file: unknown = {};
  if (env.CONFIG_FILE) {
    let text: string;
    try {
      text = readFileSync(env.CONFIG_FILE, 'utf8');
    } catch {
      fail(`CONFIG_FILE: cannot read ${env.CONFIG_FILE}`);
    }
    try {
      file = JSON.parse(text);
    } catch {
      fail(`CONFIG_FILE: ${env.CONFIG_FILE} is not valid JSON`);
    }
  }
  let config: CenterConfig;
  try {
    config = buildConfig(file, env.TZ || 'Asia/Shanghai');
  } catch (err) {
    fail(env.CONFIG_FILE && !String((err as Error).message).startsWith('TZ') ? `CONFIG_FILE ${(err as Error).message}` : (err as Error).message);
  }
  const ttl = env.TOKEN_TTL_HOURS ?? '12';
  if (!/^\d+(\.\d+)?$/.test(ttl) || Number(ttl) <= 0 || Number(ttl) > 24 * 30) fail('TOKEN_TTL_HOURS: a number of hours, up to 720');
  const allowedOrigins = (env.ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const o of allowedOrigins) if (!/^https?:\/\/[^/\s]+$/.test(o)) fail(`ALLOWED_ORIGINS: "${o}" is not an origin like https://host:port`);
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) fail('LOG_LEVEL: one of fatal error warn info debug trace silent');
  const metricsToken = env.METRICS_TOKEN || null;
  if (metricsToken !== null && metricsToken.length < 16) fail('METRICS_TOKEN: use at least 16 characters');
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  let sentinels: Settings['sentinels'] = null;
  if (env.REDIS_SENTINELS) {
    const hosts = env.REDIS_SENTINELS.split(',').map((x) => x.trim()).filter(Boolean).map((x) => {
      const m = /^(\[[0-9a-fA-F:]+\]|[\w.-]+):(\d{1,5})$/.exec(x);
      if (!m || Number(m[2]) > 65535) fail(`REDIS_SENTINELS: "${x}" is not host:port`);
      return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
    });
    if (hosts.length === 0) fail('REDIS_SENTINELS: list host:port,…');
    const name = env.REDIS_SENTINEL_NAME ?? '';
    if (!/^[\w.-]{1,64}$/.test(name)) fail('REDIS_SENTINEL_NAME: the master name the sentinels watch (required with REDIS_SENTINELS)');
    sentinels = { hosts, name };
  }
  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl !== null && !/^smtps?:\/\/[^\s]+$/.test(smtpUrl)) fail('SMTP_URL: must be an smtp:// or smtps:// URL');
  let publicUrl = env.PUBLIC_URL || null;
  if (publicUrl !== null) {
    if (!/^https?:\/\/[^\s]+$/.test(publicUrl)) fail('PUBLIC_URL: must be an http:// or https:// URL');
    publicUrl = publicUrl.replace(/\/+$/, '');
  }
  return {
    port: Number(port),
    host,
    redisUrl,
    redisPrefix,
    config,
    ingestToken,
    adminPassword,
    allowedOrigins,
    tokenTtlMs: Number(ttl) * 3_600_000,
    logLevel,
    metricsToken,
    trustProxy,
    sentinels,
    smtpUrl,
    publicUrl,
  };
}

/**
 * TRUST_PROXY as Express takes it: unset or "false" → off; "true" → every proxy; a number → that many
 * hops; otherwise addresses or subnets ("loopback", "10.0.0.0/8, 127.0.0.1").
 */
function parseTrustProxy(v: string | undefined): boolean | number | string {
  if (v === undefined || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  if (!/^[\w.:/, -]+$/.test(v)) fail('TRUST_PROXY: false, true, a number of hops, or addresses/subnets (e.g. loopback, 10.0.0.0/8)');
  return v;
}
