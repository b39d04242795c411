import { accessRequestStreamId, legacyAccessRequestStreamId } from '@mandate/domain';
import type { RecordedEvent } from '@mandate/event-store';
import type { ReadModel } from '@mandate/projections';
import { type AccessRequestChange, AccessRequestChanges } from './access-request-changes';

let position = 0;
const event = (workspaceId: string, streamId: string, data: unknown): RecordedEvent => ({
  id: `e${++position}`,
  type: 'AccessRequested',
  streamId,
  streamVersion: 1,
  globalPosition: position,
  occurredAt: '2026-11-30T10:00:00.000Z',
  recordedAt: '2026-11-30T10:00:00.000Z',
  workspaceId,
  actor: { kind: 'user', id: 'dave' },
  data,
  metadata: { correlationId: 'c', causationId: null, schemaVersion: 1 },
  prevHash: '',
  hash: '',
});
const requestEvent = (workspaceId: string, requestId: string) =>
  event(workspaceId, accessRequestStreamId(workspaceId, requestId), { requestId });

/** A model that records what it was given, as the access-requests view's model would fold it. */
function recordingModel() {
  const applied: RecordedEvent[] = [];
  const model: ReadModel = {
    get position() {
      return applied.at(-1)?.globalPosition ?? 0;
    },
    applyPage: (events) => applied.push(...events),
  };
  return { model, applied };
}

describe('AccessRequestChanges: which requests of a workspace a page of the log changed', () => {
  it('tells a workspace’s listeners its changed requests once the model applied the page, deduplicated', () => {
    // given a listener on acme, and the view's model observed
    const changes = new AccessRequestChanges();
    const { model, applied } = recordingModel();
    const observed = changes.observe(model);
    const heard: Array<AccessRequestChange & { appliedThen: number }> = [];
    changes.listen('acme', (change) => heard.push({ ...change, appliedThen: applied.length }));

    // when a page with two events of one request and one of another is applied
    const page = [requestEvent('acme', 'r1'), requestEvent('acme', 'r1'), requestEvent('acme', 'r2')];
    observed.applyPage(page);

    // then the listener hears both ids once, after the model holds the whole page
    expect(heard).toEqual([{ requestIds: ['r1', 'r2'], position: page[2].globalPosition, appliedThen: 3 }]);
    expect(observed.position).toBe(page[2].globalPosition);
  });

  it('keeps tenants apart and ignores other streams; legacy request streams count', () => {
    // given listeners on acme and globex
    const changes = new AccessRequestChanges();
    const observed = changes.observe(recordingModel().model);
    const acme: string[][] = [];
    const globex: string[][] = [];
    changes.listen('acme', ({ requestIds }) => acme.push(requestIds));
    changes.listen('globex', ({ requestIds }) => globex.push(requestIds));

    // when globex's request, an identity event of acme and a legacy acme request stream are applied
    observed.applyPage([
      requestEvent('globex', 'secret'),
      event('acme', 'workspace-acme', { requestId: 'not-a-request' }),
      event('acme', legacyAccessRequestStreamId('old'), { requestId: 'old' }),
    ]);

    // then each hears only its own requests
    expect(acme).toEqual([['old']]);
    expect(globex).toEqual([['secret']]);
  });

  it('stops telling a listener that stopped, even one that stops while being told', () => {
    // given two listeners, the first of which stops the second when told
    const changes = new AccessRequestChanges();
    const observed = changes.observe(recordingModel().model);
    const heard: string[] = [];
    let stopSecond = () => undefined as void;
    changes.listen('acme', () => {
      heard.push('first');
      stopSecond();
    });
    stopSecond = changes.listen('acme', () => heard.push('second'));

    // when two pages are applied
    observed.applyPage([requestEvent('acme', 'r1')]);
    observed.applyPage([requestEvent('acme', 'r2')]);

    // then the second heard the first page only (it was told with the copy taken before), the first both
    expect(heard).toEqual(['first', 'second', 'first']);
  });
});
