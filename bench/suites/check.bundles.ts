import {
  accessBundleDecider,
  type AccessBundleCommand,
  type AccessBundleEvent,
  accessBundleStreamId,
  type BundleScope,
  createConnectorCatalog,
} from '@mandate/domain';
import type { RecordedEvent } from '@mandate/event-store';
import type { EffectivePermissionsProjection } from '@mandate/projections';
import { type Shape, WS } from './check.fixtures';

/** How many bundles the `_with_bundles` figures attach, and where. */
export const BUNDLES = 20;
const ON_WORKSPACE = 5;
const CHANNELS_PER_BUNDLE = 3;

const connectors = ['github', 'jira', 'linear', 'notion'] as const;
const writeOf = (connector: string) => (connector === 'notion' ? 'edit' : 'write');
const admin = { actor: { kind: 'user' as const, id: 'owner' }, now: '2026-01-01T00:00:00.000Z' };
const catalog = createConnectorCatalog();

/**
 * Bundle `b`: one connection per connector with patterns shaped like the baseline's (exact names,
 * `x/*`, `x/**`), some naming the baseline's own organisations so bundle and baseline entries share
 * index buckets; the first ones attached to the workspace, the others to a few channels each.
 */
function commandsOf(b: number, shape: Shape): AccessBundleCommand[] {
  const bundleId = `bundle-${b}`;
  const connections = connectors.map((connector, c) => ({
    id: `${connector}-${b}`,
    connector,
    account: `bundle-bot-${b}`,
    actions: [writeOf(connector)],
    resources: [`org${c}/bundle-${b}`, `bundle-${b}-${c}/*`, `bundle-${b}-${c}/**`, `org${c}-1/*`],
  }));
  const scopes: BundleScope[] =
    b < ON_WORKSPACE
      ? [{ scope: 'workspace' }]
      : Array.from({ length: CHANNELS_PER_BUNDLE }, (_, k) => ({
          scope: 'channel',
          channelId: `ch-${(b * CHANNELS_PER_BUNDLE + k) % shape.channels}`,
        }));
  const context = { ...admin, bundleId, callerRoles: ['owner' as const] };
  return [
    {
      type: 'ApplyAccessBundleDocument',
      workspaceId: WS,
      catalog,
      document: {
        name: `Bundle ${b}`,
        connections,
        domains: [{ host: `*.bundle-${b}.example`, ports: [443] }],
      },
      ...context,
    },
    ...scopes.map((scope): AccessBundleCommand => ({
      type: 'AttachAccessBundle',
      scope,
      channel: { status: 'active', callerRole: null },
      ...context,
    })),
  ];
}

/**
 * Attaches `BUNDLES` bundles to the projection's workspace as the log would deliver them: each
 * command decided by the bundle decider, its events applied after the projection's position (so
 * the compiled workspace is updated incrementally, as in a running API).
 */
export function attachBundles(projection: EffectivePermissionsProjection, shape: Shape): void {
  let position = projection.position;
  for (let b = 0; b < BUNDLES; b++) {
    let state = accessBundleDecider.initialState();
    const streamId = accessBundleStreamId(WS, `bundle-${b}`);
    for (const command of commandsOf(b, shape)) {
      const events: AccessBundleEvent[] = accessBundleDecider.decide(command, state);
      for (const event of events) {
        state = accessBundleDecider.evolve(state, event);
        projection.apply(recorded(++position, streamId, event));
      }
    }
  }
  if (projection.workspace(WS)?.bundles.size !== BUNDLES) throw new Error('bundles missing');
}

const recorded = (globalPosition: number, streamId: string, event: AccessBundleEvent): RecordedEvent => ({
  id: `bundle-event-${globalPosition}`,
  type: event.type,
  streamId,
  streamVersion: 0,
  globalPosition,
  occurredAt: admin.now,
  recordedAt: admin.now,
  workspaceId: WS,
  actor: admin.actor,
  data: event.data,
  metadata: { correlationId: 'bench', causationId: null, schemaVersion: 1 },
  prevHash: '',
  hash: `bench-${globalPosition}`,
});

/**
 * `measure` on each projection in turns (`runs` rounds, after one warm-up round of each), so both
 * see the same machine: checks per second and CPU per check, plain and with bundles.
 */
export function interleaved<P>(
  plain: P,
  withBundles: P,
  runs: number,
  measure: (projection: P) => { perSecond: number; cpuUsPerCheck: number },
): { plain: number[]; withBundles: number[]; plainCpu: number[]; withBundlesCpu: number[] } {
  measure(plain);
  measure(withBundles);
  const result = {
    plain: [] as number[],
    withBundles: [] as number[],
    plainCpu: [] as number[],
    withBundlesCpu: [] as number[],
  };
  for (let run = 0; run < runs; run++) {
    const a = measure(plain);
    const b = measure(withBundles);
    result.plain.push(a.perSecond);
    result.plainCpu.push(a.cpuUsPerCheck);
    result.withBundles.push(b.perSecond);
    result.withBundlesCpu.push(b.cpuUsPerCheck);
  }
  return result;
}
