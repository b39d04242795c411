import { randomBytes } from 'node:crypto';
import { type GatewaySession, signGatewaySession } from '@mandate/gateway';
import { VerifiedSessions } from './verified-sessions';

const key = randomBytes(32);
const nowMs = Date.parse('2026-12-01T06:00:00.000Z');
const session: GatewaySession = {
  sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  workspaceId: 'acme',
  channelId: 'eng',
  invokedBy: 'dave',
  runId: 'run-42',
  openedBy: 'agent-runtime',
  expiresAtMs: nowMs + 60_000,
};

describe('verified gateway sessions', () => {
  it('given a token verified once, then it is answered again until its expiry and refused from then on', async () => {
    const sessions = new VerifiedSessions(key);
    const token = await signGatewaySession(key, session, nowMs);

    const first = await sessions.verify(token, nowMs);
    expect(first).toMatchObject({ sessionId: session.sessionId, channelId: 'eng' });
    expect(await sessions.verify(token, nowMs + 59_999)).toBe(first);
    expect(await sessions.verify(token, nowMs + 60_000)).toBeUndefined();
  });

  it('given a verified token, then any other string (one character changed, another key) is verified in full and refused', async () => {
    const sessions = new VerifiedSessions(key);
    const token = await signGatewaySession(key, session, nowMs);
    await sessions.verify(token, nowMs);
    const last = token.at(-1) === 'A' ? 'B' : 'A';

    expect(await sessions.verify(`${token.slice(0, -1)}${last}`, nowMs)).toBeUndefined();
    expect(
      await sessions.verify(await signGatewaySession(randomBytes(32), session, nowMs), nowMs),
    ).toBeUndefined();
  });
});
