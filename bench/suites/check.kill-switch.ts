import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkEgress,
  checkInvoke,
  checkMemory,
  evaluate,
  normalizeHost,
  type PermissionQuery,
} from '@mandate/domain';
import { EffectivePermissionsProjection, ProjectionRunner } from '@mandate/projections';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import type { BenchContext } from '../harness';
import { DIR, openStore, type Shape, WS } from './check.fixtures';

/**
 * `kill_switch_to_all_denied_ms`: the workspace's agent identity disabled through the real decider
 * and appended to the log, then applied by the projection's runner (the store's subscription, as
 * in the API), until every question about every channel of the benchmark workspace — the check
 * mix, and an invoke, memory and egress check per channel — denies with layer `disabled`. Timed
 * from just before the append to the end of the sweep that finds them all denied; each run then
 * enables it again and checks that the allowed answers are back. Works on a copy of the log.
 */
export async function killSwitchToAllDenied(
  workspacePath: string,
  shape: Shape,
  mix: readonly PermissionQuery[],
  context: BenchContext,
): Promise<number[]> {
  const path = join(DIR, `kill-switch-${process.pid}.sqlite`);
  copyFileSync(workspacePath, path);
  const store = openStore(path);
  const projection = new EffectivePermissionsProjection();
  const runner = new ProjectionRunner({ store, projection });
  const log = new IdentityLog(store);
  const host = normalizeHost('api.github.com');
  if (!host.ok) throw new Error('host');
  const channels = Array.from({ length: shape.channels }, (_, index) => `ch-${index}`);
  /** Every answer now; how many allowed and whether each denial names the kill switch. */
  const sweep = () => {
    const compiled = projection.workspace(WS)?.compiled;
    if (compiled === undefined) throw new Error('no workspace');
    const now = Date.now();
    let allowed = 0;
    let disabled = 0;
    let total = 0;
    const count = (answer: { allowed: boolean; layer?: string; provenance?: { layer: string } }) => {
      total++;
      if (answer.allowed) allowed++;
      if ((answer.provenance?.layer ?? answer.layer) === 'disabled') disabled++;
    };
    for (const query of mix) count(evaluate(compiled, query, now));
    for (const channelId of channels) {
      count(checkInvoke(compiled, { channelId, principalId: 'owner' }));
      count(checkMemory(compiled, { channelId, namespace: `channel:${channelId}` }));
      count(checkEgress(compiled, { host: host.host, port: 443, channelId }));
    }
    return { allowed, disabled, total };
  };
  const times: number[] = [];
  const phases: { append: number; apply: number; sweep: number }[] = [];
  try {
    await runner.start();
    await runner.whenCaughtUp();
    const before = sweep();
    if (before.allowed === 0)
      throw new Error('nothing allowed before the switch: the figure would mean nothing');
    for (let run = 0; run < context.runs; run++) {
      const started = performance.now();
      const { position } = await log.workspace(WS, 'owner', {
        type: 'DisableAgentIdentity',
        reason: `bench ${run}`,
      });
      const appended = performance.now();
      if (!(await runner.waitForPosition(position, 5_000))) throw new Error('the switch was not applied');
      const applied = performance.now();
      const during = sweep();
      times.push(performance.now() - started);
      phases.push({
        append: appended - started,
        apply: applied - appended,
        sweep: performance.now() - applied,
      });
      if (during.disabled !== during.total)
        throw new Error(`${during.total - during.disabled} answers not disabled`);
      const back = await log.workspace(WS, 'owner', { type: 'EnableAgentIdentity', reason: `bench ${run}` });
      if (!(await runner.waitForPosition(back.position, 5_000)))
        throw new Error('the enable was not applied');
      if (sweep().allowed !== before.allowed) throw new Error('enabling again did not restore the answers');
      const { append, apply, sweep: swept } = phases[run];
      context.log(
        `kill switch run ${run + 1}: ${during.total} answers denied ${times[run].toFixed(2)} ms after the append began ` +
          `(decide and append ${append.toFixed(2)} ms, applied ${apply.toFixed(2)} ms later, every answer asked in ${swept.toFixed(2)} ms)`,
      );
    }
  } finally {
    await runner.stop();
    await store.close();
    rmSync(path, { force: true });
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
  }
  return times;
}
