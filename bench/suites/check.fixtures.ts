import { join } from 'node:path';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { v7 as uuidv7 } from 'uuid';
import { eventSchemas, type PermissionQuery } from '@mandate/domain';
import { EventSchemaRegistry, type NewEvent, SqliteEventStore } from '@mandate/event-store';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import type { BenchContext } from '../harness';

/** The check suite's logs (generated once, cached under .mandate/bench/check) and its query mix. */
export const ROOT = join(__dirname, '..', '..');
export const DIR = join(ROOT, '.mandate', 'bench', 'check');
export const WS = 'bench';
/** Bump when the generated logs change shape, so stale cached files are rebuilt. */
const LOG_VERSION = 1;
const EXPIRES = '2099-01-01T00:00:00.000Z';

export interface Shape {
  channels: number;
  connections: number;
  patternsPerConnection: number;
  grants: number;
}
export const fullShape: Shape = { channels: 50, connections: 20, patternsPerConnection: 10, grants: 10_000 };
export const quickShape: Shape = { channels: 10, connections: 5, patternsPerConnection: 4, grants: 1_000 };

const connectors = ['github', 'jira', 'linear', 'notion'] as const;
const connectorOf = (c: number) => connectors[c % connectors.length];
const writeOf = (connector: string) => (connector === 'notion' ? 'edit' : 'write');
/** Connection `c`'s resources: exact names, `x/*` and `x/**` patterns. */
function patternsOf(c: number, count: number): string[] {
  return Array.from({ length: count }, (_, k) =>
    k < count / 2 ? `org${c}/repo${k}` : k % 2 ? `org${c}-${k}/*` : `org${c}-${k}/**`,
  );
}
const channelId = (index: number) => `ch-${index}`;
const grantResource = (g: number) => `org0/grant-${g}`;

export const openStore = (path: string) =>
  new SqliteEventStore({
    path,
    schemas: new EventSchemaRegistry(eventSchemas),
    synchronous: 'NORMAL',
  });

/**
 * The benchmark workspace through the real deciders: a baseline of `connections` connections with
 * their patterns, `channels` channels each restricting one repository and extending another.
 */
async function writeWorkspace(store: SqliteEventStore, shape: Shape): Promise<void> {
  const log = new IdentityLog(store);
  await log.workspace(WS, 'owner', {
    type: 'CreateWorkspace',
    workspaceId: WS,
    name: 'Bench',
    actorIsPlatformAdmin: true,
  });
  await log.workspace(WS, 'owner', { type: 'BindService', serviceId: 'bench-gateway' });
  await log.baseline(WS, 'owner', {
    connections: Array.from({ length: shape.connections }, (_, c) => ({
      id: `conn-${c}`,
      connector: connectorOf(c),
      account: `bot-${c}`,
      actions: [writeOf(connectorOf(c))],
      resources: patternsOf(c, shape.patternsPerConnection),
    })),
    egress: [{ host: 'api.github.com', ports: [443] }],
  });
  for (let index = 0; index < shape.channels; index++) {
    const id = channelId(index);
    await log.channel(WS, 'owner', {
      type: 'CreateChannel',
      channelId: id,
      workspaceId: WS,
      name: id,
      visibility: 'public',
    });
    await log.channel(WS, 'owner', {
      type: 'RestrictChannel',
      channelId: id,
      rule: { id: 'no-repo1', connector: 'github', actions: ['write'], resources: ['org0/repo1'] },
    });
    await log.channel(WS, 'owner', {
      type: 'ExtendChannel',
      channelId: id,
      rule: { id: 'extra', connector: 'github', actions: ['read'], resources: [`team-${index}/**`] },
    });
  }
}

function grantEvent(g: number, shape: Shape): NewEvent {
  return envelope('AccessGranted', {
    grantId: `g-${g}`,
    requestId: `g-${g}`,
    workspaceId: WS,
    channelId: channelId(g % shape.channels),
    connector: 'github',
    actions: ['write'],
    resources: [grantResource(g)],
    grantedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: EXPIRES,
    approvers: ['approver'],
    mode: 'approval',
  });
}

