import type { Decision } from '@mandate/domain';
import { withinSessionStart } from './session-additions';
import { signGatewaySession, verifyGatewaySession } from './session-token';

const opened = Date.parse('2026-12-01T06:00:00.000Z');
const byBundle: Decision = {
  allowed: true,
  reason: 'Allowed by connection "gh" of access bundle "tools" (attached to the channel) on acme/*',
  provenance: {
    layer: 'channel',
    rule: 'bundles/tools/connections/gh',
    pattern: 'acme/*',
    bundle: 'tools',
    scope: 'channel',
  },
};

describe('a gateway session keeps the attachments it started with', () => {
  it('given a bundle attached before the session opened, then its allow stands', () => {
    expect(withinSessionStart(byBundle, { issuedAtMs: opened }, opened - 1)).toBe(byBundle);
  });

  it('given a bundle attached after the session opened (or within its opening second), then its allow is not the session’s', () => {
    for (const reachedAtMs of [opened, opened + 400, opened + 60_000]) {
      expect(withinSessionStart(byBundle, { issuedAtMs: opened }, reachedAtMs)).toEqual({
        allowed: false,
        reason: expect.stringContaining('after this gateway session started'),
        provenance: { layer: 'default', rule: 'session/attached-after-start/tools' },
      });
    }
  });

  it('given a denial, an allow from no bundle, or a session of unknown start, then the decision is unchanged', () => {
    const denied: Decision = {
      allowed: false,
      reason: 'no',
      provenance: { layer: 'default', rule: 'default-deny' },
    };
    expect(withinSessionStart(denied, { issuedAtMs: opened }, opened + 1)).toBe(denied);
    expect(withinSessionStart(byBundle, { issuedAtMs: opened }, undefined)).toBe(byBundle);
    expect(withinSessionStart(byBundle, {}, opened + 1)).toBe(byBundle);
  });

  it('given a session opened mid-second, when its token is verified, then it started at that second', async () => {
    const key = new Uint8Array(32).fill(7);
    const session = {
      sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      workspaceId: 'acme',
      channelId: 'eng',
      invokedBy: 'dave',
      runId: 'run-42',
      openedBy: 'agent-runtime',
      expiresAtMs: opened + 60_000,
    };
    const token = await signGatewaySession(key, session, opened + 750);
    expect((await verifyGatewaySession(key, token, opened + 800))?.issuedAtMs).toBe(opened);
  });
});
