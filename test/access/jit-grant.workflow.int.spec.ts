import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  DOMAIN_REFUSAL,
  approveUpdate,
  cancelUpdate,
  denyUpdate,
  extendUpdate,
  revokeUpdate,
  reviewUpdate,
  statusQuery,
} from '@mandate/workflows';
import { ApplicationFailure } from '@temporalio/common';
import {
  as,
  handleOf,
  type JitKit,
  policyWith,
  recordHistory,
  requestCommand,
  startJitKit,
  storedEvents,
  storedTypes,
  submit,
} from './jit-test-kit';

const refusalCode = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (error as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe(DOMAIN_REFUSAL);
    return ((cause as ApplicationFailure).details?.[0] as { code: string }).code;
  }
  throw new Error('expected the update to be refused');
};

const quorum2 = policyWith({ quorum: 2 });

describe('JIT grant workflow on the local Temporal server', () => {
  let kit: JitKit;

  beforeAll(async () => {
    kit = await startJitKit();
  }, 120_000);

  afterAll(async () => {
    await kit?.close();
  }, 60_000);

  it('approve, quorum 1: granted at approval; the update returns the grant position', async () => {
    // given a pending request
    const command = requestCommand();
    const submitted = await submit(kit, command);
    expect(submitted.status).toBe('pending');

    // when an approver approves
    const result = await handleOf(kit, command.requestId).executeUpdate(approveUpdate, {
      args: [{ ...as('alice', ['approver']), comment: 'ok' }],
    });

    // then the grant is active and its position is the AccessGranted event's
    const events = await storedEvents(kit, command.requestId);
    expect(events.map((event) => event.type)).toEqual([
      'AccessRequested',
      'AccessApprovalRecorded',
      'AccessApproved',
      'AccessGranted',
    ]);
    expect(result).toMatchObject({ status: 'active', position: events[3].globalPosition });
    expect(events[3].data).toMatchObject({ grantId: command.requestId, approvers: ['alice'] });
    await handleOf(kit, command.requestId).executeUpdate(revokeUpdate, {
      args: [{ ...as('bob', ['admin']), reason: 'test over' }],
    });
    await recordHistory(kit, command.requestId, 'approve-quorum-1');
  }, 30_000);

  it('approve, quorum 2: the same approver twice counts once; a second approver grants', async () => {
    const command = requestCommand({ policy: quorum2 });
    await submit(kit, command);
    const handle = handleOf(kit, command.requestId);

    await handle.executeUpdate(approveUpdate, { args: [{ ...as('alice', ['approver']), comment: null }] });
    expect(
      await refusalCode(
        handle.executeUpdate(approveUpdate, { args: [{ ...as('alice', ['approver']), comment: null }] }),
      ),
    ).toBe('duplicate-vote');
    expect((await handle.query(statusQuery)).state.status).toBe('pending');

    await handle.executeUpdate(approveUpdate, { args: [{ ...as('bob', ['approver']), comment: null }] });
    expect(await storedTypes(kit, command.requestId)).toEqual([
      'AccessRequested',
      'AccessApprovalRecorded',
      'AccessApprovalRecorded',
      'AccessApproved',
      'AccessGranted',
    ]);
    await handleOf(kit, command.requestId).executeUpdate(revokeUpdate, {
      args: [{ ...as('bob', ['admin']), reason: 'test over' }],
    });
    await recordHistory(kit, command.requestId, 'approve-quorum-2');
  }, 30_000);

  it('separation of duties: the requester and the invoker are refused, and so is a non-approver', async () => {
    const command = requestCommand();
    await submit(kit, command);
    const handle = handleOf(kit, command.requestId);
    expect(
      await refusalCode(
        handle.executeUpdate(approveUpdate, { args: [{ ...as('rita', ['approver']), comment: null }] }),
      ),
    ).toBe('self-approval-forbidden');
    expect(
      await refusalCode(
        handle.executeUpdate(approveUpdate, { args: [{ ...as('ivan', ['admin']), comment: null }] }),
      ),
    ).toBe('self-approval-forbidden');
    expect(
      await refusalCode(handle.executeUpdate(approveUpdate, { args: [{ ...as('mallory'), comment: null }] })),
    ).toBe('not-an-approver');
    expect(await storedTypes(kit, command.requestId)).toEqual(['AccessRequested']);
    await handle.executeUpdate(cancelUpdate, { args: [{ ...as('rita'), comment: null }] });
    await recordHistory(kit, command.requestId, 'separation-of-duties');
  }, 30_000);

  it('deny: any deny ends the request, even with a quorum of 2 and a vote already in', async () => {
    const command = requestCommand({ policy: quorum2 });
    await submit(kit, command);
    const handle = handleOf(kit, command.requestId);
    await handle.executeUpdate(approveUpdate, { args: [{ ...as('alice', ['approver']), comment: null }] });
    const denied = await handle.executeUpdate(denyUpdate, {
      args: [{ ...as('bob', ['approver']), comment: 'not now' }],
    });
    expect(denied.status).toBe('denied');
    await handle.result();
    expect(await storedTypes(kit, command.requestId)).toEqual([
      'AccessRequested',
      'AccessApprovalRecorded',
      'AccessDenied',
    ]);
    await recordHistory(kit, command.requestId, 'deny');
  }, 30_000);

  it('a decision on a closed request that is still running is refused as closed', async () => {
    // given a break-glass grant that was revoked but still awaits its review (the workflow runs on)
    const command = requestCommand({
      breakGlass: true,
      durationSeconds: 300,
      policy: policyWith({ breakGlass: { roles: ['member'], principals: [], maxDurationSeconds: 600 } }),
    });
    await submit(kit, command);
    const handle = handleOf(kit, command.requestId);
    await handle.executeUpdate(revokeUpdate, { args: [{ ...as('bob', ['admin']), reason: 'done' }] });
    // when an approver tries to approve or revoke again
    // then both are refused with request-closed and nothing is written
    expect(
      await refusalCode(
        handle.executeUpdate(approveUpdate, { args: [{ ...as('alice', ['approver']), comment: null }] }),
      ),
    ).toBe('request-closed');
    expect(
      await refusalCode(
        handle.executeUpdate(revokeUpdate, { args: [{ ...as('alice', ['approver']), reason: 'again' }] }),
      ),
    ).toBe('request-closed');
    await handle.executeUpdate(reviewUpdate, {
      args: [{ ...as('alice', ['approver']), verdict: 'unjustified', comment: null }],
    });
    await handle.result();
    expect(await storedTypes(kit, command.requestId)).toEqual([
      'AccessRequested',
      'AccessGranted',
      'AccessRevoked',
      'BreakGlassReviewed',
    ]);
    await recordHistory(kit, command.requestId, 'closed-break-glass-revoked');
  }, 30_000);

  it('cancel by the requester', async () => {
    const command = requestCommand();
    await submit(kit, command);
    const handle = handleOf(kit, command.requestId);
    expect(
      await refusalCode(
        handle.executeUpdate(cancelUpdate, { args: [{ ...as('bob', ['admin']), comment: null }] }),
      ),
    ).toBe('not-the-requester');
    await handle.executeUpdate(cancelUpdate, { args: [{ ...as('rita'), comment: 'solved' }] });
    await handle.result();
    expect(await storedTypes(kit, command.requestId)).toEqual(['AccessRequested', 'AccessRequestCancelled']);
    await recordHistory(kit, command.requestId, 'cancel');
  }, 30_000);

  it('approval timeout', async () => {
    const command = requestCommand({ policy: policyWith({ approvalTimeoutSeconds: 1 }) });
    await submit(kit, command);
    await handleOf(kit, command.requestId).result();
    expect(await storedTypes(kit, command.requestId)).toEqual(['AccessRequested', 'AccessRequestTimedOut']);
    await recordHistory(kit, command.requestId, 'timeout');
  }, 30_000);

  it('expiry: the grant ends on its own at expiresAt', async () => {
    const command = requestCommand({ durationSeconds: 2 });
    await submit(kit, command);
    const handle = handleOf(kit, command.requestId);
    await handle.executeUpdate(approveUpdate, { args: [{ ...as('alice', ['approver']), comment: null }] });
    await handle.result();
    const events = await storedEvents(kit, command.requestId);
    expect(events.map((event) => event.type)).toEqual([
      'AccessRequested',
      'AccessApprovalRecorded',
      'AccessApproved',
      'AccessGranted',
      'AccessExpired',
    ]);
    const { expiresAt } = events[3].data as { expiresAt: string };
    expect(Date.parse(events[4].recordedAt)).toBeGreaterThanOrEqual(Date.parse(expiresAt));
    expect(Date.parse(events[4].recordedAt) - Date.parse(expiresAt)).toBeLessThan(2000);
    await recordHistory(kit, command.requestId, 'expiry');
  }, 30_000);

  it('revoke by an admin ends the grant at once', async () => {
    const command = requestCommand();
    await submit(kit, command);
    const handle = handleOf(kit, command.requestId);
    await handle.executeUpdate(approveUpdate, { args: [{ ...as('alice', ['approver']), comment: null }] });
    expect(
      await refusalCode(handle.executeUpdate(revokeUpdate, { args: [{ ...as('mallory'), reason: 'x' }] })),
    ).toBe('not-an-approver');
    const revoked = await handle.executeUpdate(revokeUpdate, {
      args: [{ ...as('bob', ['admin']), reason: 'incident over' }],
    });
    expect(revoked.status).toBe('revoked');
    await handle.result();
    expect(await storedTypes(kit, command.requestId)).toEqual([
      'AccessRequested',
      'AccessApprovalRecorded',
      'AccessApproved',
      'AccessGranted',
      'AccessRevoked',
    ]);
    await recordHistory(kit, command.requestId, 'revoke');
  }, 30_000);

  it('extend: a new approval round moves expiresAt; the timer follows it', async () => {
    const command = requestCommand({ durationSeconds: 2 });
    await submit(kit, command);
    const handle = handleOf(kit, command.requestId);
    const granted = await handle.executeUpdate(approveUpdate, {
      args: [{ ...as('alice', ['approver']), comment: null }],
    });
    await handle.executeUpdate(extendUpdate, {
      args: [{ ...as('rita'), durationSeconds: 2, reason: 'more time' }],
    });
    const extended = await handle.executeUpdate(approveUpdate, {
      args: [{ ...as('bob', ['approver']), comment: null }],
    });
    expect(Date.parse(extended.expiresAt as string) - Date.parse(granted.expiresAt as string)).toBe(2000);
    await handle.result();
    const events = await storedEvents(kit, command.requestId);
    expect(events.map((event) => event.type)).toEqual([
      'AccessRequested',
      'AccessApprovalRecorded',
      'AccessApproved',
      'AccessGranted',
      'AccessExtensionRequested',
      'AccessApprovalRecorded',
      'AccessExtended',
      'AccessExpired',
    ]);
    expect(events[7].data).toMatchObject({ expiresAt: extended.expiresAt });
    expect(Date.parse(events[7].recordedAt)).toBeGreaterThanOrEqual(Date.parse(extended.expiresAt as string));
    await recordHistory(kit, command.requestId, 'extend');
  }, 30_000);

  it('auto-approve: read-only access up to the rule duration is granted at request time', async () => {
    const command = requestCommand({
      actions: ['read'],
      durationSeconds: 1,
      policy: policyWith({ autoApprove: [{ actions: ['read'], maxDurationSeconds: 3600 }] }),
    });
    const submitted = await submit(kit, command);
    expect(submitted.status).toBe('active');
    await handleOf(kit, command.requestId).result();
    expect(await storedTypes(kit, command.requestId)).toEqual([
      'AccessRequested',
      'AccessGranted',
      'AccessExpired',
    ]);
    await recordHistory(kit, command.requestId, 'auto-approve');
  }, 30_000);

  it('break-glass: active at once, then held open until someone else reviews it', async () => {
    const command = requestCommand({
      breakGlass: true,
      durationSeconds: 1,
      policy: policyWith({ breakGlass: { roles: ['member'], principals: [], maxDurationSeconds: 600 } }),
    });
    expect((await submit(kit, command)).status).toBe('active');
    const handle = handleOf(kit, command.requestId);
    expect(
      await refusalCode(
        handle.executeUpdate(reviewUpdate, {
          args: [{ ...as('rita', ['approver']), verdict: 'justified', comment: null }],
        }),
      ),
    ).toBe('self-approval-forbidden');
    await handle.executeUpdate(reviewUpdate, {
      args: [{ ...as('alice', ['approver']), verdict: 'justified', comment: 'outage' }],
    });
    await handle.result();
    const types = await storedTypes(kit, command.requestId);
    expect(types.slice(0, 2)).toEqual(['AccessRequested', 'AccessGranted']);
    expect([...types.slice(2)].sort()).toEqual(['AccessExpired', 'BreakGlassReviewed']);
    await recordHistory(kit, command.requestId, 'break-glass');
  }, 30_000);

  it('starting the same request twice is a no-op', async () => {
    const command = requestCommand();
    await submit(kit, command);
    await submit(kit, command);
    expect(await storedTypes(kit, command.requestId)).toEqual(['AccessRequested']);
    await handleOf(kit, command.requestId).executeUpdate(cancelUpdate, {
      args: [{ ...as('rita'), comment: null }],
    });
    await recordHistory(kit, command.requestId, 'start-twice');
  }, 30_000);

  it('50 concurrent approvals of a quorum-1 request: exactly one AccessGranted', async () => {
    const command = requestCommand();
    await submit(kit, command);
    const handle = handleOf(kit, command.requestId);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) =>
        handle.executeUpdate(approveUpdate, {
          args: [{ ...as(`approver-${index}`, ['approver']), comment: null }],
        }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const types = await storedTypes(kit, command.requestId);
    expect(types).toEqual(['AccessRequested', 'AccessApprovalRecorded', 'AccessApproved', 'AccessGranted']);
    await handle.executeUpdate(revokeUpdate, { args: [{ ...as('bob', ['admin']), reason: 'test over' }] });
    await recordHistory(kit, command.requestId, 'concurrent-approvals');
  }, 60_000);
});
