import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ClockModule } from '../clock';
import { MeController } from '../me/me.controller';
import { PermissionsModule } from '../permissions/permissions.module';
import { DirectoryController } from './directory.controller';
import { DirectoryService } from './directory.service';
import { GrantsDirectory } from './grants-directory.service';

/** Queries only: `/v1/me` and the lists of workspaces, members, channels and grants. */
@Module({
  imports: [ClockModule, PermissionsModule, AccessModule],
  controllers: [MeController, DirectoryController],
  providers: [DirectoryService, GrantsDirectory],
})
export class DirectoryModule {}
