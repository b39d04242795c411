import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import {
  type AccessRequestCommand,
  accessRequestStreamId,
  type Actor,
  defaultApprovalPolicy,
  eventSchemas,
  legacyAccessRequestStreamId,
} from '@mandate/domain';
import { EventSchemaRegistry, SqliteEventStore } from '@mandate/event-store';
import { signJitCommand } from '@mandate/temporal';
import { DOMAIN_REFUSAL, type RequestAccessCommand } from '@mandate/workflows';
import { IdentityLog } from '../../../../libs/projections/test/identity-log';
import { createAccessActivities } from './access.activities';

const now = '2026-11-29T12:00:00.000Z';
const user = (id: string): Actor => ({ kind: 'user', id });
const request: RequestAccessCommand = {
  type: 'RequestAccess',
  requestId: 'req-1',
  workspaceId: 'acme',
  channelId: 'eng',
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
};
const approveBy = (id: string): AccessRequestCommand => ({
  type: 'ApproveAccess',
  comment: null,
  actor: user(id),
  callerRoles: ['approver'],
  now,
});
const streamId = accessRequestStreamId('acme', 'req-1');
const key = randomBytes(32);
/** What the API sends along: its signature over the command, for the request's round. */
const signed = (command: AccessRequestCommand, round = 0): string =>
  signJitCommand(key, { workspaceId: 'acme', requestId: 'req-1', round, command });

