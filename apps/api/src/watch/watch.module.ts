import { Module } from '@nestjs/common';
import { ClockModule } from '../clock';
import { EventStoreModule } from '../event-store/event-store.module';
import { PermissionsModule } from '../permissions/permissions.module';
import { PermissionChangeFeed } from './permission-change.feed';
import { WatchController } from './watch.controller';
import { WatchStreams } from './watch-streams.service';

/** `GET /v1/workspaces/{ws}/watch`: the projection's changes, live and resumable. */
@Module({
  imports: [EventStoreModule, ClockModule, PermissionsModule],
  controllers: [WatchController],
  providers: [PermissionChangeFeed, WatchStreams],
})
export class WatchModule {}
