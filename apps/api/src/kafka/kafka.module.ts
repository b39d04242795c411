import { Global, Module } from '@nestjs/common';
import { EventStoreModule } from '../event-store/event-store.module';
import { ApproverNotificationsService } from './approver-notifications.service';
import { KafkaRelayService } from './kafka-relay.service';
import { LEADERSHIP, leadershipProvider } from './leadership.provider';
import { PROJECTION_EVENTS } from './projection-events';
import { ProjectionReplicaCloser, projectionEventsProvider } from './projection-replica.provider';

/**
 * Kafka in the API, each part only when configured: the relay (KAFKA_BROKERS, unless
 * RELAY_ENABLED=false) with its readiness check and metrics, the approver notifier
 * (NOTIFY_WEBHOOK_URL), and the projection's event source in replica mode (PROJECTION_SOURCE=kafka).
 * The relay and the notifier run on the node that leads each (LEADERSHIP).
 */
@Global()
@Module({
  imports: [EventStoreModule],
  providers: [
    leadershipProvider,
    KafkaRelayService,
    ApproverNotificationsService,
    projectionEventsProvider,
    ProjectionReplicaCloser,
  ],
  exports: [KafkaRelayService, PROJECTION_EVENTS, LEADERSHIP],
})
export class KafkaModule {}
