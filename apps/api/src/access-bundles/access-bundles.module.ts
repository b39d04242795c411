import { Module } from '@nestjs/common';
import { ClockModule } from '../clock';
import { EventStoreModule } from '../event-store/event-store.module';
import { IdentityModule } from '../identity/identity.module';
import { PermissionsModule } from '../permissions/permissions.module';
import { AccessBundlesController } from './access-bundles.controller';
import { AccessBundlesService } from './access-bundles.service';

/** Access bundles: their documents and the scopes they are attached to. */
@Module({
  imports: [EventStoreModule, ClockModule, IdentityModule, PermissionsModule],
  controllers: [AccessBundlesController],
  providers: [AccessBundlesService],
})
export class AccessBundlesModule {}
