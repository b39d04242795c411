import type { EventStore } from '@mandate/event-store';

/**
 * Where the effective-permission projection reads events from when it is not the store: the
 * relay's topics (`PROJECTION_SOURCE=kafka`). Null when the projection follows the store.
 */
export const PROJECTION_EVENTS = Symbol('ProjectionEvents');

export type ProjectionEvents = Pick<EventStore, 'subscribe' | 'headPosition' | 'readAll'>;
