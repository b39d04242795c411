import { createHmac, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
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
/** What a verified token says: the session, and when it was opened (`iat`, to the second). */
const opened = { ...session, issuedAtMs: nowMs };

describe('gateway session tokens', () => {
  it('given a signed session, when verified before it expires, then it names the same session', async () => {
    const token = await signGatewaySession(key, session, nowMs);

    await expect(verifyGatewaySession(key, token, nowMs + 59_000)).resolves.toEqual(opened);
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

  it('given a session token as jose signs it, when verified, then it names the session it was issued for', async () => {
    const issued = await new SignJWT({
      ws: 'acme',
      ch: 'eng',
      inv: 'dave',
      run: 'run-42',
      svc: 'agent-runtime',
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'mandate-gateway-session+jwt' })
      .setIssuer('mandate')
      .setAudience('mandate-gateway')
      .setJti(session.sessionId)
      .setIssuedAt(nowMs / 1000)
      .setExpirationTime(session.expiresAtMs / 1000)
      .sign(key);

    await expect(verifyGatewaySession(key, issued, nowMs)).resolves.toEqual(opened);
    expect(await signGatewaySession(key, session, nowMs)).toBe(issued);
  });

  describe('given a correctly signed token that is not a session', () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = {
      jti: session.sessionId,
      ws: 'acme',
      ch: 'eng',
      inv: 'dave',
      run: 'run-42',
      svc: 'agent-runtime',
      iat: nowMs / 1000,
      exp: nowMs / 1000 + 60,
      iss: 'mandate',
      aud: 'mandate-gateway',
    };
    const signed = (header: object, payload: object, alg = 'sha256') => {
      const input = `${encode(header)}.${encode(payload)}`;
      return `${input}.${createHmac(alg, key).update(input).digest('base64url')}`;
    };
    const header = { alg: 'HS256', typ: 'mandate-gateway-session+jwt' };

    it.each([
      ['another typ', signed({ alg: 'HS256', typ: 'JWT' }, claims)],
      ['no typ', signed({ alg: 'HS256' }, claims)],
      ['another algorithm', signed({ alg: 'HS512', typ: header.typ }, claims, 'sha512')],
      ['a critical header', signed({ ...header, crit: ['b64'], b64: true }, claims)],
      ['another issuer', signed(header, { ...claims, iss: 'someone-else' })],
      ['another audience', signed(header, { ...claims, aud: 'mandate-api' })],
      ['no iat', signed(header, { ...claims, iat: undefined })],
      ['a future nbf', signed(header, { ...claims, nbf: nowMs / 1000 + 10 })],
      ['a channel outside the grammar', signed(header, { ...claims, ch: '../eng' })],
      ['a payload that is not an object', signed(header, ['acme'])],
    ])('when it has %s, then it is refused', async (_, token) => {
      await expect(verifyGatewaySession(key, token, nowMs)).resolves.toBeUndefined();
    });

    it('when it is signed as a session, then it verifies (the cases above differ in one thing only)', async () => {
      await expect(verifyGatewaySession(key, signed(header, claims), nowMs)).resolves.toEqual(opened);
    });

    it('when its signature is re-encoded with padding, then it is refused', async () => {
      await expect(verifyGatewaySession(key, `${signed(header, claims)}=`, nowMs)).resolves.toBeUndefined();
    });
  });

  it('given a token, when fingerprinted, then the fingerprint is a digest that does not contain it', async () => {
    const token = await signGatewaySession(key, session, nowMs);

    expect(sessionFingerprint(token)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(sessionFingerprint(token)).not.toContain(token.split('.')[2]);
  });
});
