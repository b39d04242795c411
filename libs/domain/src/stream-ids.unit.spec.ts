import {
  accessBundleStreamId,
  accessRequestStreamId,
  agentActionStreamId,
  agentIdentityStreamId,
  approvalPolicyStreamId,
  channelStreamId,
  credentialLeaseStreamId,
  credentialRevocationStreamId,
  credentialStreamId,
  egressDenialStreamId,
  externalAccountsStreamId,
  gatewaySessionStreamId,
  legacyAccessRequestStreamId,
  memoryUpdateStreamId,
  organizationBundleStreamId,
  organizationCredentialStreamId,
  organizationMembershipStreamId,
  organizationStreamId,
  workspaceStreamId,
} from './index';

/**
 * Stream ids are where each aggregate's history is stored: a changed format finds no history for
 * an existing aggregate (a workspace with no members, a lease never issued) and decides from
 * nothing. They are a storage contract, pinned here as written in every log so far, and no two
 * aggregates may share a stream.
 */
const ws = 'acme';
const id = 'x1';

describe('stream ids: one stream per aggregate, as stored', () => {
  const ids: [string, string][] = [
    ['workspace', workspaceStreamId(ws)],
    ['agent identity', agentIdentityStreamId(ws)],
    ['approval policy', approvalPolicyStreamId(ws)],
    ['external accounts', externalAccountsStreamId(ws)],
    ['channel', channelStreamId(ws, id)],
    ['credential', credentialStreamId(ws, id)],
    ['lease', credentialLeaseStreamId(ws, id)],
    ['revocation', credentialRevocationStreamId(ws, id)],
    ['gateway session', gatewaySessionStreamId(ws, id)],
    ['agent action', agentActionStreamId(ws, id)],
    ['access bundle', accessBundleStreamId(ws, id)],
    ['access request', accessRequestStreamId(ws, id)],
    ['legacy access request', legacyAccessRequestStreamId(id)],
    ['memory update', memoryUpdateStreamId(ws, id)],
    ['egress denials of a day', egressDenialStreamId(ws, '2026-11-29T12:34:56.000Z')],
    ['organization', organizationStreamId(ws)],
    ['organization bundle', organizationBundleStreamId(ws, id)],
    ['organization credential', organizationCredentialStreamId(ws, id)],
    ['organization membership', organizationMembershipStreamId(ws)],
  ];

  it('writes each aggregate where the logs so far hold it', () => {
    expect(Object.fromEntries(ids)).toEqual({
      workspace: 'workspace-acme',
      'agent identity': 'agent-identity-acme',
      'approval policy': 'approval-policy-acme',
      'external accounts': 'external-accounts-acme',
      channel: 'channel-acme.x1',
      credential: 'credential-acme.x1',
      lease: 'lease-acme.x1',
      revocation: 'revocation-acme.x1',
      'gateway session': 'gateway-session-acme.x1',
      'agent action': 'agent-action-acme.x1',
      'access bundle': 'access-bundle-acme.x1',
      'access request': 'access-request-acme.x1',
      'legacy access request': 'access-request-x1',
      'memory update': 'memory-update-acme.x1',
      'egress denials of a day': 'egress-denied-acme.2026-11-29',
      organization: 'organization-acme',
      'organization bundle': 'organization-bundle-acme.x1',
      'organization credential': 'organization-credential-acme.x1',
      'organization membership': 'organization-membership.acme',
    });
  });

  it('gives no two aggregates the same stream', () => {
    expect(new Set(ids.map(([, stream]) => stream)).size).toBe(ids.length);
  });

  it('keeps one workspace’s aggregates apart from another’s', () => {
    expect(channelStreamId('acme', 'eng')).not.toBe(channelStreamId('globex', 'eng'));
    expect(workspaceStreamId('acme')).not.toBe(workspaceStreamId('globex'));
  });
});
