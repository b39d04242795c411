import type { Actor } from '../shared';
import type { WorkspaceRole } from './workspace-role';

/** Every command says who issues it and when; the edge injects the clock. */
export interface CommandContext {
  actor: Actor;
  /** ISO-8601 instant. */
  now: string;
}

/**
 * For aggregates outside the workspace stream: the caller's workspace roles, resolved by the edge
 * from the workspace projection, so those deciders stay pure.
 */
export interface WorkspaceCaller extends CommandContext {
  callerRoles: readonly WorkspaceRole[];
}
