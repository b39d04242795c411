import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { AuthModule, type TokenVerifier, type WorkspaceRoleResolver } from '@mandate/auth';
import { ReadinessRegistry, type HttpMetrics, type Logger } from '@mandate/observability';
import { AgentActionsModule } from './agent-actions/agent-actions.module';
import { MemoryUpdatesModule } from './memory-updates/memory-updates.module';
import { AuditModule } from './audit/audit.module';
import { ChannelTimelineModule } from './audit/channel-timeline.module';
import { AccessModule } from './access/access.module';
import { CredentialLeasesModule } from './credential-leases/credential-leases.module';
import { CredentialsModule } from './credentials/credentials.module';
import { DirectoryModule } from './directory/directory.module';
import { EventStoreModule } from './event-store/event-store.module';
import { EventStoreReadiness } from './health/event-store.readiness-check';
import { GatewaySessionsModule } from './gateway-sessions/gateway-sessions.module';
import { HealthController } from './health/health.controller';
import { HTTP_METRICS, MetricsController } from './http/metrics.controller';
import { IdentityModule } from './identity/identity.module';
import { AccessBundlesModule } from './access-bundles/access-bundles.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { OverlaysModule } from './overlays/overlays.module';
import { PermissionsModule } from './permissions/permissions.module';
import { WatchModule } from './watch/watch.module';

import { APP_CONFIG, LOGGER } from './app.tokens';

export { APP_CONFIG, LOGGER };

export interface AppModuleOptions {
  config: AppConfig;
  logger: Logger;
  verifier: TokenVerifier;
  readiness: ReadinessRegistry;
  metrics?: HttpMetrics;
  roleResolver?: WorkspaceRoleResolver;
  /** Feature modules (and, in tests, test-only modules). */
  imports?: ModuleMetadata['imports'];
}

/** Says when the app has finished closing (connections drained, shutdown hooks run). */
@Injectable()
class ShutdownLog implements OnApplicationShutdown {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  onApplicationShutdown(signal?: string): void {
    this.logger.info({ signal }, 'API stopped');
  }
}

/** Process-wide services every feature module may inject (config, readiness registry). */
@Global()
@Module({})
class CoreModule {
  static forRoot(providers: Provider[]): DynamicModule {
    return { module: CoreModule, providers, exports: providers.map((p) => ('provide' in p ? p.provide : p)) };
  }
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const core: Provider[] = [
      { provide: APP_CONFIG, useValue: options.config },
      { provide: LOGGER, useValue: options.logger },
      { provide: ReadinessRegistry, useValue: options.readiness },
    ];
    if (options.metrics) core.push({ provide: HTTP_METRICS, useValue: options.metrics });
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(core),
        AuthModule.forRoot({
          verifier: options.verifier,
          platformAdmins: options.config.PLATFORM_ADMINS,
          roleResolver: options.roleResolver,
          roleResolverModule: PermissionsModule,
        }),
        EventStoreModule,
        PermissionsModule,
        IdentityModule,
        AccessBundlesModule,
        OrganizationsModule,
        AgentActionsModule,
        MemoryUpdatesModule,
        AuditModule,
        ChannelTimelineModule,
        AccessModule,
        DirectoryModule,
        CredentialsModule,
        CredentialLeasesModule,
        GatewaySessionsModule,
        OverlaysModule,
        WatchModule,
        ...(options.imports ?? []),
      ],
      providers: [ShutdownLog, EventStoreReadiness],
      controllers: [HealthController, ...(options.metrics ? [MetricsController] : [])],
    };
  }
}