describe('decideAccess activity', () => {
  let store: SqliteEventStore;
  let decideAccess: ReturnType<typeof createAccessActivities>['decideAccess'];
  const step = (n: number, command: AccessRequestCommand, signature: string | undefined) =>
    decideAccess({ streamId, stepKey: `jit-req-1/${n}`, correlationId: 'req-1', command, signature });
  const refusal = (promise: Promise<unknown>) => promise.catch((error: unknown) => error);
  const storedTypes = async () => (await store.readStream(streamId)).map((event) => event.type);

  beforeEach(async () => {
    store = new SqliteEventStore({ path: ':memory:', schemas: new EventSchemaRegistry(eventSchemas) });
    decideAccess = createAccessActivities(store, key).decideAccess;
    // given a workspace where alice and bob are approvers and rita and mallory members
    const log = new IdentityLog(store);
    await log.workspace('acme', 'root', {
      type: 'CreateWorkspace',
      workspaceId: 'acme',
      name: 'Acme',
      actorIsPlatformAdmin: true,
    });
    for (const [principalId, role] of [
      ['alice', 'approver'],
      ['bob', 'approver'],
      ['rita', 'member'],
      ['mallory', 'member'],
    ] as const) {
      await log.workspace('acme', 'root', { type: 'GrantMemberRole', principalId, role });
    }
  });
  afterEach(() => store.close());

  it('appends what the decider decides, with ids derived from the step, and answers the last position', async () => {
    const result = await step(1, request, signed(request));
    const stored = await store.readStream(streamId);
    expect(stored.map((event) => event.type)).toEqual(['AccessRequested']);
    expect(result).toEqual({
      events: [{ type: 'AccessRequested', data: stored[0].data, actor: stored[0].actor }],
      position: stored[0].globalPosition,
    });
    expect(stored[0].metadata).toMatchObject({ correlationId: 'req-1', causationId: 'jit-req-1/1' });
  });

  it('a retried step appends nothing and returns the events it appended the first time', async () => {
    // given a step that appended its events, then was retried (say, the worker died before reporting)
    await step(1, request, signed(request));
    const first = await step(2, approveBy('alice'), signed(approveBy('alice')));

    // when the same step runs again (the decider alone would now refuse a duplicate vote)
    const retried = await step(2, approveBy('alice'), signed(approveBy('alice')));

    // then it answers what it wrote and the stream holds it once
    expect(retried).toEqual(first);
    expect(await storedTypes()).toEqual([
      'AccessRequested',
      'AccessApprovalRecorded',
      'AccessApproved',
      'AccessGranted',
    ]);
  });

  it('a refusal by the decider is a non-retryable DomainRefusal carrying the code', async () => {
    await step(1, request, signed(request));

    const failure = await refusal(step(2, approveBy('rita'), signed(approveBy('rita'))));

    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: DOMAIN_REFUSAL,
      nonRetryable: true,
      details: [{ kind: 'forbidden', code: 'self-approval-forbidden' }],
    });
    expect(await storedTypes()).toEqual(['AccessRequested']);
  });

  it('records nothing a Temporal client sent without the API’s signature, or with a forged one', async () => {
    // when a request arrives unsigned, then nothing is recorded
    expect(await refusal(step(1, request, undefined))).toMatchObject({
      details: [{ kind: 'forbidden', code: 'unsigned-command' }],
    });
    // when the signed request is altered (a wider resource), then nothing is recorded
    const altered = { ...request, resources: ['acme/**'] };
    expect(await refusal(step(1, altered, signed(request)))).toMatchObject({
      details: [{ code: 'unsigned-command' }],
    });
    expect(await storedTypes()).toEqual([]);

    // when an approval in alice's name comes with a signature made with another key
    await step(1, request, signed(request));
    const forged = signJitCommand(randomBytes(32), {
      workspaceId: 'acme',
      requestId: 'req-1',
      round: 0,
      command: approveBy('alice'),
    });
    expect(await refusal(step(2, approveBy('alice'), forged))).toMatchObject({
      details: [{ code: 'unsigned-command' }],
    });
    // or with alice's signature for a deny, then it is refused too
    const deny: AccessRequestCommand = {
      type: 'DenyAccess',
      comment: null,
      actor: user('alice'),
      callerRoles: [],
      now,
    };
    expect(await refusal(step(2, approveBy('alice'), signed(deny)))).toMatchObject({
      details: [{ code: 'unsigned-command' }],
    });
    expect(await storedTypes()).toEqual(['AccessRequested']);
  });

  it('reads the caller’s roles from the workspace’s membership, not from the payload', async () => {
    // given a pending request
    await step(1, request, signed(request));

    // when mallory, a member, approves with roles the payload says are owner's
    const asOwner: AccessRequestCommand = { ...approveBy('mallory'), callerRoles: ['owner'] };
    const failure = await refusal(step(2, asOwner, signed(asOwner)));

    // then she is not an approver
    expect(failure).toMatchObject({ details: [{ kind: 'forbidden', code: 'not-an-approver' }] });
    expect(await storedTypes()).toEqual(['AccessRequested']);
  });

  it('records a request under the workspace’s stored policy, not the one in the payload', async () => {
    // given a payload whose policy would auto-approve the request at once
    const generous: RequestAccessCommand = {
      ...request,
      policy: {
        ...defaultApprovalPolicy,
        default: {
          ...defaultApprovalPolicy.default,
          autoApprove: [{ actions: ['write'], maxDurationSeconds: 86_400 }],
        },
      },
    };

    // when it is recorded
    await step(1, generous, signed(generous));

    // then the stored (default) policy applies: it waits for an approver
    const [requested] = await store.readStream(streamId);
    expect(await storedTypes()).toEqual(['AccessRequested']);
    expect(requested.data).toMatchObject({ mode: 'approval', policy: { autoApproveUpToSeconds: null } });
  });

  it('a decision signed for an earlier round is a conflict, not a vote in the new one', async () => {
    // given an active grant whose requester asked for an extension (round 1)
    await step(1, request, signed(request));
    await step(2, approveBy('alice'), signed(approveBy('alice')));
    const extend: AccessRequestCommand = {
      type: 'ExtendAccess',
      durationSeconds: 600,
      reason: 'more',
      actor: user('rita'),
      callerRoles: [],
      now,
    };
    await step(3, extend, signed(extend));

    // when bob's approval signed for round 0 arrives (an old message replayed)
    const failure = await refusal(step(4, approveBy('bob'), signed(approveBy('bob'), 0)));

    // then it is refused as stale, while the same approval signed for round 1 counts
    expect(failure).toMatchObject({ details: [{ kind: 'conflict', code: 'request-changed' }] });
    await step(4, approveBy('bob'), signed(approveBy('bob'), 1));
    expect((await storedTypes()).slice(-2)).toEqual(['AccessApprovalRecorded', 'AccessExtended']);
  });

  it('records a request only in the stream its workspace and id name', async () => {
    // when a signed request is sent to the stream of the earlier, unscoped form (or another tenant's)
    for (const elsewhere of [
      legacyAccessRequestStreamId('req-1'),
      accessRequestStreamId('globex', 'req-1'),
    ]) {
      const failure = await refusal(
        decideAccess({
          streamId: elsewhere,
          stepKey: 'jit-req-1/1',
          correlationId: 'req-1',
          command: request,
          signature: signed(request),
        }),
      );

      // then nothing is recorded there
      expect(failure).toMatchObject({ details: [{ code: 'request-not-found' }] });
      expect(await store.readStream(elsewhere)).toEqual([]);
    }
  });

  it('records the workflow’s own steps as the system, whoever the payload names', async () => {
    // given a request whose approval deadline has passed
    await step(1, request, signed(request));
    const late = new Date(Date.parse(now) + 25 * 3600 * 1000).toISOString();

    // when the timeout step arrives naming a user
    await step(
      2,
      { type: 'TimeOutApproval', round: 0, actor: user('mallory'), callerRoles: [], now: late },
      undefined,
    );

    // then it is recorded as the workflow's
    const stored = await store.readStream(streamId);
    expect(stored.map((event) => event.type)).toEqual(['AccessRequested', 'AccessRequestTimedOut']);
    expect(stored[1].actor).toEqual({ kind: 'system', id: 'jit-grant-workflow' });
  });
});
