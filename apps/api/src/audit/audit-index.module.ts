import { Module } from '@nestjs/common';
import { EventStoreModule } from '../event-store/event-store.module';
import { AuditIndexService } from './audit-index.service';

/**
 * The audit index alone (one per process: it owns its file), below the audit endpoints, so the
 * read side (the credential-use view's past leases) can ask it without depending on them.
 */
@Module({
  imports: [EventStoreModule],
  providers: [AuditIndexService],
  exports: [AuditIndexService],
})
export class AuditIndexModule {}
