/**
 * `npm run admin -- <command>`: first set-up and account care on a server without a browser.
 * Talks to the same Redis as the server (REDIS_URL, REDIS_PREFIX). Passwords are read from standard
 * input (one line), never from the command line, so they stay out of shell history and `ps`.
 */
import { createInterface } from 'node:readline';
import { AccountError, accountsService, parseRole, parseUsername, type Actor } from './accounts-service';
import { createRedisClients } from './adapters/redis/connect';
import { RedisAccounts } from './adapters/redis/accounts';
import { RedisAuditLog } from './adapters/redis/audit-log';
import { readSettings } from './env';
import { systemClock } from './ports';

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
  // The same rules as the HTTP routes (username, password, last admin, audit): the CLI only maps
  // a refusal to one line and exit code 2. No sockets here; other nodes drop theirs within 15 s.
  const service = accountsService({
    accounts: new RedisAccounts(clients.main, settings.redisPrefix),
    audit: new RedisAuditLog(clients.main, settings.redisPrefix),
    clock: systemClock,
  });
  const actor: Actor = { name: 'admin-cli', role: 'system' };
  let refused: string | null = null;
  try {
    switch (cmd) {
      case 'create-user': {
        const [rawName, rawRole] = args;
        if (!rawName || !rawRole) die('create-user <username> <lead|director|admin>');
        // checked before the password is asked for; the service checks them again
        parseUsername(rawName);
        parseRole(rawRole);
        const { username, role } = await service.createUser(actor, { username: rawName, role: rawRole, password: await readPassword() });
        console.log(`created ${role} ${username}`);
        break;
      }
      case 'set-password': {
        const user = await service.changeUser(actor, args[0] ?? '', { password: await readPassword() });
        console.log(`set-password: ${user.username} done (open sessions end within 15 s)`);
        break;
      }
      case 'disable-user': {
        const user = await service.changeUser(actor, args[0] ?? '', { disabled: true });
        console.log(`disable-user: ${user.username} done (open sessions end within 15 s)`);
        break;
      }
      case 'enable-user': {
        const user = await service.changeUser(actor, args[0] ?? '', { disabled: false });
        console.log(`enable-user: ${user.username} done`);
        break;
      }
      case 'list-users':
        for (const u of await service.listUsers()) console.log(`${u.username}\t${u.role}${u.disabled ? '\tdisabled' : ''}`);
        break;
      case 'create-device': {
        const { device, token } = await service.createDevice(actor, args.join(' '));
        console.log(`device ${device.id} "${device.name}"\nopen once on the wall display: /wall?token=${token}`);
        break;
      }
      case 'list-devices':
        for (const x of await service.listDevices()) console.log(`${x.id}\t${x.name}${x.revokedAt ? '\trevoked' : ''}`);
        break;
      case 'revoke-device': {
        const { device, alreadyRevoked } = await service.revokeDevice(actor, args[0] ?? '');
        console.log(alreadyRevoked ? `${device.id} was already revoked` : `revoked ${device.id} (its screens disconnect within 15 s)`);
        break;
      }
      default:
        die(`unknown command "${cmd}"\n${USAGE}`);
    }
  } catch (err) {
    // a refused action is one line and exit 2, like a usage error; anything else goes to the handler below
    if (!(err instanceof AccountError)) throw err;
    refused = err.message;
  } finally {
    await clients.close();
  }
  if (refused !== null) die(refused);
}

void main().catch((err) => die(err instanceof Error ? err.message : String(err)));
