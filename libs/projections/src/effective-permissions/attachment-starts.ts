import type { Provenance } from '@mandate/domain';

/**
 * When each attachment reaching a workspace began: the recording time of the event that made a
 * bundle reach a scope (attached to the workspace or a channel, attached at the organization, or
 * the workspace joining its organization). Derived from the log like every other state, so live,
 * rebuilt, restored and replayed projections agree. What it answers lets an enforcement point keep
 * additions from reaching what started before them (a running gateway session).
 */
export class AttachmentStarts {
  private readonly startedAtMs: Map<string, number>;

  constructor(record?: Record<string, number>) {
    this.startedAtMs = new Map(Object.entries(record ?? {}));
  }

  attached(scope: AttachmentScope, bundleId: string, atMs: number): void {
    this.startedAtMs.set(keyOf(scope, bundleId), atMs);
  }

  detached(scope: AttachmentScope, bundleId: string): void {
    this.startedAtMs.delete(keyOf(scope, bundleId));
  }

  joined(atMs: number): void {
    this.startedAtMs.set(JOINED, atMs);
  }

  /** Leaving ends every organization attachment at once. */
  left(): void {
    for (const key of [...this.startedAtMs.keys()]) {
      if (key === JOINED || key.startsWith('organization/')) this.startedAtMs.delete(key);
    }
  }

  /**
   * When what answered began reaching `channelId`: for an organization's bundle, the later of the
   * join and its attachment there. Undefined for the baseline's own and anything not from a bundle.
   */
  reachStartedAtMs(provenance: Pick<Provenance, 'bundle' | 'scope'>, channelId: string): number | undefined {
    const { bundle, scope } = provenance;
    if (bundle === undefined || scope === undefined) return undefined;
    if (scope !== 'organization') {
      const key = keyOf(scope === 'channel' ? { scope, channelId } : { scope }, bundle);
      return this.startedAtMs.get(key);
    }
    const joined = this.startedAtMs.get(JOINED);
    const attached = this.startedAtMs.get(keyOf({ scope }, bundle));
    return joined === undefined ? attached : Math.max(joined, attached ?? joined);
  }

  /**
   * Did any attachment (or the join) begin at or after `atMs`? Cheap, and true whenever
   * `reachStartedAtMs` could answer `atMs` or later, so an enforcement point asks it first.
   */
  startedSince(atMs: number): boolean {
    for (const startedAtMs of this.startedAtMs.values()) if (startedAtMs >= atMs) return true;
    return false;
  }

  get size(): number {
    return this.startedAtMs.size;
  }

  toRecord(): Record<string, number> {
    return Object.fromEntries([...this.startedAtMs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

export type AttachmentScope =
  { scope: 'organization' } | { scope: 'workspace' } | { scope: 'channel'; channelId: string };

const JOINED = 'organization';
const keyOf = (scope: AttachmentScope, bundleId: string): string =>
  scope.scope === 'channel' ? `channel/${scope.channelId}/${bundleId}` : `${scope.scope}/${bundleId}`;
