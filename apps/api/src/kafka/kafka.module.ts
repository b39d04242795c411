import { Module } from '@nestjs/common';
import { EventStoreModule } from '../event-store/event-store.module';
import { KafkaRelayService } from './kafka-relay.service';

/** Imported when KAFKA_BROKERS is set: the relay (unless RELAY_ENABLED=false) and its readiness check. */
@Module({
  imports: [EventStoreModule],
  providers: [KafkaRelayService],
  exports: [KafkaRelayService],
})
export class KafkaModule {}
