/**
 * The value a record keyed by ids holds under `key`, never one inherited from `Object.prototype`.
 * Principal ids come from the identity provider and other ids from callers, so `constructor`,
 * `toString` or `__proto__` are ordinary keys here: a plain `record[key]` would answer for them
 * with a function or an object (phantom members, 500s).
 */
export const ownValue = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;
