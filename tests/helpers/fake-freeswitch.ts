/**
 * A scripted FreeSWITCH for the adapter's tests: a real TCP server (node:net, port 0) speaking the
 * inbound event socket as mod_event_socket does (docs/telephony.md, reference §2.1): `auth/request`,
 * `command/reply`, `api/response` with `callcenter_config` `|` tables, `text/event-plain` events
 * URL-encoded like `switch_url_encode`, `text/disconnect-notice`. Behind it a small model of
 * mod_callcenter's tables (agents, members, tiers) that the story methods change, firing the
 * events in the order mod_callcenter does (reference §2.4). While no subscribed connection is up,
 * the model still changes and the events are lost — as in a real gap.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** `switch_url_encode`: the unsafe set plus every byte < 0x20 or > 0x7E, as %XX of the UTF-8 bytes. */
export function switchUrlEncode(value: string): string {
  const unsafe = '\r\n #%&+:;<=>?@[\\]^`{|}"';
  let out = '';
  for (const b of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(b);
    out += b < 0x20 || b > 0x7e || unsafe.includes(c) ? `%${b.toString(16).toUpperCase().padStart(2, '0')}` : c;
  }
  return out;
}

/** One `text/event-plain` frame (Content-Length first, as mod_event_socket writes it). */
export function eventFrame(headers: [string, string][], body?: string): Buffer {
  let text = headers.map(([k, v]) => `${k}: ${v === '' ? '_undef_' : switchUrlEncode(v)}\n`).join('');
  if (body !== undefined) text += `Content-Length: ${Buffer.byteLength(body)}\n\n${body}`;
  else text += '\n';
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\nContent-Type: text/event-plain\n\n`), bytes]);
}

export function apiFrame(body: string): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(`Content-Type: api/response\nContent-Length: ${bytes.length}\n\n`), bytes]);
}

export const replyFrame = (text: string) => Buffer.from(`Content-Type: command/reply\nReply-Text: ${text}\n\n`);

export type AgentStatus = 'Logged Out' | 'Available' | 'Available (On Demand)' | 'On Break';

export interface FsAgent {
  name: string;
  status: AgentStatus;
  state: string;
  wrap_up_time: number;
  last_bridge_start: number;
  last_bridge_end: number;
  last_offered_call: number;
  last_status_change: number;
  calls_answered: number;
}

export interface FsMember {
  queue: string;
  uuid: string;
  session_uuid: string;
  cid_number: string;
  cid_name: string;
  joined_epoch: number;
  bridge_epoch: number;
  serving_agent: string;
  state: 'Waiting' | 'Trying' | 'Answered' | 'Abandoned';
}

const AGENT_COLUMNS = 'name|instance_id|uuid|type|contact|status|state|max_no_answer|wrap_up_time|reject_delay_time|busy_delay_time|no_answer_delay_time|last_bridge_start|last_bridge_end|last_offered_call|last_status_change|no_answer_count|calls_answered|talk_time|ready_time|external_calls_count';
const MEMBER_COLUMNS = 'queue|instance_id|uuid|session_uuid|cid_number|cid_name|system_epoch|joined_epoch|rejoined_epoch|bridge_epoch|abandoned_epoch|base_score|skill_score|serving_agent|serving_system|state|score';

export interface FakeFreeswitchOptions {
  password?: string;
  /** how NULL columns print (reference §6: not verified whether empty or "(null)") */
  nullAs?: '' | '(null)';
  /** write each frame in pieces of this many bytes, with a pause between (TCP chunks mid-character) */
  chunkBytes?: number;
  /** send a HEARTBEAT this often while subscribed (FreeSWITCH: every 20 s); none by default */
  heartbeatMs?: number;
}

export class FakeFreeswitch {
  readonly agents = new Map<string, FsAgent>();
  readonly members = new Map<string, FsMember>();
  readonly tiers: { queue: string; agent: string; state: string; level: number; position: number }[] = [];
  readonly queues = new Set<string>();
  /** every command received, in order (auth passwords included) */
  readonly commands: string[] = [];
  /** connections accepted */
  accepted = 0;
  /** events written to a subscribed connection / fired while none was */
  sent = 0;
  lost = 0;
  /** the story clock: epoch ms, whole seconds */
  t = 0;
  /** when true, new connections are closed at once (FreeSWITCH down) */
  refusing = false;
  /** when true, nothing is sent (not even HEARTBEATs): a silent peer */
  silent = false;
  port = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private subscribed: Socket | null = null;
  private seq = 1000;
  private writing: Promise<void> = Promise.resolve();
  private beat: NodeJS.Timeout | null = null;

  constructor(private readonly o: FakeFreeswitchOptions = {}) {}

  get password(): string {
    return this.o.password ?? 'ClueCon';
  }

  async start(): Promise<void> {
    this.server = createServer((s) => this.accept(s));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
    if (this.o.heartbeatMs) this.beat = setInterval(() => this.up && this.heartbeat(), this.o.heartbeatMs);
  }

  async stop(): Promise<void> {
    if (this.beat) clearInterval(this.beat);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** the link is up and subscribed */
  get up(): boolean {
    return this.subscribed !== null && !this.subscribed.destroyed;
  }

  /** Drops the connection mid-story (as a network failure would: no goodbye). */
  drop(): void {
    const s = this.subscribed;
    this.subscribed = null;
    s?.destroy();
  }

  /** Says goodbye the way `exit` does, then closes. */
  goodbye(): void {
    const s = this.subscribed;
    this.subscribed = null;
    if (!s) return;
    const body = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
    void this.write(s, Buffer.from(`Content-Type: text/disconnect-notice\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`)).then(() => s.end());
  }

  /** Resolves when every frame written so far has been handed to the socket. */
  flushed(): Promise<void> {
    return this.writing;
  }

  private accept(s: Socket): void {
    this.accepted++;
    this.sockets.add(s);
    s.on('close', () => {
      this.sockets.delete(s);
      if (this.subscribed === s) this.subscribed = null;
    });
    s.on('error', () => {});
    if (this.refusing) {
      s.destroy();
      return;
    }
    s.setNoDelay(true);
    let buf = '';
    let authed = false;
    s.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
        const cmd = buf.slice(0, i).trim();
        buf = buf.slice(i + 2);
        this.commands.push(cmd);
        if (!authed) {
          if (cmd === `auth ${this.password}`) {
            authed = true;
            void this.write(s, replyFrame('+OK accepted'));
          } else {
            void this.write(s, replyFrame('-ERR invalid')).then(() => s.end());
          }
          continue;
        }
        this.command(s, cmd);
      }
    });
    void this.write(s, Buffer.from('Content-Type: auth/request\n\n'));
  }

  private command(s: Socket, cmd: string): void {
    if (cmd.startsWith('event plain ')) {
      this.subscribed = s;
      void this.write(s, replyFrame('+OK event listener enabled plain'));
    } else if (cmd === 'api version') {
      void this.write(s, apiFrame('FreeSWITCH Version 1.10.12-release~64bit (-release 64bit)\n'));
    } else if (cmd.startsWith('api callcenter_config ')) {
      void this.write(s, apiFrame(this.table(cmd.slice('api callcenter_config '.length))));
    } else if (cmd === 'exit') {
      void this.write(s, replyFrame('+OK bye')).then(() => s.end());
    } else {
      void this.write(s, replyFrame('-ERR command not found'));
    }
  }

  private nil(v: string | number): string {
    return v === '' ? (this.o.nullAs ?? '') : String(v);
  }

  /** The `callcenter_config` tables as list_result_callback prints them. */
  private table(args: string): string {
    const rows = (columns: string, values: (string | number)[][]) => (values.length === 0 ? '+OK\n' : `${columns}\n${values.map((v) => v.map((x) => this.nil(x)).join('|')).join('\n')}\n+OK\n`);
    if (args === 'agent list') {
      return rows(
        AGENT_COLUMNS,
        [...this.agents.values()].map((a) => [a.name, 'single_box', '', 'callback', `{call_timeout=20}user/${a.name}`, a.status, a.state, 3, a.wrap_up_time, 10, 60, 0, a.last_bridge_start, a.last_bridge_end, a.last_offered_call, a.last_status_change, 0, a.calls_answered, 0, 0, 0]),
      );
    }
    if (args === 'queue list') return rows('name|strategy|moh_sound|time_base_score', [...this.queues].map((q) => [q, 'longest-idle-agent', 'local_stream://moh', 'queue']));
    let m = /^queue list members (\S+)$/.exec(args);
    if (m) {
      const q = m[1]!;
      return rows(
        MEMBER_COLUMNS,
        [...this.members.values()].filter((x) => x.queue === q).map((x) => [x.queue, 'single_box', x.uuid, x.session_uuid, x.cid_number, x.cid_name, x.joined_epoch, x.joined_epoch, '', x.bridge_epoch || '', '', 0, 0, x.serving_agent, x.serving_agent ? 'single_box' : '', x.state, 0]),
      );
    }
    m = /^queue list tiers (\S+)$/.exec(args);
    if (m) {
      const q = m[1]!;
      return rows('queue|agent|state|level|position', this.tiers.filter((x) => x.queue === q).map((x) => [x.queue, x.agent, x.state, x.level, x.position]));
    }
    return '-ERR Unknown command\n';
  }

  private write(s: Socket, frame: Buffer): Promise<void> {
    const n = this.o.chunkBytes;
    this.writing = this.writing.then(async () => {
      if (s.destroyed) return;
      if (!n) {
        s.write(frame);
        return;
      }
      for (let i = 0; i < frame.length; i += n) {
        if (s.destroyed) return;
        s.write(frame.subarray(i, i + n));
        // let the reader see this piece as a chunk of its own
        await new Promise((r) => setTimeout(r, 1));
      }
    });
    return this.writing;
  }

  /** Writes raw bytes to the subscribed connection, in the given pieces (for split tests). */
  async raw(pieces: Buffer[]): Promise<void> {
    const s = this.subscribed;
    if (!s) throw new Error('no subscribed connection');
    for (const p of pieces) {
      await this.write(s, p);
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  // ---- events --------------------------------------------------------------------------------

  private standard(name: string): [string, string][] {
    return [
      ['Event-Name', name],
      ['Core-UUID', '6a8b1f2c-0000-4000-8000-00000000c0de'],
      ['FreeSWITCH-Hostname', 'pbx1'],
      ['FreeSWITCH-Switchname', 'pbx1'],
      ['FreeSWITCH-IPv4', '10.0.0.5'],
      ['FreeSWITCH-IPv6', '::1'],
      ['Event-Date-Local', '2026-01-01 08:00:00'],
      ['Event-Date-GMT', 'Thu, 01 Jan 2026 00:00:00 GMT'],
      ['Event-Date-Timestamp', String(this.t * 1000 + 123)],
      ['Event-Calling-File', 'mod_callcenter.c'],
      ['Event-Calling-Function', 'cc_agent_update'],
      ['Event-Calling-Line-Number', '1043'],
      ['Event-Sequence', String(++this.seq)],
    ];
  }

  /** Fires a callcenter::info event (lost when no subscribed connection is up). */
  cc(headers: [string, string][], channel: [string, string][] = []): void {
    this.fire(eventFrame([...this.standard('CUSTOM'), ['Event-Subclass', 'callcenter::info'], ...channel, ...headers]));
  }

  heartbeat(): void {
    this.fire(eventFrame([...this.standard('HEARTBEAT'), ['Event-Info', 'System Ready'], ['Up-Time', '0 years, 0 days, 1 hour']]));
  }

  /** Any other event (e.g. CHANNEL_CREATE): the adapter must ignore it. */
  other(name: string): void {
    this.fire(eventFrame([...this.standard(name), ['Unique-ID', 'x']]));
  }

  private fire(frame: Buffer): void {
    const s = this.subscribed;
    if (!s || s.destroyed || this.silent) {
      this.lost++;
      return;
    }
    this.sent++;
    void this.write(s, frame);
  }

  // ---- the model and its story steps (times in whole seconds of `t`) ------------------------------

  private get sec(): number {
    return Math.floor(this.t / 1000);
  }

  addQueue(q: string): void {
    this.queues.add(q);
  }

  /** An agent (agent add + tier add: no events), logged out until a status is set. */
  addAgent(name: string, queues: string[], wrapUpSec = 0, status: AgentStatus = 'Logged Out'): void {
    this.agents.set(name, { name, status, state: 'Waiting', wrap_up_time: wrapUpSec, last_bridge_start: 0, last_bridge_end: 0, last_offered_call: 0, last_status_change: this.sec, calls_answered: 0 });
    for (const q of queues) this.tiers.push({ queue: q, agent: name, state: 'Ready', level: 1, position: 1 });
  }

  status(name: string, status: AgentStatus): void {
    const a = this.agents.get(name)!;
    a.status = status;
    a.last_status_change = this.sec;
    this.cc([
      ['CC-Agent', name],
      ['CC-Action', 'agent-status-change'],
      ['CC-Agent-Status', status],
    ]);
  }

  private agentState(name: string, state: string): void {
    this.agents.get(name)!.state = state;
    this.cc([
      ['CC-Agent', name],
      ['CC-Action', 'agent-state-change'],
      ['CC-Agent-State', state],
    ]);
  }

  private memberHeaders(m: FsMember): [string, string][] {
    return [
      ['CC-Member-UUID', m.uuid],
      ['CC-Member-Session-UUID', m.session_uuid],
      ['CC-Member-CID-Name', m.cid_name],
      ['CC-Member-CID-Number', m.cid_number],
    ];
  }

  private channel(m: FsMember): [string, string][] {
    return [
      ['Channel-State', 'CS_EXECUTE'],
      ['Channel-Call-State', 'ACTIVE'],
      ['Unique-ID', m.session_uuid],
      ['Caller-Caller-ID-Name', m.cid_name],
      ['Caller-Caller-ID-Number', m.cid_number],
      ['variable_cc_queue', m.queue],
    ];
  }

  private count(queue: string): void {
    const n = [...this.members.values()].filter((m) => m.queue === queue && (m.state === 'Waiting' || m.state === 'Trying')).length;
    this.cc([
      ['CC-Queue', queue],
      ['CC-Action', 'members-count'],
      ['CC-Count', String(n)],
      ['CC-Selection', 'Single-Queue'],
    ]);
  }

  /** A caller enters a queue: member-queue-start, members-count. Returns the member uuid. */
  arrive(session: string, queue: string, cidNumber: string, cidName = '', memberUuid = `m-${session}`): string {
    const m: FsMember = { queue, uuid: memberUuid, session_uuid: session, cid_number: cidNumber, cid_name: cidName, joined_epoch: this.sec, bridge_epoch: 0, serving_agent: '', state: 'Waiting' };
    this.members.set(memberUuid, m);
    this.cc(
      [
        ['CC-Queue', queue],
        ['CC-Action', 'member-queue-start'],
        ...this.memberHeaders(m),
      ],
      this.channel(m),
    );
    this.count(queue);
    return memberUuid;
  }

  private member(session: string): FsMember {
    const all = [...this.members.values()].filter((x) => x.session_uuid === session);
    const m = all.at(-1);
    if (!m) throw new Error(`no member ${session}`);
    return m;
  }

  /** Offers the call to an agent: agent-state-change Receiving, agent-offering. */
  offer(session: string, agent: string): void {
    const m = this.member(session);
    m.state = 'Trying';
    m.serving_agent = agent;
    this.agents.get(agent)!.last_offered_call = this.sec;
    this.agentState(agent, 'Receiving');
    this.cc([
      ['CC-Queue', m.queue],
      ['CC-Action', 'agent-offering'],
      ['CC-Agent', agent],
      ['CC-Agent-Type', 'callback'],
      ['CC-Agent-System', 'single_box'],
      ...this.memberHeaders(m),
      ['CC-Member-DNIS', '12319'],
    ]);
  }

  /** The agent does not answer (or `cause`): bridge-agent-fail, agent back to Waiting. */
  fail(session: string, agent: string, cause = 'NO_ANSWER'): void {
    const m = this.member(session);
    m.state = 'Waiting';
    m.serving_agent = '';
    this.cc([
      ['CC-Queue', m.queue],
      ['CC-Action', 'bridge-agent-fail'],
      ['CC-Hangup-Cause', cause],
      ['CC-Agent', agent],
      ['CC-Agent-System', 'single_box'],
      ['CC-Agent-Called-Time', String(this.agents.get(agent)!.last_offered_call)],
      ['CC-Agent-Aborted-Time', String(this.sec)],
      ...this.memberHeaders(m),
      ['CC-Member-Joined-Time', String(m.joined_epoch)],
    ]);
    this.agentState(agent, 'Waiting');
  }

  /** The agent answers: bridge-agent-start, agent In a queue call, members-count. */
  answer(session: string, agent: string): void {
    const m = this.member(session);
    m.state = 'Answered';
    m.serving_agent = agent;
    m.bridge_epoch = this.sec;
    const a = this.agents.get(agent)!;
    a.last_bridge_start = this.sec;
    a.calls_answered++;
    this.cc(
      [
        ['CC-Queue', m.queue],
        ['CC-Action', 'bridge-agent-start'],
        ['CC-Agent', agent],
        ['CC-Agent-System', 'single_box'],
        ['CC-Agent-UUID', `leg-${agent}-${this.sec}`],
        ['CC-Agent-Called-Time', String(a.last_offered_call)],
        ['CC-Agent-Answered-Time', String(this.sec)],
        ['CC-Member-Joined-Time', String(m.joined_epoch)],
        ...this.memberHeaders(m),
        ['CC-Member-DNIS', '12319'],
      ],
      this.channel(m),
    );
    this.agentState(agent, 'In a queue call');
    this.count(m.queue);
  }

  /**
   * The talk ends (a hang-up, or the agent transferring the caller away — mod_callcenter cannot tell):
   * bridge-agent-end, member-queue-end Terminated, agent back to Waiting (wrap-up is not signalled).
   */
  hangup(session: string): void {
    const m = this.member(session);
    const agent = m.serving_agent;
    const a = this.agents.get(agent)!;
    a.last_bridge_end = this.sec;
    const common: [string, string][] = [
      ['CC-Agent', agent],
      ['CC-Agent-System', 'single_box'],
      ['CC-Agent-UUID', `leg-${agent}`],
      ['CC-Agent-Called-Time', String(a.last_offered_call)],
      ['CC-Agent-Answered-Time', String(m.bridge_epoch)],
      ['CC-Member-Joined-Time', String(m.joined_epoch)],
    ];
    this.cc(
      [
        ['CC-Queue', m.queue],
        ['CC-Action', 'bridge-agent-end'],
        ['CC-Hangup-Cause', 'SUCCESS'],
        ...common.slice(0, 3),
        ['CC-Agent-Bridged', 'true'],
        ...common.slice(3),
        ['CC-Bridge-Terminated-Time', String(this.sec)],
        ...this.memberHeaders(m),
      ],
      this.channel(m),
    );
    this.cc(
      [
        ['CC-Queue', m.queue],
        ['CC-Action', 'member-queue-end'],
        ['CC-Hangup-Cause', 'SUCCESS'],
        ['CC-Cause', 'Terminated'],
        ...common,
        ['CC-Member-Leaving-Time', String(this.sec)],
        ...this.memberHeaders(m),
      ],
      this.channel(m),
    );
    this.members.delete(m.uuid);
    this.agentState(agent, 'Waiting');
  }

  /** The caller hangs up before an answer (ringing or not): member-queue-end Cancel BREAK_OUT. */
  abandon(session: string): void {
    const m = this.member(session);
    if (m.state === 'Trying' && m.serving_agent) this.fail(session, m.serving_agent, 'ORIGINATOR_CANCEL');
    this.cc(
      [
        ['CC-Queue', m.queue],
        ['CC-Action', 'member-queue-end'],
        ['CC-Member-Leaving-Time', String(this.sec)],
        ['CC-Member-Joined-Time', String(m.joined_epoch)],
        ['CC-Cause', 'Cancel'],
        ['CC-Cancel-Reason', 'BREAK_OUT'],
        ...this.memberHeaders(m),
      ],
      [...this.channel(m), ['Channel-Call-State', 'HANGUP']],
    );
    this.members.delete(m.uuid);
    this.count(m.queue);
  }
}
