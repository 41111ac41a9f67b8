/**
 * TRUST_PROXY (OPERATIONS.md "Deployment kit"): X-Forwarded-For is believed only when the setting
 * says so. The sign-in rate limit counts failed attempts per address (3 × the limit, here 3): off,
 * every request comes from the test's own loopback address whatever the header says, so two
 * "clients" share one allowance; with one trusted hop, the header's address is the client's.
 * Each attempt uses another user name, so the per-user limit never answers first.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, stopAll, type TestApp } from '../helpers/app';

afterAll(stopAll);

const attempt = (t: TestApp, forwardedFor: string) =>
  t.request('/api/v1/login', { body: { username: `nobody-${randomBytes(4).toString('hex')}`, password: 'wrong-password' }, headers: { 'x-forwarded-for': forwardedFor } });

describe('TRUST_PROXY and the sign-in rate limit', () => {
  it('off (the default): X-Forwarded-For is ignored, two forwarded addresses share one limit', async () => {
    const node = await startTestApp({ loginLimit: 1 });
    for (let i = 0; i < 3; i++) expect((await attempt(node, '203.0.113.10')).status).toBe(401);
    expect((await attempt(node, '203.0.113.10')).status).toBe(429);
    // another address in the header changes nothing: the limit is the connection's (127.0.0.1)
    const other = await attempt(node, '198.51.100.20');
    expect(other.status).toBe(429);
    expect(other.body).toMatchObject({ error: 'too_many_attempts' });
  });

  it('one trusted hop: each forwarded address has a limit of its own', async () => {
    const node = await startTestApp({ loginLimit: 1, trustProxy: 1 });
    for (let i = 0; i < 3; i++) expect((await attempt(node, '203.0.113.10')).status).toBe(401);
    expect((await attempt(node, '203.0.113.10')).status).toBe(429);
    expect((await attempt(node, '198.51.100.20')).status).toBe(401);
    // a client cannot pick its address by prepending one: with one hop, only the last entry counts
    expect((await attempt(node, '198.51.100.99, 203.0.113.10')).status).toBe(429);
  });
});
