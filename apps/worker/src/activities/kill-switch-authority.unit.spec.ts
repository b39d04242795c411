import { randomBytes } from 'node:crypto';
import {
  type AccessRequestCommand,
  accessRequestStreamId,
  type Actor,
  defaultApprovalPolicy,
  eventSchemas,
} from '@mandate/domain';
import { EventSchemaRegistry, SqliteEventStore } from '@mandate/event-store';
import { signJitCommand } from '@mandate/temporal';
import type { RequestAccessCommand } from '@mandate/workflows';
import { IdentityLog } from '../../../../libs/projections/test/identity-log';
import { createAccessActivities } from './access.activities';

const now = '2026-11-29T12:00:00.000Z';
const user = (id: string): Actor => ({ kind: 'user', id });
const killSwitch: Actor = { kind: 'system', id: 'kill-switch' };
const requestIn = (channelId: string, requestId = 'req-1'): RequestAccessCommand => ({
  type: 'RequestAccess',
  requestId,
  workspaceId: 'acme',
  channelId,
  connector: 'github',
  actions: ['write'],
  resources: ['acme/api'],
  durationSeconds: 3600,
  reason: 'hotfix',
  ticket: null,
  invokedBy: null,
  breakGlass: false,
  policy: defaultApprovalPolicy,
  actor: user('rita'),
  callerRoles: ['member'],
  now,
});
const by = (actor: Actor, command: { type: 'ApproveAccess' | 'CancelAccessRequest' }): AccessRequestCommand =>
  ({ ...command, comment: null, actor, callerRoles: [], now }) as AccessRequestCommand;
const key = randomBytes(32);

describe('decideAccess activity and the kill switch (authority from the log)', () => {
  let store: SqliteEventStore;
  let log: IdentityLog;
  let decideAccess: ReturnType<typeof createAccessActivities>['decideAccess'];
  let step = 0;
  const send = (command: AccessRequestCommand, requestId = 'req-1', round = 0) =>
    decideAccess({
      streamId: accessRequestStreamId('acme', requestId),
      stepKey: `jit-${requestId}/${++step}`,
      correlationId: requestId,
      command,
      signature: signJitCommand(key, { workspaceId: 'acme', requestId, round, command }),
    });
  const refusal = (promise: Promise<unknown>) => promise.catch((error: unknown) => error);
  const typesOf = async (requestId = 'req-1') =>
    (await store.readStream(accessRequestStreamId('acme', requestId))).map((event) => event.type);

  beforeEach(async () => {
    store = new SqliteEventStore({ path: ':memory:', schemas: new EventSchemaRegistry(eventSchemas) });
    decideAccess = createAccessActivities(store, key).decideAccess;
    // given a workspace with an approver, a requester and two channels, and a pending request in #eng
    log = new IdentityLog(store);
    await log.workspace('acme', 'root', {
      type: 'CreateWorkspace',
      workspaceId: 'acme',
      name: 'Acme',
      actorIsPlatformAdmin: true,
    });
    await log.workspace('acme', 'root', { type: 'GrantMemberRole', principalId: 'alice', role: 'approver' });
    await log.workspace('acme', 'root', { type: 'GrantMemberRole', principalId: 'rita', role: 'member' });
    for (const channelId of ['eng', 'ops']) {
      await log.channel('acme', 'root', {
        type: 'CreateChannel',
        channelId,
        workspaceId: 'acme',
        name: channelId,
        visibility: 'public',
      });
    }
    await send(requestIn('eng'));
  });
  afterEach(() => store.close());

  it('refuses an approval while the workspace is disabled, and records nothing', async () => {
    await log.workspace('acme', 'root', { type: 'DisableAgentIdentity', reason: 'incident 42' });

    const failure = await refusal(send(by(user('alice'), { type: 'ApproveAccess' })));

    expect(failure).toMatchObject({ details: [{ kind: 'conflict', code: 'identity-disabled' }] });
    expect(await typesOf()).toEqual(['AccessRequested']);
  });

  it('refuses a new request in a disabled channel, and takes one in another channel', async () => {
    await log.channel('acme', 'root', { type: 'DisableAgentIdentity', channelId: 'eng', reason: 'leak' });

    const failure = await refusal(send(requestIn('eng', 'req-2'), 'req-2'));
    await send(requestIn('ops', 'req-3'), 'req-3');

    expect(failure).toMatchObject({ details: [{ kind: 'conflict', code: 'identity-disabled' }] });
    expect(await typesOf('req-2')).toEqual([]);
    expect(await typesOf('req-3')).toEqual(['AccessRequested']);
  });

  it('records the system’s cancel while the request’s channel is disabled, as the system', async () => {
    await log.channel('acme', 'root', { type: 'DisableAgentIdentity', channelId: 'eng', reason: 'leak' });

    await send(by(killSwitch, { type: 'CancelAccessRequest' }));

    const stored = await store.readStream(accessRequestStreamId('acme', 'req-1'));
    expect(stored.map((event) => event.type)).toEqual(['AccessRequested', 'AccessRequestCancelled']);
    expect(stored[1].actor).toEqual(killSwitch);
  });

  it('refuses a cancel by the system when nothing is disabled, and approvals go through again once enabled', async () => {
    await log.workspace('acme', 'root', { type: 'DisableAgentIdentity', reason: 'incident 42' });
    await log.workspace('acme', 'root', { type: 'EnableAgentIdentity', reason: 'resolved' });

    const failure = await refusal(send(by(killSwitch, { type: 'CancelAccessRequest' })));
    await send(by(user('alice'), { type: 'ApproveAccess' }));

    expect(failure).toMatchObject({ details: [{ kind: 'forbidden', code: 'not-the-requester' }] });
    expect(await typesOf()).toEqual([
      'AccessRequested',
      'AccessApprovalRecorded',
      'AccessApproved',
      'AccessGranted',
    ]);
  });
});
