/** Injection token of the process's one `EventStore`. */
export const EVENT_STORE = Symbol('EventStore');
