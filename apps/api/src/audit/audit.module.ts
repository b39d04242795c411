import { Module } from '@nestjs/common';
import { ClockModule } from '../clock';
import { EventStoreModule } from '../event-store/event-store.module';
import { AuditIndexService } from './audit-index.service';
import { AuditLogService } from './audit-log.service';
import { AuditController } from './audit.controller';

/** The audit endpoints: indexed history, chain verification, workspace exports. */
@Module({
  imports: [EventStoreModule, ClockModule],
  controllers: [AuditController],
  providers: [AuditIndexService, AuditLogService],
})
export class AuditModule {}
