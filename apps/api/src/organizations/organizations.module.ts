import { Module } from '@nestjs/common';
import { ClockModule } from '../clock';
import { EventStoreModule } from '../event-store/event-store.module';
import { IdentityModule } from '../identity/identity.module';
import { PermissionsModule } from '../permissions/permissions.module';
import { OrganizationBundlesController } from './organization-bundles.controller';
import { OrganizationBundlesService } from './organization-bundles.service';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsService } from './organizations.service';
import { WorkspaceOrganizationController } from './workspace-organization.controller';

/** Organizations: the scope above workspaces, its bundles, and workspaces joining and leaving it. */
@Module({
  imports: [EventStoreModule, ClockModule, IdentityModule, PermissionsModule],
  controllers: [OrganizationsController, OrganizationBundlesController, WorkspaceOrganizationController],
  providers: [OrganizationsService, OrganizationBundlesService],
})
export class OrganizationsModule {}
