import { Module } from '@nestjs/common';
import { ClockModule } from '../clock';
import { EventStoreModule } from '../event-store/event-store.module';
import { IdentityModule } from '../identity/identity.module';
import { PermissionsModule } from '../permissions/permissions.module';
import { MemoryUpdatesController } from './memory-updates.controller';
import { MemoryUpdatesService } from './memory-updates.service';

@Module({
  imports: [EventStoreModule, ClockModule, IdentityModule, PermissionsModule],
  controllers: [MemoryUpdatesController],
  providers: [MemoryUpdatesService],
})
export class MemoryUpdatesModule {}
