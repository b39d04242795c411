import { z } from 'zod';

/**
 * The longest duration anything may last: a grant, an extension, an approval window, a policy
 * limit. A year and a day covers every real need; without a bound, a duration added to the clock
 * overflows the date range and the request fails instead of being refused.
 */
export const MAX_DURATION_SECONDS = 366 * 24 * 3600;

/** Whole seconds, 1 to `MAX_DURATION_SECONDS`. */
export const durationSecondsSchema = z
  .number()
  .int()
  .positive()
  .max(MAX_DURATION_SECONDS, `must be at most ${MAX_DURATION_SECONDS} seconds (366 days)`);
