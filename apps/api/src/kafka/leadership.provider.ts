import type { Provider } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { openLoggedLeadership, type Leadership } from '@mandate/event-store';
import type { Logger } from '@mandate/observability';
import { APP_CONFIG, LOGGER } from '../app.tokens';

/** Injection token of the process's `Leadership`: who runs the work that runs once across nodes. */
export const LEADERSHIP = Symbol('Leadership');

export const leadershipProvider: Provider = {
  provide: LEADERSHIP,
  inject: [APP_CONFIG, LOGGER],
  useFactory: (config: AppConfig, logger: Logger): Leadership => openLoggedLeadership(config, logger),
};
