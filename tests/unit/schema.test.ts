/** The published JSON Schema stays current with the zod schemas, and the schemas say what EVENTS says. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, parseEvent } from '../../shared/events';
import { eventJsonSchema, SCHEMA_PATH } from '../../scripts/event-schema';

describe('event schema', () => {
  it('docs/events.schema.json is current (run `npm run schema` after changing shared/events.ts)', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(eventJsonSchema());
  });

  it('covers all 30 v1 event types', () => {
    const doc = JSON.parse(eventJsonSchema()) as { oneOf: { properties: { type: { const: string } } }[] };
    expect(doc.oneOf.map((o) => o.properties.type.const).sort()).toEqual([...EVENT_TYPES].sort());
    expect(EVENT_TYPES).toHaveLength(30);
  });

  const base = { v: 1, id: 'e1', ts: 1764374400000 };
  it.each([
    [{ ...base, type: 'agent.signin', agentId: '1001', seat: 'A01' }, true],
    [{ ...base, type: 'agent.signin', agentId: '1001', extra: { any: 1 } }, true],
    [{ ...base, type: 'agent.signin' }, false],
    [{ ...base, v: 2, type: 'agent.login', agentId: '1' }, false],
    [{ ...base, ts: 1.5, type: 'agent.login', agentId: '1' }, false],
    [{ ...base, ts: '1764374400000', type: 'agent.login', agentId: '1' }, false],
    [{ ...base, id: '', type: 'agent.login', agentId: '1' }, false],
    [{ ...base, id: 'x'.repeat(129), type: 'agent.login', agentId: '1' }, false],
    [{ ...base, type: 'agent.teleport', agentId: '1' }, false],
    [{ ...base, type: 'ticket.created', ticketId: 't', category: 'gas_heating', kind: 'out_of_scope' }, true],
    [{ ...base, type: 'ticket.created', ticketId: 't', category: 'roads', kind: 'complaint' }, false],
    [{ ...base, type: 'incident.raised', incidentId: 'i', title: '燃气泄漏', severity: 'major' }, true],
    [{ ...base, type: 'incident.raised', incidentId: 'i', title: '燃气泄漏', severity: 'minor' }, false],
    [{ ...base, type: 'incident.acknowledged', incidentId: 'i', by: '张', role: 'admin' }, false],
    [{ ...base, type: 'incident.reported', incidentId: 'i', by: '张', nature: 'a', harm: 'b', measures: 'c' }, false],
    [{ ...base, type: 'callback.completed', callId: 'c', agentId: '1', reached: 'yes' }, false],
    [{ ...base, type: 'call.transferred', callId: 'c', agentId: '1' }, false],
    ['not an object', false],
  ])('%j valid: %s', (value, valid) => {
    expect(parseEvent(value).ok).toBe(valid);
  });
});
