import { Module } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { loadGatewaySessionKey } from '@mandate/gateway';
import type { Logger } from '@mandate/observability';
import { APP_CONFIG, LOGGER } from '../app.tokens';
import { ClockModule } from '../clock';
import { IdentityModule } from '../identity/identity.module';
import { PermissionsModule } from '../permissions/permissions.module';
import { GatewaySessionsController } from './gateway-sessions.controller';
import { GATEWAY_SESSION_KEY, GatewaySessionsService } from './gateway-sessions.service';

/** Sessions of the egress gateway (apps/gateway), signed with the key the gateway checks them with. */
@Module({
  imports: [ClockModule, IdentityModule, PermissionsModule],
  controllers: [GatewaySessionsController],
  providers: [
    GatewaySessionsService,
    {
      provide: GATEWAY_SESSION_KEY,
      inject: [APP_CONFIG, LOGGER],
      useFactory: (config: AppConfig, logger: Logger) =>
        loadGatewaySessionKey({
          path: config.GATEWAY_SESSION_KEY_PATH,
          dataDir: config.DATA_DIR,
          production: config.NODE_ENV === 'production',
          warn: (message) => logger.warn(message),
        }),
    },
  ],
})
export class GatewaySessionsModule {}
