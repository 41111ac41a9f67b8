/**
 * People sign in with a password (scrypt, salted) and get a signed session token that expires;
 * wall displays hold a device token whose hash is stored. Every node verifies tokens with the same
 * secret, which lives in the Accounts store.
 */
import { createHash, createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Accounts, Clock, PersonRole, Role } from './ports';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const DEVICE_PREFIX = 'dev_';

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const got = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** A burned-in hash to compare against when the user does not exist, so timing does not tell. */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  return (dummyHash ??= hashPassword(randomBytes(12).toString('hex')));
}

export interface Principal {
  kind: 'user' | 'device';
  /** username, or the device's name */
  name: string;
  role: Role;
  /** session token id (users) or device id */
  id: string;
  expiresAt: number | null;
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class TokenService {
  constructor(
    private readonly accounts: Accounts,
    private readonly clock: Clock,
    private readonly ttlMs = 12 * 3_600_000,
  ) {}

  async issue(username: string, role: PersonRole): Promise<{ token: string; expiresAt: number; id: string }> {
    const iat = this.clock.now();
    const payload = { sub: username, role, iat, exp: iat + this.ttlMs, jti: randomBytes(12).toString('base64url') };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const sig = createHmac('sha256', await this.accounts.tokenSecret()).update(body).digest('base64url');
    return { token: `${body}.${sig}`, expiresAt: payload.exp, id: payload.jti };
  }

  /** A new device token; only its hash is stored. */
  static newDeviceToken(): { token: string; hash: string } {
    const token = DEVICE_PREFIX + randomBytes(24).toString('base64url');
    return { token, hash: sha256(token) };
  }

  /** The principal behind a token, or null for anything not valid right now. */
  async verify(token: unknown): Promise<Principal | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 1024) return null;
    if (token.startsWith(DEVICE_PREFIX)) {
      const d = await this.accounts.getDeviceByTokenHash(sha256(token));
      if (!d || d.revokedAt !== null) return null;
      return { kind: 'device', name: d.name, role: 'wall', id: d.id, expiresAt: null };
    }
    const [body, sig] = token.split('.');
    if (!body || !sig) return null;
    const expected = createHmac('sha256', await this.accounts.tokenSecret()).update(body).digest();
    const given = Buffer.from(sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let p: { sub?: unknown; role?: unknown; iat?: unknown; exp?: unknown; jti?: unknown };
    try {
      p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (typeof p.sub !== 'string' || typeof p.exp !== 'number' || typeof p.iat !== 'number' || typeof p.jti !== 'string') return null;
    if (p.exp <= this.clock.now()) return null;
    const user = await this.accounts.getUser(p.sub);
    if (!user || user.disabled || p.iat < user.tokensValidAfter) return null;
    if (await this.accounts.isTokenRevoked(p.jti)) return null;
    return { kind: 'user', name: user.username, role: user.role, id: p.jti, expiresAt: p.exp };
  }
}
