import type { AppConfig } from '@mandate/config';

/** The part of the configuration Temporal clients and workers need. */
export type TemporalSettings = Pick<
  AppConfig,
  'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_TASK_QUEUE' | 'LOG_LEVEL'
>;
