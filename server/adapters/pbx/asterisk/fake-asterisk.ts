/**
 * A scripted Asterisk for tests and the demo: a small model of app_queue (queues, members, callers
 * waiting, talks, the Completed/Abandoned counters) behind a real AMI server on node:net. Each change
 * to the model sends the AMI events Asterisk sends for it (reference §1.4, §1.5), with the fields in
 * Asterisk's order, to every session logged in with the `agent` class; `QueueStatus` answers from the
 * model (§1.6). A test can drop the connection, refuse new ones while the model moves on (a gap),
 * switch to LF line ends, split writes mid-character, or go silent.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { AmiMessage, AmiParser } from './ami-parser';

type Fields = [string, string | number][];

export interface FakeMember {
  queue: string;
  iface: string;
  stateIface: string;
  name: string;
  membership: 'dynamic' | 'static';
  paused: boolean;
  reason: string;
  loginTime: number;
  lastPause: number;
  lastCall: number;
  callsTaken: number;
  inCall: boolean;
  status: number;
  wrapUp: number;
}

export interface FakeCaller {
  uniqueid: string;
  channel: string;
  number: string;
  name: string;
  queue: string;
  joinedAt: number;
  originalPosition: number;
  /** the member answering, once connected */
  member: string | null;
  connectedAt: number | null;
}

export interface FakeAsteriskOptions {
  username?: string;
  secret?: string;
  now?: () => number;
  /** `timestampevents=yes` (default true) */
  timestamps?: boolean;
  lineEnd?: '\r\n' | '\n';
  version?: string;
}

interface Conn {
  socket: Socket;
  parser: AmiParser;
  loggedIn: boolean;
  classes: Set<string>;
  /** writes queued behind the second half of a split message (order on the wire is kept) */
  queued: Buffer[] | null;
}

export class FakeAsterisk {
  readonly username: string;
  secret: string;
  timestamps: boolean;
  lineEnd: '\r\n' | '\n';
  readonly banner: string;
  /** new connections are closed at once (the PBX unreachable) */
  refusing = false;
  /** answers nothing and sends nothing (a dead peer) */
  silent = false;
  /** where the next message is split into two TCP writes (a byte offset, or one picked from its bytes); then reset */
  splitNext: number | ((bytes: Buffer) => number) | null = null;
  /** logins seen (good and bad) */
  logins: { username: string; ok: boolean; events: string | undefined }[] = [];
  /** actions received, in order */
  actions: string[] = [];
  /** AMI messages written (all connections) */
  messagesWritten = 0;

  readonly queues = new Map<string, { completed: number; abandoned: number; strategy: string }>();
  /** members by `queue|iface` */
  readonly members = new Map<string, FakeMember>();
  /** callers in a queue or in talk, by Uniqueid */
  readonly callers = new Map<string, FakeCaller>();

  private server: Server | null = null;
  private readonly conns = new Set<Conn>();
  private readonly now: () => number;
  private seq = 0;

  constructor(o: FakeAsteriskOptions = {}) {
    this.username = o.username ?? 'wallboard';
    this.secret = o.secret ?? 'secret-12319';
    this.now = o.now ?? Date.now;
    this.timestamps = o.timestamps ?? true;
    this.lineEnd = o.lineEnd ?? '\r\n';
    this.banner = `Asterisk Call Manager/${o.version ?? '9.0.0'}`;
  }

