/**
 * `DEMO_FEED=asterisk npm run demo`: the simulated center is played on a scripted Asterisk (the
 * app_queue model behind a real AMI server on 127.0.0.1), and the real Asterisk adapter follows it
 * over TCP and appends to the demo's log: PBX → adapter → stream → wall, end to end. What the
 * simulator says about calls and agents becomes what Asterisk would do (a member added, paused, a
 * caller joining, ringing, connecting…); the wall then shows only what AMI tells the adapter (no
 * seats, a wrap-up of the member's Wrapuptime). Tickets, incidents and callbacks do not come from a
 * PBX: they go to the log as the simulator wrote them.
 */
import type { HotlineEvent } from '../../../../shared/events';
import type { EventLog, FeedStore } from '../../../ports';
import { startAsteriskAdapter, type RunningAsteriskAdapter } from './adapter';
import { FakeAsterisk } from './fake-asterisk';
import type { MapperLogger } from './mapper';

const PBX_QUEUE: Record<string, string> = { general: 'hotline', specialist: 'expert' };
const QUEUES = new Map([
  ['hotline', 'general'],
  ['expert', 'specialist'],
]);
/** the member wrap-up time: the simulator's wrap-ups last 10–40 s */
const WRAP_UP_SEC = 25;
const HEALTH_TTL_MS = 30_000;

export interface AsteriskDemoOptions {
  /** the demo's event log: the adapter appends there, and so do the non-telephony events */
  log: Pick<EventLog, 'append'>;
  /** where the feed health goes (the node's feed store) */
  feeds?: FeedStore;
  /** the demo's clock (simulated time when DEMO_SPEED ≠ 1) */
  now: () => number;
  /** simulated seconds per real second: the adapter's wrap-up timers run on simulated time */
  speed: number;
  logger: MapperLogger;
}

export interface AsteriskDemo {
  /** hand this to the simulator as its log */
  log: Pick<EventLog, 'append'>;
  port: number;
  pbx: FakeAsterisk;
  adapter: RunningAsteriskAdapter;
  /** events the scripted Asterisk could not play (a state the model did not expect) */
  skipped: number;
  stop(): Promise<void>;
}

export async function startAsteriskDemo(o: AsteriskDemoOptions): Promise<AsteriskDemo> {
  let pbxNow = o.now();
  const pbx = new FakeAsterisk({ username: 'wallboard-demo', secret: 'demo-ami-secret-12319', now: () => pbxNow });
  const port = await pbx.listen(0);
  pbx.queue('hotline').queue('expert');
  const adapter = startAsteriskAdapter({
    name: 'asterisk-demo',
    host: '127.0.0.1',
    port,
    username: pbx.username,
    secret: pbx.secret,
    queues: QUEUES,
    events: { append: async (events) => void (await o.log.append(events)) },
    health: { report: async (h) => o.feeds?.put({ ...h }, HEALTH_TTL_MS) },
    logger: o.logger,
    now: o.now,
    // wrap-ups and the transfer grace are PBX seconds: simulated time
    timers: { set: (fn, ms) => setTimeout(fn, ms / o.speed), clear: (h) => clearTimeout(h as NodeJS.Timeout) },
    // the warm-up replays the day since midnight with its own times
    maxClockSkewMs: 48 * 3_600_000,
  });
  for (let i = 0; i < 500 && !adapter.health().connected; i++) await new Promise((r) => setTimeout(r, 10));
  if (!adapter.health().connected) {
    await adapter.stop();
    await pbx.close();
    throw new Error('the demo AMI adapter could not connect to its scripted Asterisk');
  }

  const names = new Map<string, string>();
  const members = new Set<string>();
  const paused = new Set<string>();
  const callers = new Map<string, string>();
  const iface = (agentId: string) => `PJSIP/${agentId}`;
  const demo: AsteriskDemo = {
    port,
    pbx,
    adapter,
    skipped: 0,
    log: {
      async append(events: readonly HotlineEvent[]) {
        for (const e of events) {
          pbxNow = e.ts;
          let played: boolean;
          try {
            played = play(e);
          } catch (err) {
            demo.skipped++;
            o.logger.info({ err: (err as Error).message, type: e.type }, 'demo: the scripted Asterisk skipped an event');
            continue;
          }
          if (played) continue;
          // a ticket, incident or callback follows the calls it is about: once the adapter has read
          // all Asterisk sent, it goes into the feed's queue behind the adapter's own events
          for (let i = 0; i < 200 && adapter.mapper.messagesHeard < pbx.messagesWritten; i++) await new Promise((r) => setTimeout(r, 5));
          void adapter.feed.emit([e], false);
        }
        await adapter.feed.drain();
        return [];
      },
    },
    async stop() {
      await adapter.stop();
      await pbx.close();
    },
  };

  /** Plays one simulator event on the scripted Asterisk; false: not a PBX matter. */
  function play(e: HotlineEvent): boolean {
    switch (e.type) {
      case 'agent.login':
        if (e.name) names.set(e.agentId, e.name);
        return true; // in the building, not yet in a queue: nothing Asterisk knows
      case 'agent.signin':
        if (!members.has(e.agentId)) {
          for (const q of ['hotline', 'expert']) pbx.addMember(q, iface(e.agentId), names.get(e.agentId) ?? e.agentId, { wrapUp: WRAP_UP_SEC });
          members.add(e.agentId);
        }
        return true;
      case 'agent.signout':
      case 'agent.logout':
        if (members.delete(e.agentId)) for (const q of ['hotline', 'expert']) pbx.removeMember(q, iface(e.agentId));
        paused.delete(e.agentId);
        return true;
      case 'agent.busy':
        pbx.pause(null, iface(e.agentId), true, e.reason ?? '');
        paused.add(e.agentId);
        return true;
      case 'agent.ready':
        // the end of a wrap-up is no PBX event (the adapter times it); the end of a pause is
        if (paused.delete(e.agentId)) pbx.pause(null, iface(e.agentId), false);
        return true;
      case 'call.queued':
        if (e.caller) callers.set(e.callId, e.caller);
        pbx.join(PBX_QUEUE[e.queue ?? 'general'] ?? 'hotline', e.callId, e.caller ?? '');
        return true;
      case 'call.ringing':
        pbx.ring(e.callId, iface(e.agentId));
        return true;
      case 'call.rona':
        pbx.ringNoAnswer(e.callId, iface(e.agentId));
        return true;
      case 'call.answered':
        pbx.connect(e.callId, iface(e.agentId));
        return true;
      case 'call.transferred':
        // a blind transfer to the expert queue's extension: the caller's channel joins it
        pbx.complete(e.callId, 'transfer');
        pbx.join(PBX_QUEUE[e.queue] ?? 'expert', e.callId, callers.get(e.callId) ?? '');
        return true;
      case 'call.ended':
        pbx.complete(e.callId, 'caller');
        callers.delete(e.callId);
        return true;
      case 'call.abandoned':
        pbx.abandon(e.callId);
        return true;
      default:
        return false;
    }
  }

  return demo;
}
