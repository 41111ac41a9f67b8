/**
 * Stand-ins for where notifications go: one local HTTP server playing 企业微信, 钉钉 and 飞书 robots
 * and plain webhooks (by path), recording every request and answering as each platform does (or as
 * a test scripts it), and an SMTP server (smtp-server) recording every message with its envelope,
 * its headers and its text decoded.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface RobotRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** the raw query string, without `?` */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export type Reply = { status: number; body: string; delayMs?: number } | 'hang';

export interface Robots {
  url: string;
  received: RobotRequest[];
  /** the requests to one path, in order */
  at(path: string): RobotRequest[];
  /** how the n-th request (1-based) to `path` is answered; default: the platform's success */
  script(path: string, reply: (n: number) => Reply): void;
  close(): Promise<void>;
}

/** 企业微信 and 钉钉 answer {"errcode":0,"errmsg":"ok"}, 飞书 {"code":0,…}; a webhook 200. */
function success(path: string): Reply {
  if (path.startsWith('/wecom') || path.startsWith('/dingtalk')) return { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };
  if (path.startsWith('/feishu')) return { status: 200, body: '{"code":0,"msg":"success","data":{}}' };
  return { status: 200, body: '{"ok":true}' };
}

export async function startRobots(): Promise<Robots> {
  const received: RobotRequest[] = [];
  const scripts = new Map<string, (n: number) => Reply>();
  const counts = new Map<string, number>();
  const hanging = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const [path = '', rawQuery = ''] = (req.url ?? '').split('?', 2) as [string, string?];
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* kept as text */
      }
      received.push({ method: req.method ?? '', path, query: new URLSearchParams(rawQuery), rawQuery, headers: req.headers, body });
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const reply = scripts.get(path)?.(n) ?? success(path);
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      const send = () => res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    at: (path) => received.filter((r) => r.path === path),
    script: (path, reply) => void scripts.set(path, reply),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Mail {
  from: string;
  to: string[];
  /** the headers, unfolded, encoded words decoded */
  headers: Map<string, string>;
  subject: string;
  /** the text body, decoded */
  text: string;
  raw: string;
}

export interface MailPeer {
  url: string;
  mails: Mail[];
  close(): Promise<void>;
}

function qBytes(data: string, underscoreIsSpace: boolean): Buffer {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (c === '=' && /^[0-9A-F]{2}$/i.test(data.slice(i + 1, i + 3))) {
      out.push(parseInt(data.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '_' && underscoreIsSpace) out.push(0x20);
    else out.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(out);
}

/** A header value with RFC 2047 encoded words decoded (adjacent words joined, as the RFC says). */
export function decodeHeader(value: string): string {
  return value.replace(/(?:=\?[^?]+\?[bq]\?[^?]*\?=\s*)+/gi, (run) => {
    const parts = [...run.matchAll(/=\?[^?]+\?([bq])\?([^?]*)\?=/gi)].map(([, enc, data]) => (enc!.toLowerCase() === 'b' ? Buffer.from(data!, 'base64') : qBytes(data!, true)));
    return Buffer.concat(parts).toString('utf8') + (/\s+$/.exec(run)?.[0] ?? '');
  });
}

/** Headers and text of a single-part message as nodemailer writes one. */
export function parseMail(raw: string): { headers: Map<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).toLowerCase(), decodeHeader(line.slice(i + 1).trim()));
  }
  const cte = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  let text: string;
  if (cte === 'base64') text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else if (cte === 'quoted-printable') text = qBytes(body.replace(/=\r\n/g, ''), false).toString('utf8');
  else text = body;
  return { headers, text: text.replace(/\r\n/g, '\n').replace(/\n$/, '') };
}

/** An SMTP server on a free port, no TLS, no authentication; every message kept. */
export async function startSmtp(): Promise<MailPeer> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const { headers, text } = parseMail(raw);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), headers, subject: headers.get('subject') ?? '', text, raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
