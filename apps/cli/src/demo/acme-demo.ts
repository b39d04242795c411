import { agentActions, approvalPolicy, baseline, channels, requests, WORKSPACE } from './acme-demo.data';
import type { DemoClient } from './demo-client';

const ws = `/v1/workspaces/${WORKSPACE.workspaceId}`;
const created = { status: 201 };
const done = { status: 200 };
const exists = (code: string) => [created, done, { status: 409, code }];

export interface DemoSummary {
  workspaceId: string;
  channels: number;
  pending: string[];
  active: { grantId: string; expiresAt: string }[];
}

/**
 * Builds the demo workspace through the public API, each step written so that running it again
 * writes nothing: creations accept "already exists", role grants and documents that change
 * nothing write nothing, requests carry client-chosen ids, decisions are taken only while a
 * request is still pending, and agent actions carry idempotency keys.
 */
export async function buildAcmeDemo(api: DemoClient, creator: string): Promise<DemoSummary> {
  await api.call(creator, 'POST', '/v1/workspaces', { body: WORKSPACE, expect: exists('workspace-exists') });
  const roles: [string, string][] = [
    ['alice', 'owner'],
    ['bob', 'approver'],
    ['carol', 'approver'],
    ['dave', 'member'],
    ['erin', 'auditor'],
    ['frank', 'member'],
  ];
  for (const [principal, role] of roles) {
    await api.call(creator, 'PUT', `${ws}/members/${principal}/roles/${role}`);
  }
  await api.call('alice', 'POST', `${ws}/groups`, {
    body: { groupId: 'oncall', name: 'On call' },
    expect: exists('group-exists'),
  });
  for (const principal of ['bob', 'dave'])
    await api.call('alice', 'PUT', `${ws}/groups/oncall/members/${principal}`);
  // The agent runtime acts for this workspace only once an admin binds it here.
  await api.call('alice', 'PUT', `${ws}/services/agent-runtime`);

  const current = await api.call('alice', 'GET', `${ws}/agent-identity`);
  await api.call('alice', 'PUT', `${ws}/agent-identity`, {
    body: baseline,
    headers: { 'if-match': current.headers.get('etag') ?? '"0"' },
  });
  await api.call('alice', 'PUT', `${ws}/approval-policy`, { body: approvalPolicy });

  for (const channel of channels) {
    const at = `${ws}/channels/${channel.channelId}`;
    const { channelId, name, visibility } = channel;
    await api.call(channel.createdBy, 'POST', `${ws}/channels`, {
      body: { channelId, name, visibility },
      expect: exists('channel-exists'),
    });
    for (const { principalId, role } of channel.members) {
      await api.call(channel.createdBy, 'PUT', `${at}/members/${principalId}`, { body: { role } });
    }
    // Extending and forbidding take a workspace admin; restricting, the channel's own admin.
    const overrides = [
      ['alice', 'extensions', channel.extensions],
      ['alice', 'forbidden', channel.forbidden],
      [channel.createdBy, 'restrictions', channel.restrictions],
    ] as const;
    for (const [as, kind, rules] of overrides) {
      for (const rule of rules) {
        await api.call(as, 'POST', `${at}/${kind}`, {
          body: { rule },
          expect: [created, { status: 409, code: 'rule-exists' }, { status: 422, code: 'rule-exists' }],
        });
      }
    }
    if (channel.instructions) {
      await api.call(channel.createdBy, 'PUT', `${at}/instructions`, { body: channel.instructions });
    }
  }

  for (const request of Object.values(requests)) {
    await api.call(request.by, 'POST', `${ws}/access-requests`, {
      body: { requestId: request.requestId, ...request.body },
    });
  }
  await decideIfPending(api, requests.granted.requestId, requests.granted.approver, 'approve', 'Go ahead.');
  await decideIfPending(
    api,
    requests.denied.requestId,
    requests.denied.denier,
    'deny',
    'Ask the docs owners first.',
  );

  for (const { idempotencyKey, ...action } of agentActions) {
    const recorded = await api.call<{ allowed: boolean }>('agent-runtime', 'POST', `${ws}/agent-actions`, {
      body: { idempotencyKey, ...action },
    });
    if (recorded.body.allowed) {
      await api.call('agent-runtime', 'POST', `${ws}/agent-actions/${idempotencyKey}/outcome`, {
        body: { outcome: 'completed', detail: null },
      });
    }
  }
  return summary(api);
}

async function decideIfPending(
  api: DemoClient,
  requestId: string,
  as: string,
  decision: 'approve' | 'deny',
  comment: string,
): Promise<void> {
  const { body } = await api.call<{ status: string }>(as, 'GET', `${ws}/access-requests/${requestId}`);
  if (body.status !== 'pending') return;
  await api.call(as, 'POST', `${ws}/access-requests/${requestId}/${decision}`, { body: { comment } });
}

async function summary(api: DemoClient): Promise<DemoSummary> {
  type Page<T> = { items: T[] };
  const listed = await api.call<Page<unknown>>('alice', 'GET', `${ws}/channels`);
  const pending = await api.call<Page<{ requestId: string }>>(
    'alice',
    'GET',
    `${ws}/access-requests?status=pending`,
  );
  const active = await api.call<Page<{ grantId: string; expiresAt: string }>>(
    'alice',
    'GET',
    `${ws}/grants?active=true`,
  );
  return {
    workspaceId: WORKSPACE.workspaceId,
    channels: listed.body.items.length,
    pending: pending.body.items.map((item) => item.requestId),
    active: active.body.items.map(({ grantId, expiresAt }) => ({ grantId, expiresAt })),
  };
}