  /** Listens on 127.0.0.1 (port 0: any free port); resolves with the port. */
  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = createServer((s) => this.accept(s));
      this.server = server;
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  }

  /** Closes every connection and the listener. */
  async close(): Promise<void> {
    this.dropAll();
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  /** The peer closes every connection (the adapter sees the PBX hang up). */
  dropAll(): void {
    for (const c of this.conns) c.socket.destroy();
    this.conns.clear();
  }

  /** The port it listens on. */
  get port(): number {
    return (this.server?.address() as { port: number } | null)?.port ?? 0;
  }

  /** Sessions logged in now. */
  get sessions(): number {
    return [...this.conns].filter((c) => c.loggedIn).length;
  }

  // ------------------------------------------------------------------ wire

  private accept(socket: Socket): void {
    if (this.refusing) {
      socket.destroy();
      return;
    }
    const c: Conn = { socket, parser: new AmiParser({ banner: false }), loggedIn: false, classes: new Set(), queued: null };
    this.conns.add(c);
    socket.on('close', () => this.conns.delete(c));
    socket.on('error', () => this.conns.delete(c));
    socket.write(`${this.banner}\r\n`);
    socket.on('data', (chunk: Buffer) => {
      let msgs: AmiMessage[];
      try {
        msgs = c.parser.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const m of msgs) this.action(c, m);
    });
  }

  private write(c: Conn, fields: Fields): void {
    if (this.silent || c.socket.destroyed) return;
    const bytes = Buffer.from(AmiMessage.encode(fields, this.lineEnd), 'utf8');
    this.messagesWritten++;
    if (c.queued) {
      c.queued.push(bytes);
      return;
    }
    const at = typeof this.splitNext === 'function' ? this.splitNext(bytes) : this.splitNext;
    if (at !== null && at > 0 && at < bytes.length) {
      this.splitNext = null;
      c.socket.write(bytes.subarray(0, at));
      // the rest in another TCP write, after the first half has gone out; later messages queue behind it
      c.queued = [bytes.subarray(at)];
      setTimeout(() => {
        const rest = c.queued ?? [];
        c.queued = null;
        if (!c.socket.destroyed) for (const b of rest) c.socket.write(b);
      }, 5);
      return;
    }
    c.socket.write(bytes);
  }

  private stamp(): Fields {
    return this.timestamps ? [['Timestamp', (this.now() / 1000).toFixed(6)]] : [];
  }

  /** Sends an event of class `cls` to every session that asked for it. */
  event(name: string, body: Fields, cls = 'agent'): void {
    const fields: Fields = [['Event', name], ['Privilege', `${cls},all`], ...this.stamp(), ...body];
    for (const c of this.conns) if (c.loggedIn && (c.classes.has(cls) || c.classes.has('all'))) this.write(c, fields);
  }

  /** Raw bytes to every logged-in session (tests of odd framing). */
  raw(bytes: Buffer | string): void {
    for (const c of this.conns) if (c.loggedIn && !this.silent) c.socket.write(bytes);
  }

  private action(c: Conn, m: AmiMessage): void {
    const action = (m.get('Action') ?? '').toLowerCase();
    const actionId = m.get('ActionID');
    const idf: Fields = actionId !== undefined ? [['ActionID', actionId]] : [];
    this.actions.push(action);
    if (this.silent) return;
    if (action === 'login') {
      const ok = m.get('Username') === this.username && m.get('Secret') === this.secret;
      this.logins.push({ username: m.get('Username') ?? '', ok, events: m.get('Events') });
      if (!ok) {
        this.write(c, [['Response', 'Error'], ...idf, ['Message', 'Authentication failed']]);
        c.socket.end();
        return;
      }
      c.loggedIn = true;
      // Events: on | off | a class list; absent = everything the user may read
      const ev = (m.get('Events') ?? 'on').toLowerCase();
      c.classes = ev === 'off' ? new Set() : ev === 'on' || ev === '' ? new Set(['all']) : new Set(ev.split(',').map((x) => x.trim()));
      this.write(c, [['Response', 'Success'], ...idf, ['Message', 'Authentication accepted']]);
      if (c.classes.has('system') || c.classes.has('all')) this.write(c, [['Event', 'FullyBooted'], ['Privilege', 'system,all'], ...this.stamp(), ['Uptime', 3600], ['LastReload', 3600], ['Status', 'Fully Booted']]);
      return;
    }
    if (!c.loggedIn) {
      this.write(c, [['Response', 'Error'], ...idf, ['Message', 'Permission denied']]);
      return;
    }
    if (action === 'ping') return this.write(c, [['Response', 'Success'], ...idf, ['Ping', 'Pong'], ['Timestamp', (this.now() / 1000).toFixed(6)]]);
    if (action === 'logoff') {
      this.write(c, [['Response', 'Goodbye'], ...idf, ['Message', 'Thanks for all the fish.']]);
      c.socket.end();
      return;
    }
    if (action === 'queuestatus') return this.queueStatus(c, idf);
    this.write(c, [['Response', 'Error'], ...idf, ['Message', 'Invalid/unknown command']]);
  }

  private queueStatus(c: Conn, idf: Fields): void {
    this.write(c, [['Response', 'Success'], ...idf, ['EventList', 'start'], ['Message', 'Queue status will follow']]);
    let items = 0;
    const t = Math.floor(this.now() / 1000);
    for (const [name, q] of this.queues) {
      const waiting = [...this.callers.values()].filter((x) => x.queue === name && x.member === null);
      items++;
      this.write(c, [
        ['Event', 'QueueParams'], ['Queue', name], ['Max', 0], ['Strategy', q.strategy], ['Calls', waiting.length], ['Holdtime', 0], ['TalkTime', 0],
        ['Completed', q.completed], ['Abandoned', q.abandoned], ['ServiceLevel', 15], ['ServicelevelPerf', '0.0'], ['ServicelevelPerf2', '0.0'], ['Weight', 0], ...idf,
      ]);
      for (const mem of this.members.values()) {
        if (mem.queue !== name) continue;
        items++;
        this.write(c, [
          ['Event', 'QueueMember'], ['Queue', name], ['Name', mem.name], ['Location', mem.iface], ['StateInterface', mem.stateIface], ['Membership', mem.membership],
          ['Penalty', 0], ['CallsTaken', mem.callsTaken], ['LastCall', mem.lastCall], ['LastPause', mem.lastPause], ['LoginTime', mem.loginTime], ['InCall', mem.inCall ? 1 : 0],
          ['Status', mem.status], ['Paused', mem.paused ? 1 : 0], ['PausedReason', mem.reason], ['Wrapuptime', mem.wrapUp], ...idf,
        ]);
      }
      waiting.forEach((x, i) => {
        items++;
        this.write(c, [
          ['Event', 'QueueEntry'], ['Queue', name], ['Position', i + 1], ['Channel', x.channel], ['Uniqueid', x.uniqueid], ['CallerIDNum', x.number || 'unknown'],
          ['CallerIDName', x.name || 'unknown'], ['ConnectedLineNum', 'unknown'], ['ConnectedLineName', 'unknown'], ['Wait', t - Math.floor(x.joinedAt / 1000)], ['Priority', 0], ...idf,
        ]);
      });
    }
    this.write(c, [['Event', 'QueueStatusComplete'], ...idf, ['EventList', 'Complete'], ['ListItems', items]]);
  }

  // ------------------------------------------------------------------ the model

  queue(name: string, strategy = 'rrmemory'): this {
    if (!this.queues.has(name)) this.queues.set(name, { completed: 0, abandoned: 0, strategy });
    return this;
  }

  private member(queue: string, iface: string): FakeMember {
    const m = this.members.get(`${queue}|${iface}`);
    if (!m) throw new Error(`no member ${iface} in ${queue}`);
    return m;
  }

  private memberFields(m: FakeMember): Fields {
    return [
      ['Queue', m.queue], ['MemberName', m.name], ['Interface', m.iface], ['StateInterface', m.stateIface], ['Membership', m.membership], ['Penalty', 0],
      ['CallsTaken', m.callsTaken], ['LastCall', m.lastCall], ['LastPause', m.lastPause], ['LoginTime', m.loginTime], ['InCall', m.inCall ? 1 : 0],
      ['Status', m.status], ['Paused', m.paused ? 1 : 0], ['PausedReason', m.reason], ['Ringinuse', 0], ['Wrapuptime', m.wrapUp],
    ];
  }

  private channelFields(x: FakeCaller, prefix = ''): Fields {
    return [
      [`${prefix}Channel`, x.channel], [`${prefix}ChannelState`, 6], [`${prefix}ChannelStateDesc`, 'Up'], [`${prefix}CallerIDNum`, x.number || '<unknown>'],
      [`${prefix}CallerIDName`, x.name || '<unknown>'], [`${prefix}ConnectedLineNum`, '<unknown>'], [`${prefix}ConnectedLineName`, '<unknown>'], [`${prefix}Language`, 'zh'],
      [`${prefix}AccountCode`, ''], [`${prefix}Context`, 'from-trunk'], [`${prefix}Exten`, '12319'], [`${prefix}Priority`, 1], [`${prefix}Uniqueid`, x.uniqueid], [`${prefix}Linkedid`, x.uniqueid],
    ];
  }

  private agentLeg(x: FakeCaller, m: FakeMember): Fields {
    const leg: FakeCaller = { ...x, channel: `${m.stateIface}-${(++this.seq).toString(16).padStart(8, '0')}`, number: m.iface.split('/')[1] ?? '', name: m.name, uniqueid: `${x.uniqueid}${this.seq}` };
    return this.channelFields(leg, 'Dest');
  }

  private memberByIface(iface: string, queue: string): FakeMember {
    return this.member(queue, iface);
  }

  /** A member added to a queue (QueueAdd / AddQueueMember, or a static member from queues.conf when `static`). */
  addMember(queue: string, iface: string, name: string, o: { paused?: boolean; reason?: string; wrapUp?: number; stateIface?: string; static?: boolean } = {}): void {
    this.queue(queue);
    const t = Math.floor(this.now() / 1000);
    const m: FakeMember = {
      queue, iface, stateIface: o.stateIface ?? iface, name, membership: o.static ? 'static' : 'dynamic', paused: o.paused ?? false, reason: o.reason ?? '',
      loginTime: t, lastPause: o.paused ? t : 0, lastCall: 0, callsTaken: 0, inCall: false, status: 1, wrapUp: o.wrapUp ?? 0,
    };
    this.members.set(`${queue}|${iface}`, m);
    if (!o.static) this.event('QueueMemberAdded', this.memberFields(m));
  }

  removeMember(queue: string, iface: string): void {
    const m = this.member(queue, iface);
    this.members.delete(`${queue}|${iface}`);
    this.event('QueueMemberRemoved', this.memberFields(m));
  }

  /** Pause or unpause in one queue, or in every queue of the member (queue null, like QueuePause without Queue). */
  pause(queue: string | null, iface: string, paused: boolean, reason = ''): void {
    const list = [...this.members.values()].filter((m) => m.iface === iface && (queue === null || m.queue === queue));
    for (const m of list) {
      m.paused = paused;
      m.reason = paused ? reason : '';
      if (paused) m.lastPause = Math.floor(this.now() / 1000);
      this.event('QueueMemberPause', this.memberFields(m));
    }
  }

  /** A caller enters a queue (QueueCallerJoin). */
  join(queue: string, uniqueid: string, number = '', name = ''): void {
    this.queue(queue);
    const position = [...this.callers.values()].filter((x) => x.queue === queue && x.member === null).length + 1;
    const old = this.callers.get(uniqueid);
    const x: FakeCaller = old ? Object.assign(old, { queue, joinedAt: this.now(), member: null, connectedAt: null, originalPosition: position }) : { uniqueid, channel: `PJSIP/trunk-${uniqueid.replace('.', '')}`, number, name, queue, joinedAt: this.now(), originalPosition: position, member: null, connectedAt: null };
    this.callers.set(uniqueid, x);
    this.event('QueueCallerJoin', [...this.channelFields(x), ['Queue', queue], ['Position', position], ['Count', position]]);
  }

  private caller(uniqueid: string): FakeCaller {
    const x = this.callers.get(uniqueid);
    if (!x) throw new Error(`no caller ${uniqueid}`);
    return x;
  }

  /** A member's phone rings for a caller (AgentCalled, then the device state). */
  ring(uniqueid: string, iface: string): void {
    const x = this.caller(uniqueid);
    const m = this.memberByIface(iface, x.queue);
    this.event('AgentCalled', [...this.channelFields(x), ...this.agentLeg(x, m), ['Queue', x.queue], ['Interface', m.iface], ['MemberName', m.name]]);
    m.status = 6;
    this.event('QueueMemberStatus', this.memberFields(m));
  }

  ringNoAnswer(uniqueid: string, iface: string, ringMs = 15000): void {
    const x = this.caller(uniqueid);
    const m = this.memberByIface(iface, x.queue);
    this.event('AgentRingNoAnswer', [...this.channelFields(x), ...this.agentLeg(x, m), ['Queue', x.queue], ['Interface', m.iface], ['MemberName', m.name], ['RingTime', ringMs]]);
    m.status = 1;
    this.event('QueueMemberStatus', this.memberFields(m));
  }

  /** The member answers: QueueCallerLeave first, then AgentConnect (app_queue's order). */
  connect(uniqueid: string, iface: string): void {
    const x = this.caller(uniqueid);
    const m = this.memberByIface(iface, x.queue);
    const position = [...this.callers.values()].filter((y) => y.queue === x.queue && y.member === null).indexOf(x) + 1;
    x.member = `${x.queue}|${iface}`;
    x.connectedAt = this.now();
    const count = [...this.callers.values()].filter((y) => y.queue === x.queue && y.member === null).length;
    this.event('QueueCallerLeave', [...this.channelFields(x), ['Queue', x.queue], ['Position', position], ['Count', count]]);
    const hold = Math.floor((x.connectedAt - x.joinedAt) / 1000);
    this.event('AgentConnect', [...this.channelFields(x), ...this.agentLeg(x, m), ['Queue', x.queue], ['Interface', m.iface], ['MemberName', m.name], ['HoldTime', hold], ['RingTime', 3]]);
    m.inCall = true;
    m.status = 2;
    this.event('QueueMemberStatus', this.memberFields(m));
  }

  /** The talk ends (AgentComplete; `transfer` for a blind or attended transfer). */
  complete(uniqueid: string, reason: 'caller' | 'agent' | 'transfer' = 'caller'): void {
    const x = this.caller(uniqueid);
    if (!x.member || x.connectedAt === null) throw new Error(`caller ${uniqueid} is not in talk`);
    const m = this.members.get(x.member)!;
    const q = this.queues.get(x.queue)!;
    const hold = Math.floor((x.connectedAt - x.joinedAt) / 1000);
    const talk = Math.floor((this.now() - x.connectedAt) / 1000);
    this.event('AgentComplete', [...this.channelFields(x), ...this.agentLeg(x, m), ['Queue', x.queue], ['Interface', m.iface], ['MemberName', m.name], ['HoldTime', hold], ['TalkTime', talk], ['Reason', reason]]);
    q.completed++;
    m.inCall = false;
    m.lastCall = Math.floor(this.now() / 1000);
    m.callsTaken++;
    m.status = 1;
    this.callers.delete(uniqueid);
    this.event('QueueMemberStatus', this.memberFields(m));
  }

  /** The member hangs up during the announcement, before the bridge: the caller stays in the queue. */
  dump(uniqueid: string, iface: string): void {
    const x = this.caller(uniqueid);
    const m = this.memberByIface(iface, x.queue);
    this.event('AgentDump', [...this.channelFields(x), ...this.agentLeg(x, m), ['Queue', x.queue], ['Interface', m.iface], ['MemberName', m.name]]);
    m.status = 1;
  }

  /** The caller hangs up while waiting (or the queue times out: AMI says QueueCallerAbandon for both). */
  abandon(uniqueid: string): void {
    const x = this.caller(uniqueid);
    const q = this.queues.get(x.queue)!;
    const waiting = [...this.callers.values()].filter((y) => y.queue === x.queue && y.member === null);
    const position = waiting.indexOf(x) + 1;
    this.event('QueueCallerAbandon', [...this.channelFields(x), ['Queue', x.queue], ['Position', position], ['OriginalPosition', x.originalPosition], ['HoldTime', Math.floor((this.now() - x.joinedAt) / 1000)]]);
    q.abandoned++;
    this.callers.delete(uniqueid);
    this.event('QueueCallerLeave', [...this.channelFields(x), ['Queue', x.queue], ['Position', position], ['Count', waiting.length - 1]]);
  }

  /** A queue time-out (EXITWITHTIMEOUT): app_queue records it as abandoned too. */
  timeout(uniqueid: string): void {
    this.abandon(uniqueid);
  }
}
