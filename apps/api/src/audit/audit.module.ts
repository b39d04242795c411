import { Module } from '@nestjs/common';
import { ClockModule } from '../clock';
import { EventStoreModule } from '../event-store/event-store.module';
import { PermissionsModule } from '../permissions/permissions.module';
import { AuditAccessService } from './audit-access.service';
import { AuditChangesService } from './audit-changes.service';
import { AuditIndexModule } from './audit-index.module';
import { AuditLeaseTrails } from './audit-lease-trails.service';
import { AuditLogService } from './audit-log.service';
import { AuditController } from './audit.controller';
import { PlatformAuditController } from './platform-audit.controller';

/**
 * The audit endpoints: a workspace's indexed history, who could access what when, its exports;
 * the whole chain's verification for platform admins.
 */
@Module({
  imports: [EventStoreModule, ClockModule, PermissionsModule, AuditIndexModule],
  controllers: [AuditController, PlatformAuditController],
  providers: [AuditLogService, AuditAccessService, AuditChangesService, AuditLeaseTrails],
  exports: [AuditIndexModule],
})
export class AuditModule {}
