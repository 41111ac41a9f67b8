/**
 * Users, wall devices, the token secret and revoked tokens on Redis, shared by every node:
 * `<prefix>users` (username → JSON), `<prefix>devices` (id → JSON), `<prefix>devices:by-token`
 * (token hash → id), `<prefix>token-secret`, `<prefix>revoked:<tokenId>`.
 */
import { randomBytes } from 'node:crypto';
import type { Accounts, DeviceRecord, UserRecord } from '../../ports';
import type { RedisClient } from './connect';

/** Accounts on Redis. */
export class RedisAccounts implements Accounts {
  readonly #users: string;
  readonly #devices: string;
  readonly #devicesByToken: string;
  readonly #secretKey: string;
  readonly #revokedPrefix: string;
  #secret: Buffer | null = null;

  constructor(
    private readonly main: RedisClient,
    prefix: string,
  ) {
    this.#users = `${prefix}users`;
    this.#devices = `${prefix}devices`;
    this.#devicesByToken = `${prefix}devices:by-token`;
    this.#secretKey = `${prefix}token-secret`;
    this.#revokedPrefix = `${prefix}revoked:`;
  }

  async getUser(username: string): Promise<UserRecord | null> {
    const json = await this.main.hGet(this.#users, username);
    return json == null ? null : (JSON.parse(json) as UserRecord);
  }

  async createUser(user: UserRecord): Promise<boolean> {
    // HSETNX decides a race between two nodes creating the same name.
    const created = await this.main.hSetNX(this.#users, user.username, JSON.stringify(user));
    return Number(created) === 1;
  }

  async updateUser(user: UserRecord): Promise<void> {
    await this.main.hSet(this.#users, user.username, JSON.stringify(user));
  }

  async listUsers(): Promise<UserRecord[]> {
    const all = await this.main.hVals(this.#users);
    return all.map((json) => JSON.parse(json) as UserRecord).sort((a, b) => a.username.localeCompare(b.username));
  }

  /** True when an enabled admin exists: a disabled one cannot manage anything. */
  async hasAdmin(): Promise<boolean> {
    return (await this.listUsers()).some((u) => u.role === 'admin' && !u.disabled);
  }

  async createDevice(device: DeviceRecord): Promise<void> {
    await this.main
      .multi()
      .hSet(this.#devices, device.id, JSON.stringify(device))
      .hSet(this.#devicesByToken, device.tokenHash, device.id)
      .exec();
  }

  async getDeviceByTokenHash(tokenHash: string): Promise<DeviceRecord | null> {
    const id = await this.main.hGet(this.#devicesByToken, tokenHash);
    if (id == null) return null;
    const device = await this.getDevice(id);
    // The index may outlive a token change; only a device still holding this hash counts.
    return device && device.tokenHash === tokenHash ? device : null;
  }

  async getDevice(id: string): Promise<DeviceRecord | null> {
    const json = await this.main.hGet(this.#devices, id);
    return json == null ? null : (JSON.parse(json) as DeviceRecord);
  }

  async updateDevice(device: DeviceRecord): Promise<void> {
    const old = await this.getDevice(device.id);
    const multi = this.main
      .multi()
      .hSet(this.#devices, device.id, JSON.stringify(device))
      .hSet(this.#devicesByToken, device.tokenHash, device.id);
    if (old && old.tokenHash !== device.tokenHash) multi.hDel(this.#devicesByToken, old.tokenHash);
    await multi.exec();
  }

  async listDevices(): Promise<DeviceRecord[]> {
    const all = await this.main.hVals(this.#devices);
    return all.map((json) => JSON.parse(json) as DeviceRecord).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async tokenSecret(): Promise<Buffer> {
    if (this.#secret) return this.#secret;
    // SET NX then GET: whichever node comes first wins, and every node signs with the winner's bytes.
    await this.main.set(this.#secretKey, randomBytes(32).toString('base64'), { condition: 'NX' });
    const stored = await this.main.get(this.#secretKey);
    if (stored == null) throw new Error('redis: token secret vanished right after it was set');
    const secret = Buffer.from(stored, 'base64');
    if (secret.length < 32) throw new Error(`redis: ${this.#secretKey} holds fewer than 32 bytes`);
    this.#secret = secret;
    return secret;
  }

  async revokeToken(tokenId: string, expiresAt: number): Promise<void> {
    // A token past its expiry is refused anyway; remembering it would only leak keys.
    if (expiresAt <= Date.now()) return;
    const key = this.#revokedPrefix + tokenId;
    await this.main.multi().set(key, '1').pExpireAt(key, Math.ceil(expiresAt)).exec();
  }

  async isTokenRevoked(tokenId: string): Promise<boolean> {
    return (await this.main.exists(this.#revokedPrefix + tokenId)) === 1;
  }
}
