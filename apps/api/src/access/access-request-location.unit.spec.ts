import { randomUUID } from 'node:crypto';
import { eventSchemas } from '@mandate/domain';
import { EventSchemaRegistry, SqliteEventStore } from '@mandate/event-store';
import { isSameRequest, locateRequest } from './access-request-location';
import type { CreateAccessRequestBody } from './access.schemas';

const requested = (workspaceId: string, requestId: string, overrides: Record<string, unknown> = {}) => ({
  requestId,
  workspaceId,
  channelId: 'eng',
  connector: 'github',
  actions: ['write'],
  resources: ['acme/api'],
  durationSeconds: 3600,
  reason: 'hotfix',
  ticket: null,
  requestedBy: 'rita',
  requestedByKind: 'user' as const,
  invokedBy: null,
  mode: 'approval' as const,
  policy: {
    approvers: [{ roles: ['approver' as const], principals: [] }],
    quorum: 1,
    maxDurationSeconds: 28_800,
    approvalTimeoutSeconds: 86_400,
    autoApproveUpToSeconds: null,
  },
  approvalDeadline: '2026-11-30T12:00:00.000Z',
  ...overrides,
});

const body: CreateAccessRequestBody = {
  requestId: 'req-1',
  channelId: 'eng',
  connector: 'github',
  actions: ['write'],
  resources: ['acme/api'],
  durationSeconds: 3600,
  reason: ' hotfix ',
  ticket: null,
  invokedBy: null,
  breakGlass: false,
};

describe('locating an access request', () => {
  let store: SqliteEventStore;
  const append = (streamId: string, workspaceId: string, requestId: string) =>
    store.append(
      streamId,
      [
        {
          id: randomUUID(),
          type: 'AccessRequested',
          data: requested(workspaceId, requestId),
          occurredAt: '2026-11-29T12:00:00.000Z',
          workspaceId,
          actor: { kind: 'user', id: 'rita' },
          metadata: { correlationId: requestId, causationId: null },
        },
      ],
      { expectedRevision: 'no_stream' },
    );

  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:', schemas: new EventSchemaRegistry(eventSchemas) });
  });
  afterEach(() => store.close());

  it('finds a request in its workspace-scoped stream, run by its workspace-scoped workflow', async () => {
    await append('access-request-acme.req-1', 'acme', 'req-1');
    expect(await locateRequest(store, 'acme', 'req-1')).toMatchObject({
      streamId: 'access-request-acme.req-1',
      workflowId: 'jit-acme.req-1',
    });
    expect(await locateRequest(store, 'globex', 'req-1')).toBeUndefined();
  });

  it('finds a request recorded before ids were scoped, for its own workspace only', async () => {
    // given a request in the stream of the earlier form, recorded for acme
    await append('access-request-old-1', 'acme', 'old-1');

    // then acme finds it where it is, with the workflow that runs it; globex does not
    expect(await locateRequest(store, 'acme', 'old-1')).toMatchObject({
      streamId: 'access-request-old-1',
      workflowId: 'jit-old-1',
    });
    expect(await locateRequest(store, 'globex', 'old-1')).toBeUndefined();
  });
});

describe('is a posted body the stored request?', () => {
  const asked = { requestedBy: { kind: 'user' as const, id: 'rita' }, invokedBy: null, body };

  it('the same body, spelled as the decider records it, is the same request', () => {
    expect(isSameRequest(requested('acme', 'req-1'), asked)).toBe(true);
  });

  it.each([
    ['another requester', { ...asked, requestedBy: { kind: 'user' as const, id: 'rob' } }],
    [
      'a service sharing the requester’s subject',
      { ...asked, requestedBy: { kind: 'service' as const, id: 'rita' } },
    ],
    ['another invoker', { ...asked, invokedBy: 'ivan' }],
    ['another resource', { ...asked, body: { ...body, resources: ['acme/web'] } }],
    ['another action', { ...asked, body: { ...body, actions: ['read'] } }],
    ['another duration', { ...asked, body: { ...body, durationSeconds: 60 } }],
    ['another reason', { ...asked, body: { ...body, reason: 'other' } }],
    ['break-glass', { ...asked, body: { ...body, breakGlass: true } }],
  ])('%s is another request', (_, other) => {
    expect(isSameRequest(requested('acme', 'req-1'), other)).toBe(false);
  });
});
