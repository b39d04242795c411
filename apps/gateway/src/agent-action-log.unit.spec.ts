import type { Decision } from '@mandate/domain';
import { WrongExpectedVersion } from '@mandate/event-store';
import type { GatewaySession } from '@mandate/gateway';
import { openTestStore } from '../../../libs/projections/test/identity-log';
import { AgentActionLog } from './agent-action-log';

const session: GatewaySession = {
  sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  workspaceId: 'acme',
  channelId: 'eng',
  invokedBy: 'dave',
  runId: 'run-1',
  openedBy: 'runtime',
  expiresAtMs: Date.parse('2026-11-30T12:01:00.000Z'),
};
const request = {
  channelId: 'eng',
  connector: 'github',
  action: 'read',
  resource: 'acme/api',
  invokedBy: 'dave',
};
const allowed: Decision = {
  allowed: true,
  reason: 'baseline',
  provenance: { layer: 'baseline', rule: 'code' },
};

/** The store's writer reads its clock once per committed flush: the count is the number of commits. */
function given() {
  let commits = 0;
  const store = openTestStore({
    clock: () => {
      commits += 1;
      return new Date();
    },
  });
  const readStream = jest.spyOn(store, 'readStream');
  return { store, log: new AgentActionLog(store), commits: () => commits, readStream };
}

describe('the gateway’s agent action log', () => {
  it('given 20 calls decided in the same turn, when recorded, then one commit holds all their authorizations and no stream is read', async () => {
    const { store, log, commits, readStream } = given();

    const recorded = await Promise.all(
      Array.from({ length: 20 }, (_, index) => log.decided(session, request, allowed, `request-${index}`)),
    );

    expect(commits()).toBe(1);
    expect(readStream).not.toHaveBeenCalled();
    const events = await store.readAll();
    expect(events.map((event) => event.type)).toEqual(Array(20).fill('AgentActionAuthorized'));
    expect(recorded.map((action) => action.revision)).toEqual(Array(20).fill(0));
    await store.close();
  });

  it('given recorded calls, when their outcomes are recorded together, then they share one commit, each on its own call’s stream after its authorization', async () => {
    const { store, log, commits, readStream } = given();
    const recorded = await Promise.all(
      ['a', 'b', 'c'].map((id) => log.decided(session, request, allowed, `request-${id}`)),
    );

    await Promise.all([
      log.completed(recorded[0], 'upstream 200', 'request-a'),
      log.completed(recorded[1], 'upstream 404', 'request-b'),
      log.failed(recorded[2], 'upstream-unreachable', 'request-c'),
    ]);

    expect(commits()).toBe(2);
    expect(readStream).not.toHaveBeenCalled();
    readStream.mockRestore();
    const streamOf = async (id: string) =>
      (await store.readStream(`agent-action-acme.gateway:request-${id}`)).map(({ type, data }) => ({
        type,
        data,
      }));
    const [first] = await streamOf('a');
    expect(await streamOf('a')).toEqual([
      first,
      {
        type: 'AgentActionCompleted',
        data: { actionId: (first.data as { actionId: string }).actionId, detail: 'upstream 200' },
      },
    ]);
    expect((await streamOf('c')).map((event) => event.type)).toEqual([
      'AgentActionAuthorized',
      'AgentActionFailed',
    ]);
    await store.close();
  });

  it('given a call’s stream someone else wrote to, when the gateway records there, then the append is refused and nothing is overwritten', async () => {
    const { store, log } = given();
    const recorded = await log.decided(session, request, allowed, 'request-x');
    await log.completed(recorded, 'upstream 200', 'request-x');

    await expect(log.failed(recorded, 'late', 'request-x')).rejects.toBeInstanceOf(WrongExpectedVersion);
    await expect(log.decided(session, request, allowed, 'request-x')).rejects.toBeInstanceOf(
      WrongExpectedVersion,
    );
    expect((await store.readAll()).map((event) => event.type)).toEqual([
      'AgentActionAuthorized',
      'AgentActionCompleted',
    ]);
    await store.close();
  });
});
