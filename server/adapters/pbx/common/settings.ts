/**
 * An adapter's settings from the environment (ADAPTERS.md). A missing or bad value stops the
 * process with one line naming the variable.
 */
import { SettingsError } from '../../../env';

export interface AdapterSettings {
  name: string;
  host: string;
  port: number;
  /** AMI user (Asterisk); null for FreeSWITCH */
  username: string | null;
  secret: string;
  /** PBX queue → wallboard queue; null: every queue, as `general` */
  queues: Map<string, string> | null;
  /** where events go: Redis, or the wallboard's HTTP ingest */
  target: { kind: 'redis'; url: string; prefix: string } | { kind: 'http'; url: string; token: string };
  logLevel: string;
}

function fail(msg: string): never {
  throw new SettingsError(msg);
}

/** `hotline=general,expert=specialist` → Map; names may be any text but `=` and `,`. */
export function parseQueueMap(variable: string, text: string | undefined): Map<string, string> | null {
  if (text === undefined || text.trim() === '') return null;
  const map = new Map<string, string>();
  for (const part of text.split(',')) {
    const m = /^\s*([^=\s][^=]*?)\s*=\s*([\w-]{1,64})\s*$/.exec(part);
    if (!m) fail(`${variable}: "${part.trim()}" is not pbxQueue=wallboardQueue`);
    if (map.has(m[1]!)) fail(`${variable}: queue "${m[1]}" is listed twice`);
    map.set(m[1]!, m[2]!);
  }
  return map;
}

export function readAdapterSettings(kind: 'asterisk' | 'freeswitch', env: NodeJS.ProcessEnv): AdapterSettings {
  const P = kind === 'asterisk' ? 'AMI' : 'ESL';
  const name = env.ADAPTER_NAME ?? kind;
  if (!/^[\w.-]{1,64}$/.test(name)) fail('ADAPTER_NAME: use 1–64 letters, digits, _ . -');
  const host = env[`${P}_HOST`] ?? '127.0.0.1';
  if (!host.trim()) fail(`${P}_HOST: empty`);
  const portText = env[`${P}_PORT`] ?? (kind === 'asterisk' ? '5038' : '8021');
  if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) fail(`${P}_PORT: "${portText}" is not a port number`);
  const username = kind === 'asterisk' ? env.AMI_USERNAME || fail('AMI_USERNAME: required (the manager.conf user)') : null;
  const secret = kind === 'asterisk' ? env.AMI_SECRET || fail('AMI_SECRET: required') : env.ESL_PASSWORD || fail('ESL_PASSWORD: required (event_socket.conf password)');
  const queues = parseQueueMap(`${P}_QUEUES`, env[`${P}_QUEUES`]);
  let target: AdapterSettings['target'];
  if (env.INGEST_URL) {
    let u: URL | null = null;
    try {
      u = new URL(env.INGEST_URL);
    } catch {
      /* below */
    }
    if (!u || !['http:', 'https:'].includes(u.protocol)) fail('INGEST_URL: must be the wallboard\'s http(s):// base URL');
    const token = env.INGEST_TOKEN || fail('INGEST_TOKEN: required with INGEST_URL');
    target = { kind: 'http', url: env.INGEST_URL, token };
  } else {
    const url = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    if (!/^rediss?:\/\//.test(url)) fail('REDIS_URL: must be a redis:// or rediss:// URL');
    const prefix = env.REDIS_PREFIX ?? 'hotline:';
    if (!/^[\w:.-]{1,64}$/.test(prefix)) fail('REDIS_PREFIX: use 1–64 letters, digits, _ : . -');
    target = { kind: 'redis', url, prefix };
  }
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) fail('LOG_LEVEL: one of fatal error warn info debug trace silent');
  return { name, host, port: Number(portText), username, secret, queues, target, logLevel };
}

/** The wallboard queue for a PBX queue, or null when the queue is not mapped (its events are ignored). */
export function mapQueue(queues: Map<string, string> | null, pbxQueue: string): string | null {
  if (queues === null) return 'general';
  return queues.get(pbxQueue) ?? null;
}
