/**
 * Events leave for Kafka on one topic per category, so a consumer subscribes to what concerns it
 * (a SIEM to everything, a notifier to `access`). The category follows from the stream id's
 * prefix: the store knows nothing of categories, and a stream never changes category.
 */
export const EVENT_CATEGORIES = ['identity', 'access', 'agent-actions', 'other'] as const;

export type EventCategory = (typeof EVENT_CATEGORIES)[number];

const PREFIXES: ReadonlyArray<readonly [prefix: string, category: EventCategory]> = [
  ['workspace-', 'identity'],
  ['agent-identity-', 'identity'],
  ['channel-', 'identity'],
  ['access-request-', 'access'],
  ['approval-policy-', 'access'],
  ['agent-action-', 'agent-actions'],
  ['memory-update-', 'agent-actions'],
  // Which account at a connector is a member's: identity; what the invoker could do, observed for
  // an overlay: part of the decision an agent action was given.
  ['external-accounts-', 'identity'],
  ['invoker-right-', 'agent-actions'],
];

export function categoryOf(streamId: string): EventCategory {
  for (const [prefix, category] of PREFIXES) if (streamId.startsWith(prefix)) return category;
  return 'other';
}

/** `mandate.identity`, `mandate.access`, … */
export function topicFor(prefix: string, category: EventCategory): string {
  return `${prefix}.${category}`;
}

/** Every topic the relay writes to, in category order. */
export function relayTopics(prefix: string): string[] {
  return EVENT_CATEGORIES.map((category) => topicFor(prefix, category));
}

/** Approver notifications derived from the access topic. */
export const notificationsTopic = (prefix: string): string => `${prefix}.notifications`;

/** Notifications the webhook refused or never acknowledged, with the reason. */
export const notificationsDeadLetterTopic = (prefix: string): string => `${prefix}.notifications.dead-letter`;
