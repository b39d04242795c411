import { DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { metricMeter } from '@temporalio/activity';
import type { AppConfig } from '@mandate/config';
import {
  type CredentialVault,
  openCredentialVault,
  UpstreamCredentialMinter,
  type UpstreamHttpOptions,
} from '@mandate/credentials';
import { type EventStore, openAppEventStore } from '@mandate/event-store';
import type { Logger } from '@mandate/observability';
import { loadJitCommandKey } from '@mandate/temporal';
import { createAccessActivities } from './activities/access.activities';
import { createCredentialLeaseActivities } from './activities/credential-lease.activities';
import {
  TEMPORAL_SETTINGS,
  TemporalWorkerService,
  WORKER_ACTIVITIES,
  WORKER_LOGGER,
} from './temporal-worker.service';

export const WORKER_EVENT_STORE = Symbol('WORKER_EVENT_STORE');
export const WORKER_VAULT = Symbol('WORKER_VAULT');

/**
 * A store or vault, opened on first use: a worker that never runs an activity needing it (the
 * wiring test) leaves the data directory alone.
 */
export class OpenedOnFirstUse<T extends { close(): Promise<void> }> {
  private opened: T | undefined;

  constructor(private readonly open: () => T) {}

  get(): T {
    this.opened ??= this.open();
    return this.opened;
  }

  async close(): Promise<void> {
    await this.opened?.close();
  }
}
/** The store opens asynchronously (PostgreSQL creates its tables and starts listening first). */
export class WorkerEventStore {
  private opened: Promise<EventStore> | undefined;

  constructor(private readonly open: () => Promise<EventStore>) {}

  get(): Promise<EventStore> {
    // A failed open (the server unreachable) is tried again by the next activity, not cached.
    this.opened ??= this.open().catch((error: unknown) => {
      this.opened = undefined;
      throw error;
    });
    return this.opened;
  }

  async close(): Promise<void> {
    const store = await this.opened?.catch(() => undefined);
    await store?.close();
  }
}
export class WorkerVault extends OpenedOnFirstUse<CredentialVault> {}

/** Closes the store and the vault when the application context shuts down. */
@Injectable()
class WorkerResourcesCloser implements OnApplicationShutdown {
  constructor(
    @Inject(WORKER_EVENT_STORE) private readonly store: WorkerEventStore,
    @Inject(WORKER_VAULT) private readonly vault: WorkerVault,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.store.close(), this.vault.close()]);
  }
}

export interface WorkerOptions {
  /** How lease minters reach upstreams (a private CA's undici Agent in tests); undici's defaults otherwise. */
  upstream?: UpstreamHttpOptions;
}

@Module({})
export class WorkerModule {
  /** The worker appends to the store the API writes to (EVENT_STORE, one factory for both). */
  static forConfig(
    config: AppConfig,
    logger?: Logger,
    eventStore?: EventStore,
    options: WorkerOptions = {},
  ): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: TEMPORAL_SETTINGS, useValue: config },
        {
          provide: WORKER_EVENT_STORE,
          useFactory: () => new WorkerEventStore(async () => eventStore ?? (await openAppEventStore(config))),
        },
        {
          provide: WORKER_VAULT,
          useFactory: () =>
            new WorkerVault(() =>
              openCredentialVault(config, (message) =>
                logger ? logger.warn(message) : console.warn(message),
              ),
            ),
        },
        WorkerResourcesCloser,
        // Every activity the workflows in workflows/ proxy to, merged into one object.
        {
          provide: WORKER_ACTIVITIES,
          inject: [WORKER_EVENT_STORE, WORKER_VAULT],
          useFactory: (store: WorkerEventStore, vault: WorkerVault) => {
            let key: Buffer | undefined;
            const commandKey = () =>
              (key ??= loadJitCommandKey({
                path: config.JIT_COMMAND_KEY_PATH,
                dataDir: config.DATA_DIR,
                production: config.NODE_ENV === 'production',
                warn: logger ? (message) => logger.warn(message) : undefined,
              }));
            // Production fails at start without its keys (or a vault it cannot open), not at the first request.
            if (config.NODE_ENV === 'production') {
              commandKey();
              vault.get();
            }
            return {
              ...createAccessActivities(() => store.get(), commandKey),
              ...createCredentialLeaseActivities({
                store: () => store.get(),
                vault: () => vault.get(),
                commandKey,
                minter: new UpstreamCredentialMinter(options.upstream),
                onRevocationFailed: (lease) => {
                  metricMeter
                    .createCounter(
                      'mandate_credential_revocation_failures',
                      '1',
                      'Leases whose upstream token could not be revoked after repeated attempts',
                    )
                    .add(1, { workspace: lease.workspaceId });
                  logger?.warn(lease, 'upstream revocation keeps failing; retrying until it succeeds');
                },
              }),
            };
          },
        },
        ...(logger ? [{ provide: WORKER_LOGGER, useValue: logger }] : []),
        TemporalWorkerService,
      ],
    };
  }
}
