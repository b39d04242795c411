import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import {
  agentIdentityDecider,
  agentIdentityStreamId,
  baselineOf,
  type OverlayRule,
  type PermissionQuery,
} from '@mandate/domain';
import { foldStream } from '@mandate/event-store';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import { openStore, WS } from './check.fixtures';

/** How many overlay rules the `_with_overlays` figures carry, and the invoker the checks name. */
export const OVERLAYS = 50;
export const OVERLAY_INVOKER = 'bench-invoker';
/** Bump when the overlays change shape, so a stale cached log is rebuilt. */
const OVERLAYS_VERSION = 1;

/**
 * Overlay `k`: every fifth covers all of `org0` (where the measured check's JIT grant lies) for
 * listed principals including the checks' invoker, so each check visits ten overlays that hold
 * before the JIT layer answers; the others guard other organisations by role or group (never
 * `invokerCan`: the connector's answer is not what this figure measures).
 */
function overlayOf(k: number): OverlayRule {
  const base = { id: `overlay-${k}`, connector: 'github', actions: [k % 2 === 0 ? 'write' : 'read'] };
  if (k % 5 === 0) {
    return {
      ...base,
      actions: ['write'],
      resources: ['org0/**'],
      invoker: { principals: [OVERLAY_INVOKER, `lead-${k}`] },
    };
  }
  const resources = [`guarded-${k}/**`, `org${k % 7}-${k}/*`];
  return { ...base, resources, invoker: k % 2 === 0 ? { role: 'approver' } : { group: `group-${k}` } };
}

/**
 * The workspace log with `OVERLAYS` overlay rules added to its baseline through the decider (the
 * same document plus overlays: only `OverlayRuleAdded` events are written), cached beside it.
 */
export async function overlaysLog(workspacePath: string): Promise<string> {
  const path = workspacePath.replace(/\.sqlite$/, `-overlays-v${OVERLAYS_VERSION}.sqlite`);
  if (existsSync(path)) return path;
  const building = `${path}.building`;
  rmSync(building, { force: true });
  copyFileSync(workspacePath, building);
  const store = openStore(building);
  const baseline = baselineOf(await foldStream(store, agentIdentityDecider, agentIdentityStreamId(WS)));
  const overlays = Array.from({ length: OVERLAYS }, (_, k) => overlayOf(k));
  await new IdentityLog(store).baseline(WS, 'owner', { ...baseline, overlays });
  await store.close();
  renameSync(building, path);
  return path;
}

/** The measured check, naming its invoker so the overlays are evaluated (they hold: same answer). */
export const withInvoker = (query: PermissionQuery): PermissionQuery => ({
  ...query,
  invokedBy: OVERLAY_INVOKER,
});

/**
 * The overlaid API answers the measured check as the plain one does (the JIT grant allows it, the
 * overlays hold for the invoker), and the overlays are live: work nobody invoked on another org0
 * repository is denied by them.
 */
export async function verifyOverlaid(url: string, headers: Record<string, string>, query: PermissionQuery) {
  const ask = async (body: object) =>
    (await (
      await fetch(`${url}/v1/check`, { method: 'POST', headers, body: JSON.stringify(body) })
    ).json()) as {
      allowed: boolean;
      provenance: { layer: string };
    };
  const invoked = await ask({ workspaceId: WS, ...withInvoker(query) });
  // A resource of org0 no grant covers: the overlays deny work nobody invoked there.
  const nobody = await ask({ workspaceId: WS, ...query, resource: 'org0/repo0' });
  if (!invoked.allowed || invoked.provenance.layer !== 'jit' || nobody.provenance.layer !== 'overlay') {
    throw new Error(`overlaid check answers ${JSON.stringify({ invoked, nobody })}`);
  }
}
