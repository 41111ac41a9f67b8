/**
 * `npm run admin -- <command>`: first set-up and account care on a server without a browser.
 * Talks to the same Redis as the server (REDIS_URL, REDIS_PREFIX). Passwords are read from standard
 * input (one line), never from the command line, so they stay out of shell history and `ps`.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { createRedisClients } from './adapters/redis/connect';
import { RedisAccounts } from './adapters/redis/accounts';
import { RedisAuditLog } from './adapters/redis/audit-log';
import { hashPassword, TokenService } from './auth';
import { readSettings } from './env';
import type { PersonRole } from './ports';

const USAGE = `usage: npm run admin -- <command>
  create-user <username> <lead|director|admin>   password from standard input
  set-password <username>                        password from standard input
  disable-user <username> | enable-user <username>
  list-users
  create-device <name>                           prints the wall display's token once
  list-devices
  revoke-device <id>`;

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password (one line; it is echoed, so prefer piping it in): ');
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

function die(msg: string): never {
  console.error(`admin: ${msg}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const [cmd, ...args] = process.argv.slice(2);
  if (!cmd || cmd === 'help' || cmd === '--help') {
    console.log(USAGE);
    return;
  }
  let settings;
  try {
    settings = readSettings(process.env);
  } catch (err) {
    die((err as Error).message);
  }
  const clients = await createRedisClients(settings.redisUrl, settings.redisPrefix, { connectTimeoutMs: 3000 }).catch(() =>
    die(`Redis is not reachable at ${new URL(settings.redisUrl).host} (REDIS_URL)`),
  );
  const accounts = new RedisAccounts(clients.main, settings.redisPrefix);
  const audit = new RedisAuditLog(clients.main, settings.redisPrefix);
  const now = Date.now();
  const record = (action: string, subject: string) => audit.append({ at: now, actor: 'admin-cli', role: 'system', action, subject });
  try {
    switch (cmd) {
      case 'create-user': {
        const [username, role] = args;
        if (!username || !['lead', 'director', 'admin'].includes(role ?? '')) die('create-user <username> <lead|director|admin>');
        const password = await readPassword();
        if (password.length < 8) die('the password needs at least 8 characters');
        const ok = await accounts.createUser({ username, role: role as PersonRole, passwordHash: await hashPassword(password), disabled: false, createdAt: now, tokensValidAfter: 0 });
        if (!ok) die(`the username "${username}" is taken`);
        await record('user.created', username);
        console.log(`created ${role} ${username}`);
        break;
      }
      case 'set-password':
      case 'disable-user':
      case 'enable-user': {
        const user = await accounts.getUser(args[0] ?? '');
        if (!user) die(`no user "${args[0] ?? ''}"`);
        if (cmd === 'set-password') {
          const password = await readPassword();
          if (password.length < 8) die('the password needs at least 8 characters');
          user.passwordHash = await hashPassword(password);
        } else user.disabled = cmd === 'disable-user';
        user.tokensValidAfter = now;
        await accounts.updateUser(user);
        await record(cmd === 'set-password' ? 'user.password_reset' : cmd === 'disable-user' ? 'user.disabled' : 'user.enabled', user.username);
        console.log(`${cmd}: ${user.username} done (open sessions end within 15 s)`);
        break;
      }
      case 'list-users':
        for (const u of await accounts.listUsers()) console.log(`${u.username}\t${u.role}${u.disabled ? '\tdisabled' : ''}`);
        break;
      case 'create-device': {
        const name = args.join(' ').trim();
        if (!name) die('create-device <name>');
        const { token, hash } = TokenService.newDeviceToken();
        const id = randomUUID();
        await accounts.createDevice({ id, name, tokenHash: hash, createdAt: now, revokedAt: null });
        await record('device.created', id);
        console.log(`device ${id} "${name}"\nopen once on the wall display: /wall?token=${token}`);
        break;
      }
      case 'list-devices':
        for (const x of await accounts.listDevices()) console.log(`${x.id}\t${x.name}${x.revokedAt ? '\trevoked' : ''}`);
        break;
      case 'revoke-device': {
        const d = await accounts.getDevice(args[0] ?? '');
        if (!d) die(`no device "${args[0] ?? ''}"`);
        await accounts.updateDevice({ ...d, revokedAt: d.revokedAt ?? now });
        await record('device.revoked', d.id);
        console.log(`revoked ${d.id} (its screens disconnect within 15 s)`);
        break;
      }
      default:
        die(`unknown command "${cmd}"\n${USAGE}`);
    }
  } finally {
    await clients.close();
  }
}

void main().catch((err) => die(err instanceof Error ? err.message : String(err)));
