import type { Provider } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { openLeadership, type Leadership } from '@mandate/event-store';
import type { Logger } from '@mandate/observability';
import { APP_CONFIG, LOGGER } from '../app.tokens';

/** Injection token of the process's `Leadership`: who runs the work that runs once across nodes. */
export const LEADERSHIP = Symbol('Leadership');

export const leadershipProvider: Provider = {
  provide: LEADERSHIP,
  inject: [APP_CONFIG, LOGGER],
  useFactory: (config: AppConfig, logger: Logger): Leadership =>
    openLeadership(
      config,
      (role, error) => logger.error({ err: error, role }, 'work run by the leader failed; campaigning again'),
      (role, error) =>
        logger.warn(
          { err: error, role },
          'cannot campaign for the role (store unreachable or refusing); retrying',
        ),
    ),
};
