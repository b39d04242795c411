import { loadConfigOrExit } from '@mandate/config';
import { eventSchemas } from '@mandate/domain';
import {
  type EventStore,
  EventSchemaRegistry,
  openAppEventStore,
  SqliteEventStore,
} from '@mandate/event-store';
import { createLogger } from '@mandate/observability';
import { startGateway } from '../../apps/gateway/src/gateway.app';

/**
 * The gateway as `apps/gateway/src/main.ts` starts it, except that the agent-action streams live in
 * an in-memory store: the connector endpoint still decides, records (in memory), injects and
 * forwards, but no write reaches the disk. Against the real gateway it puts the durable record's
 * cost apart from the decision and injection path's. A benchmark fixture only.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'mandate-gateway-unrecorded' });
  const durable = await openAppEventStore(config);
  const memory = new SqliteEventStore({ path: ':memory:', schemas: new EventSchemaRegistry(eventSchemas) });
  const of = (streamId: string): EventStore => (streamId.startsWith('agent-action-') ? memory : durable);
  const store: EventStore = {
    append: (streamId, events, options) => of(streamId).append(streamId, events, options),
    readStream: (streamId, options) => of(streamId).readStream(streamId, options),
    readAll: (options) => durable.readAll(options),
    subscribe: (options) => durable.subscribe(options),
    headPosition: () => durable.headPosition(),
    close: async () => {
      await memory.close();
      await durable.close();
    },
  };
  const gateway = await startGateway(config, logger, store);
  logger.info({ url: gateway.url }, 'gateway listening');
  process.once('SIGTERM', () => {
    void gateway
      .close()
      .then(() => store.close())
      .then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
