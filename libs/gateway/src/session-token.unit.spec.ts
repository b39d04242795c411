import { randomBytes } from 'node:crypto';
import {
  type GatewaySession,
  sessionFingerprint,
  signGatewaySession,
  verifyGatewaySession,
} from './session-token';

const key = randomBytes(32);
const nowMs = Date.parse('2026-11-30T12:00:00.000Z');
const session: GatewaySession = {
  sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  workspaceId: 'acme',
  channelId: 'eng',
  invokedBy: 'dave',
  runId: 'run-42',
  openedBy: 'agent-runtime',
  expiresAtMs: nowMs + 60_000,
};

describe('gateway session tokens', () => {
  it('given a signed session, when verified before it expires, then it names the same session', async () => {
    const token = await signGatewaySession(key, session, nowMs);

    await expect(verifyGatewaySession(key, token, nowMs + 59_000)).resolves.toEqual(session);
  });

  it('given a signed session, when verified at or after its expiry, then it is refused', async () => {
    const token = await signGatewaySession(key, session, nowMs);

    await expect(verifyGatewaySession(key, token, nowMs + 60_000)).resolves.toBeUndefined();
  });

  it('given a token signed with another key or altered, when verified, then it is refused', async () => {
    const token = await signGatewaySession(randomBytes(32), session, nowMs);
    const genuine = await signGatewaySession(key, session, nowMs);
    const [header, , signature] = genuine.split('.');
    const otherChannel = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(genuine.split('.')[1], 'base64url').toString()),
        ch: 'incident',
      }),
    ).toString('base64url');

    await expect(verifyGatewaySession(key, token, nowMs)).resolves.toBeUndefined();
    await expect(
      verifyGatewaySession(key, `${header}.${otherChannel}.${signature}`, nowMs),
    ).resolves.toBeUndefined();
    await expect(verifyGatewaySession(key, 'not-a-token', nowMs)).resolves.toBeUndefined();
  });

  it('given an unsigned token (alg none), when verified, then it is refused', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'none', typ: 'mandate-gateway-session+jwt' })}.${encode({
      jti: session.sessionId,
      ws: 'acme',
      ch: 'eng',
      inv: 'dave',
      run: 'r',
      svc: 's',
      iat: nowMs / 1000,
      exp: nowMs / 1000 + 60,
      iss: 'mandate',
      aud: 'mandate-gateway',
    })}.`;

    await expect(verifyGatewaySession(key, unsigned, nowMs)).resolves.toBeUndefined();
  });

  it('given a token, when fingerprinted, then the fingerprint is a digest that does not contain it', async () => {
    const token = await signGatewaySession(key, session, nowMs);

    expect(sessionFingerprint(token)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(sessionFingerprint(token)).not.toContain(token.split('.')[2]);
  });
});
