import type { CompiledWorkspace } from './compiled-identity';
import { asksInvokerRight } from './compiled-overlays';
import type { PermissionQuery } from './decision';
import { parentOf } from './pattern-index';
import { canonicalResource } from './resource-normalizer';

/**
 * The canonical resource whose invoker right the evaluation of `query` will read: an `invokerCan`
 * overlay covers it and someone invoked the work. Undefined otherwise, so the edge asks the
 * connector only when the answer can matter (a workspace without overlays pays one test).
 */
export function invokerRightAsked(compiled: CompiledWorkspace, query: PermissionQuery): string | undefined {
  if (query.invokedBy === undefined) return undefined;
  const channel = compiled.channels.get(query.channelId);
  const slot = channel?.slots.get(query.connector)?.get(query.action);
  if (slot?.overlays?.asksInvokerRight !== true) return undefined;
  const resource = canonicalResource(query.resource, slot.syntax);
  if (resource === undefined) return undefined;
  return slot.overlays.first(resource, parentOf(resource), asksInvokerRight) && resource;
}
