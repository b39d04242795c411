/**
 * Secrets never reach a log line. Known header locations are censored by pino's fast path
 * (`redact`); any field whose name looks secret is censored wherever it is nested, because a
 * payload logged for debugging may carry one we did not foresee.
 */
export const REDACTED = '[redacted]';

export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

const SECRET_KEY =
  /(secret|password|passwd|private_?key|token|authorization|cookie|api_?key|credential|signature)/i;

export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key);

/** Returns a copy with secret-named fields censored at any depth; cycles are cut, not followed. */
export function redactSecrets(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error || value instanceof Date) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, seen));
  // fromEntries defines own properties: a logged field named `__proto__` stays a field.
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      isSecretKey(key) && field !== undefined ? REDACTED : redactSecrets(field, seen),
    ]),
  );
}
