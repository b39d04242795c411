import { ApplicationFailure } from '@temporalio/common';
import { accessRequestStreamId, defaultApprovalPolicy, eventSchemas } from '@mandate/domain';
import { EventSchemaRegistry, SqliteEventStore } from '@mandate/event-store';
import { DOMAIN_REFUSAL, type RequestAccessCommand } from '@mandate/workflows';
import { createAccessActivities } from './access.activities';

const now = '2026-11-29T12:00:00.000Z';
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
  actor: { kind: 'user', id: 'rita' },
  callerRoles: ['member'],
  now,
};
const approve = {
  type: 'ApproveAccess' as const,
  comment: null,
  actor: { kind: 'user' as const, id: 'alice' },
  callerRoles: ['approver' as const],
  now,
};
const streamId = accessRequestStreamId('req-1');

describe('decideAccess activity', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:', schemas: new EventSchemaRegistry(eventSchemas) });
  });
  afterEach(() => store.close());

  it('appends what the decider decides, with ids derived from the step, and answers the last position', async () => {
    const { decideAccess } = createAccessActivities(store);
    const result = await decideAccess({
      streamId,
      stepKey: 'jit-req-1/1',
      correlationId: 'req-1',
      command: request,
    });
    const stored = await store.readStream(streamId);
    expect(stored.map((event) => event.type)).toEqual(['AccessRequested']);
    expect(result).toEqual({
      events: [{ type: 'AccessRequested', data: stored[0].data }],
      position: stored[0].globalPosition,
    });
    expect(stored[0].metadata).toMatchObject({ correlationId: 'req-1', causationId: 'jit-req-1/1' });
  });

  it('a retried step appends nothing and returns the events it appended the first time', async () => {
    // given a step that appended its events, then was retried (say, the worker died before reporting)
    const { decideAccess } = createAccessActivities(store);
    await decideAccess({ streamId, stepKey: 'jit-req-1/1', correlationId: 'req-1', command: request });
    const first = await decideAccess({
      streamId,
      stepKey: 'jit-req-1/2',
      correlationId: 'req-1',
      command: approve,
    });

    // when the same step runs again (the decider alone would now refuse a duplicate vote)
    const retried = await decideAccess({
      streamId,
      stepKey: 'jit-req-1/2',
      correlationId: 'req-1',
      command: approve,
    });

    // then it answers what it wrote and the stream holds it once
    expect(retried).toEqual(first);
    expect((await store.readStream(streamId)).map((event) => event.type)).toEqual([
      'AccessRequested',
      'AccessApprovalRecorded',
      'AccessApproved',
      'AccessGranted',
    ]);
  });

  it('a refusal by the decider is a non-retryable DomainRefusal carrying the code', async () => {
    const { decideAccess } = createAccessActivities(store);
    await decideAccess({ streamId, stepKey: 'jit-req-1/1', correlationId: 'req-1', command: request });
    const selfApproval = { ...approve, actor: { kind: 'user' as const, id: 'rita' } };

    const failure = await decideAccess({
      streamId,
      stepKey: 'jit-req-1/2',
      correlationId: 'req-1',
      command: selfApproval,
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: DOMAIN_REFUSAL,
      nonRetryable: true,
      details: [{ kind: 'forbidden', code: 'self-approval-forbidden' }],
    });
    expect(await store.readStream(streamId)).toHaveLength(1);
  });
});
