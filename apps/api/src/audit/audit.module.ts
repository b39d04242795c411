import { Module } from '@nestjs/common';
import { ClockModule } from '../clock';
import { EventStoreModule } from '../event-store/event-store.module';
import { PermissionsModule } from '../permissions/permissions.module';
import { AuditAccessService } from './audit-access.service';
import { AuditChangesService } from './audit-changes.service';
import { AuditIndexService } from './audit-index.service';
import { AuditLogService } from './audit-log.service';
import { AuditController } from './audit.controller';

/** The audit endpoints: indexed history, who could access what when, chain verification, workspace exports. */
@Module({
  imports: [EventStoreModule, ClockModule, PermissionsModule],
  controllers: [AuditController],
  providers: [AuditIndexService, AuditLogService, AuditAccessService, AuditChangesService],
})
export class AuditModule {}