function envelope(type: string, data: unknown): NewEvent {
  return {
    id: uuidv7(),
    type,
    data,
    occurredAt: '2026-01-01T00:00:00.000Z',
    workspaceId: WS,
    actor: { kind: 'system', id: 'bench' },
    metadata: { correlationId: uuidv7(), causationId: null },
  };
}

/** Appends concurrently, so the store's group commit writes many per transaction. */
async function appendAll(store: SqliteEventStore, items: Array<{ stream: string; event: NewEvent }>) {
  const chunk = 2_000;
  for (let from = 0; from < items.length; from += chunk) {
    await Promise.all(
      items
        .slice(from, from + chunk)
        .map(({ stream, event }) => store.append(stream, [event], { expectedRevision: 'any' })),
    );
  }
}

/** The workspace plus its active grants (what the API serves). */
export async function workspaceLog(shape: Shape, quick: boolean): Promise<string> {
  const path = join(DIR, `workspace-v${LOG_VERSION}${quick ? '-quick' : ''}.sqlite`);
  if (existsSync(path)) return path;
  const building = `${path}.building`;
  rmSync(building, { force: true });
  const store = openStore(building);
  await writeWorkspace(store, shape);
  await appendAll(
    store,
    Array.from({ length: shape.grants }, (_, g) => ({
      stream: `access-request-g-${g}`,
      event: grantEvent(g, shape),
    })),
  );
  await store.close();
  renameSync(building, path);
  return path;
}

/**
 * `total` events: the workspace, then grant churn — every grant beyond the active window expires
 * an older one — so `shape.grants` stay active however long the log.
 */
export async function churnLog(shape: Shape, total: number, context: BenchContext): Promise<string> {
  const path = join(DIR, `churn-v${LOG_VERSION}-${total}.sqlite`);
  if (existsSync(path)) return path;
  context.log(`generating a ${total}-event log (cached in ${path})`);
  const building = `${path}.building`;
  rmSync(building, { force: true });
  const store = openStore(building);
  await writeWorkspace(store, shape);
  let written = await store.headPosition();
  let g = 0;
  while (written < total) {
    const items: Array<{ stream: string; event: NewEvent }> = [];
    for (let i = 0; i < 2_000 && written + items.length < total; i++, g++) {
      items.push({ stream: `access-request-g-${g}`, event: grantEvent(g, shape) });
      const old = g - shape.grants;
      if (old >= 0 && written + items.length < total) {
        items.push({
          stream: `access-request-g-${old}`,
          event: envelope('AccessExpired', {
            grantId: `g-${old}`,
            requestId: `g-${old}`,
            expiresAt: EXPIRES,
          }),
        });
      }
    }
    await appendAll(store, items);
    written += items.length;
  }
  await store.close();
  renameSync(building, path);
  return path;
}

/** A mix: baseline allows, JIT allows, restrictions, channel extensions and default denials. */
export function queries(shape: Shape, count: number): PermissionQuery[] {
  return Array.from({ length: count }, (_, i) => {
    const channel = channelId(i % shape.channels);
    switch (i % 5) {
      case 0: {
        const c = i % shape.connections;
        return {
          channelId: channel,
          connector: connectorOf(c),
          action: writeOf(connectorOf(c)),
          resource: `org${c}/repo0`,
        };
      }
      case 1: {
        const g = (i * 7) % shape.grants;
        return {
          channelId: channelId(g % shape.channels),
          connector: 'github',
          action: 'write',
          resource: grantResource(g),
        };
      }
      case 2:
        return { channelId: channel, connector: 'github', action: 'write', resource: 'org0/repo1' };
      case 3:
        return {
          channelId: channel,
          connector: 'github',
          action: 'read',
          resource: `team-${i % shape.channels}/x/y`,
        };
      default:
        return { channelId: channel, connector: 'github', action: 'admin', resource: `unknown/repo-${i}` };
    }
  });
}
