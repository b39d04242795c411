import { Module } from '@nestjs/common';
import { ClockModule } from '../clock';
import { CredentialsModule } from '../credentials/credentials.module';
import { EventStoreModule } from '../event-store/event-store.module';
import { IdentityModule } from '../identity/identity.module';
import { PermissionsModule } from '../permissions/permissions.module';
import { OrganizationBundlesController } from './organization-bundles.controller';
import { OrganizationBundlesService } from './organization-bundles.service';
import { OrganizationCredentialsController } from './organization-credentials.controller';
import { OrganizationCredentialsService } from './organization-credentials.service';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsService } from './organizations.service';
import { WorkspaceOrganizationController } from './workspace-organization.controller';

/** Organizations: the scope above workspaces, its bundles, and workspaces joining and leaving it. */
@Module({
  imports: [EventStoreModule, ClockModule, IdentityModule, PermissionsModule, CredentialsModule],
  controllers: [
    OrganizationsController,
    OrganizationBundlesController,
    OrganizationCredentialsController,
    WorkspaceOrganizationController,
  ],
  providers: [OrganizationsService, OrganizationBundlesService, OrganizationCredentialsService],
})
export class OrganizationsModule {}
