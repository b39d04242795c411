import type { AgentIdentityBaseline } from '../agent-identity/agent-identity.state';
import { compileEgress } from './compiled-baseline';

export type CompiledEgress = ReturnType<typeof compileEgress>;
type EgressEntries = AgentIdentityBaseline['egress'];

const NOTHING: CompiledEgress = { hosts: new Map(), domains: new Map() };

/**
 * A workspace's standing egress, compiled for the egress check: the workspace's allowlist (baseline,
 * workspace and organization bundles), and per channel what it adds (its own entries and its
 * bundles') and what it refuses. JIT grants' hosts live apart (`GrantEgressTable`): they expire.
 */
export class EgressTables {
  private workspaceAllowed: CompiledEgress = NOTHING;
  /** channelId → what the channel allows beyond the workspace. */
  private readonly channelAllowed = new Map<string, CompiledEgress>();
  /** channelId → the hosts the channel refuses (absent: none). */
  private readonly channelDenied = new Map<string, CompiledEgress>();

  get workspace(): CompiledEgress {
    return this.workspaceAllowed;
  }

  allowedIn(channelId: string): CompiledEgress | undefined {
    return this.channelAllowed.get(channelId);
  }

  deniedIn(channelId: string): CompiledEgress | undefined {
    return this.channelDenied.get(channelId);
  }

  setWorkspace(allow: EgressEntries): void {
    this.workspaceAllowed = compileEgress(allow);
  }

  setChannel(channelId: string, allow: EgressEntries, deny: EgressEntries): void {
    this.channelAllowed.set(channelId, compileEgress(allow));
    if (deny.length > 0) this.channelDenied.set(channelId, compileEgress(deny));
    else this.channelDenied.delete(channelId);
  }
}
