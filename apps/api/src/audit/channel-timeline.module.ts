import { Module } from '@nestjs/common';
import { EventStoreModule } from '../event-store/event-store.module';
import { IdentityModule } from '../identity/identity.module';
import { AuditModule } from './audit.module';
import { ChannelTimelineController } from './channel-timeline.controller';
import { ChannelTimelineService } from './channel-timeline.service';

/**
 * A channel's timeline of recorded changes (the console's time control): read from the channel's
 * and the baseline's streams and the audit index, for whoever may see the channel.
 */
@Module({
  imports: [EventStoreModule, IdentityModule, AuditModule],
  controllers: [ChannelTimelineController],
  providers: [ChannelTimelineService],
})
export class ChannelTimelineModule {}
