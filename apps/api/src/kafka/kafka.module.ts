import { Module } from '@nestjs/common';
import { EventStoreModule } from '../event-store/event-store.module';
import { ApproverNotificationsService } from './approver-notifications.service';
import { KafkaRelayService } from './kafka-relay.service';

/**
 * Imported when KAFKA_BROKERS is set: the relay (unless RELAY_ENABLED=false) with its readiness
 * check and metrics, and the approver notifier when NOTIFY_WEBHOOK_URL is set.
 */
@Module({
  imports: [EventStoreModule],
  providers: [KafkaRelayService, ApproverNotificationsService],
  exports: [KafkaRelayService],
})
export class KafkaModule {}
