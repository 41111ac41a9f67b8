/**
 * Accounts in process memory. Records are copied in and out so that callers mutating an object they
 * got cannot change the store behind its back, the way they could not with Redis either.
 */
import { randomBytes } from 'node:crypto';
import { systemClock, type Accounts, type Clock, type DeviceRecord, type UserRecord } from '../../ports';

/** Accounts in memory. `secret` fixes the token secret (tests); otherwise 32 random bytes per instance. */
export class MemoryAccounts implements Accounts {
  readonly #users = new Map<string, UserRecord>();
  readonly #devices = new Map<string, DeviceRecord>();
  readonly #devicesByToken = new Map<string, string>();
  /** token id → when it would have expired */
  readonly #revoked = new Map<string, number>();
  readonly #secret: Buffer;

  constructor(
    private readonly clock: Clock = systemClock,
    secret?: Buffer,
  ) {
    this.#secret = secret ? Buffer.from(secret) : randomBytes(32);
  }

  async getUser(username: string): Promise<UserRecord | null> {
    const user = this.#users.get(username);
    return user ? { ...user } : null;
  }

  async createUser(user: UserRecord): Promise<boolean> {
    if (this.#users.has(user.username)) return false;
    this.#users.set(user.username, { ...user });
    return true;
  }

  async updateUser(user: UserRecord): Promise<void> {
    this.#users.set(user.username, { ...user });
  }

  async listUsers(): Promise<UserRecord[]> {
    return [...this.#users.values()].map((u) => ({ ...u })).sort((a, b) => a.username.localeCompare(b.username));
  }

  /** True when an enabled admin exists: a disabled one cannot manage anything. */
  async hasAdmin(): Promise<boolean> {
    return [...this.#users.values()].some((u) => u.role === 'admin' && !u.disabled);
  }

  async createDevice(device: DeviceRecord): Promise<void> {
    this.#devices.set(device.id, { ...device });
    this.#devicesByToken.set(device.tokenHash, device.id);
  }

  async getDeviceByTokenHash(tokenHash: string): Promise<DeviceRecord | null> {
    const id = this.#devicesByToken.get(tokenHash);
    return id === undefined ? null : this.getDevice(id);
  }

  async getDevice(id: string): Promise<DeviceRecord | null> {
    const device = this.#devices.get(id);
    return device ? { ...device } : null;
  }

  async updateDevice(device: DeviceRecord): Promise<void> {
    const old = this.#devices.get(device.id);
    if (old && old.tokenHash !== device.tokenHash) this.#devicesByToken.delete(old.tokenHash);
    this.#devices.set(device.id, { ...device });
    this.#devicesByToken.set(device.tokenHash, device.id);
  }

  async listDevices(): Promise<DeviceRecord[]> {
    return [...this.#devices.values()]
      .map((d) => ({ ...d }))
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async tokenSecret(): Promise<Buffer> {
    return Buffer.from(this.#secret);
  }

  async revokeToken(tokenId: string, expiresAt: number): Promise<void> {
    const now = this.clock.now();
    // Forget what has expired anyway, so a long demo does not grow the map without bound.
    for (const [id, at] of this.#revoked) if (at <= now) this.#revoked.delete(id);
    if (expiresAt > now) this.#revoked.set(tokenId, expiresAt);
  }

  async isTokenRevoked(tokenId: string): Promise<boolean> {
    const expiresAt = this.#revoked.get(tokenId);
    return expiresAt !== undefined && expiresAt > this.clock.now();
  }
}
