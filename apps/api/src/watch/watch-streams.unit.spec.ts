import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { MessageEvent } from '@nestjs/common';
import type { Principal } from '@mandate/auth';
import { EffectivePermissionsProjection } from '@mandate/projections';
import { IdentityLog, openTestStore } from '../../../../libs/projections/test/identity-log';
import { systemClock } from '../clock';
import type { ProjectionService } from '../core/projection.service';
import { PermissionChangeFeed } from './permission-change.feed';
import { MAX_UNREAD_CHANGES, WatchStreams } from './watch-streams.service';

const gateway: Principal = {
  kind: 'service',
  id: 'tool-gateway',
  scopes: ['permissions:check'],
} as Principal;
const limits = { timeoutSeconds: 60, tokenExpiresAtMs: Date.now() + 60_000, heartbeatSeconds: 60 };

/** A socket whose peer reads nothing: its buffer stays full, `drain` never comes. */
const stalledSocket = () =>
  Object.assign(new EventEmitter(), { writableNeedDrain: true }) as unknown as Socket;

describe('WatchStreams: a client that does not read', () => {
  it('is dropped with `end: slow-consumer` once MAX_UNREAD_CHANGES are queued, instead of buffering without bound', async () => {
    // given a workspace whose check service watches through a socket that never drains
    const store = openTestStore();
    const log = new IdentityLog(store);
    await log.createWorkspace('acme');
    await log.workspace('acme', 'olivia', { type: 'BindService', serviceId: 'tool-gateway' });
    await log.channel('acme', 'olivia', {
      type: 'CreateChannel',
      channelId: 'eng',
      workspaceId: 'acme',
      name: 'eng',
      visibility: 'public',
    });
    const projection = new EffectivePermissionsProjection();
    projection.applyPage(await store.readAll());
    const projections = { projection } as unknown as ProjectionService;
    const streams = new WatchStreams(systemClock, store, projections, new PermissionChangeFeed(projections));
    const received: MessageEvent[] = [];
    const subscription = streams.stream(gateway, 'acme', limits, stalledSocket()).subscribe((event) => {
      received.push(event);
    });
    await new Promise((resolve) => setImmediate(resolve));

    // when more changes than that are applied
    const from = projection.position;
    await Promise.all(
      Array.from({ length: MAX_UNREAD_CHANGES + 5 }, (_, i) =>
        log.grant('acme', {
          grantId: `g-${i}`,
          channelId: 'eng',
          connector: 'github',
          actions: ['read'],
          resources: ['acme/api'],
          expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        }),
      ),
    );
    projection.applyPage(await store.readAll({ fromPosition: from + 1 }));

    // then the stream ends, having queued no more than the bound
    const changes = received.filter((event) => event.type === 'change');
    expect(received.at(-1)).toEqual({ type: 'end', data: { reason: 'slow-consumer' } });
    expect(changes.length).toBeLessThanOrEqual(MAX_UNREAD_CHANGES);
    expect(subscription.closed).toBe(true);
    await store.close();
  }, 20_000);
});
