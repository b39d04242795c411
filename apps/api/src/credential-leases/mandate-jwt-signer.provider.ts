import type { Provider } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { MandateJwtSigner } from '@mandate/credentials';
import type { Logger } from '@mandate/observability';
import { APP_CONFIG, LOGGER } from '../app.tokens';

/** Opened once at start: production refuses to start without the key file, dev generates one. */
export const mandateJwtSignerProvider: Provider = {
  provide: MandateJwtSigner,
  inject: [APP_CONFIG, LOGGER],
  useFactory: (config: AppConfig, logger: Logger) =>
    MandateJwtSigner.open({
      path: config.LEASE_SIGNING_KEYS_PATH,
      dataDir: config.DATA_DIR,
      production: config.NODE_ENV === 'production',
      warn: (message) => logger.warn(message),
    }),
};
