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
  return { port: Number(port), host, redisUrl, redisPrefix, config, ingestToken, adminPassword, allowedOrigins, tokenTtlMs: Number(ttl) * 3_600_000, logLevel };
}
