import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import { DIR, openStore } from './check.fixtures';

/**
 * The model both systems serve, side by side: `channels` channels × `repositories` repositories,
 * each (channel, repository) pair one relationship — `read` or `write`, `write` implying `read` —
 * written in Mandate as one channel extension each and in SpiceDB as one relationship each.
 */
export const PEERS_WS = 'peers';
/** Bump when the generated log changes shape, so a stale cached file is rebuilt. */
const LOG_VERSION = 1;

export interface PeersShape {
  channels: number;
  repositories: number;
}
export const fullPeersShape: PeersShape = { channels: 50, repositories: 200 };
export const quickPeersShape: PeersShape = { channels: 5, repositories: 20 };

export const channelOf = (c: number) => `ch-${c}`;
export const repositoryOf = (r: number) => `repo-${r}`;
/** Every other pair is a writer, so half the checks of `write` are allowed and every `read` is. */
export const relationOf = (c: number, r: number): 'read' | 'write' => ((c + r) % 2 ? 'read' : 'write');

export interface PeerCheck {
  channel: string;
  repository: string;
  permission: 'read' | 'write';
}

/** A fixed mix over the model: reads and writes, allowed and denied, spread over every channel. */
export function peerChecks(shape: PeersShape, count: number): PeerCheck[] {
  return Array.from({ length: count }, (_, i) => ({
    channel: channelOf(i % shape.channels),
    repository: repositoryOf((i * 7) % (shape.repositories + 10)), // 10 repositories nobody holds
    permission: i % 3 ? 'read' : 'write',
  }));
}

/** Mandate's side: the workspace, a service to check with, and one extension per relationship. */
export async function peersLog(shape: PeersShape): Promise<string> {
  const path = join(DIR, `peers-v${LOG_VERSION}-${shape.channels}x${shape.repositories}.sqlite`);
  if (existsSync(path)) return path;
  const building = `${path}.building`;
  rmSync(building, { force: true });
  const store = openStore(building);
  const log = new IdentityLog(store);
  await log.workspace(PEERS_WS, 'owner', {
    type: 'CreateWorkspace',
    workspaceId: PEERS_WS,
    name: 'Peers',
    actorIsPlatformAdmin: true,
  });
  await log.workspace(PEERS_WS, 'owner', { type: 'BindService', serviceId: 'bench-gateway' });
  for (let c = 0; c < shape.channels; c++) {
    const channelId = channelOf(c);
    await log.channel(PEERS_WS, 'owner', {
      type: 'CreateChannel',
      channelId,
      workspaceId: PEERS_WS,
      name: channelId,
      visibility: 'public',
    });
    for (let r = 0; r < shape.repositories; r++) {
      await log.channel(PEERS_WS, 'owner', {
        type: 'ExtendChannel',
        channelId,
        rule: {
          id: `rel-${r}`,
          connector: 'github',
          actions: [relationOf(c, r)],
          resources: [`peers/${repositoryOf(r)}`],
        },
      });
    }
  }
  await store.close();
  renameSync(building, path);
  return path;
}

/** The same check as Mandate's `POST /v1/check` body. */
export const mandateCheck = (check: PeerCheck) => ({
  workspaceId: PEERS_WS,
  channelId: check.channel,
  connector: 'github',
  action: check.permission,
  resource: `peers/${check.repository}`,
});
