import { Module } from '@nestjs/common';
import { AuditIndexModule } from '../audit/audit-index.module';
import { EventStoreModule } from '../event-store/event-store.module';
import { CredentialUseView } from './credential-use.view';
import { PastLeasesReader } from './past-leases.reader';

/**
 * How the agent's credentials are used: the credential-use read model (the leases live now, when
 * each credential was last used) and the leases live at a past instant (from the log, through the
 * audit index). Depended on by the permissions module (`effective-identity` lists leases) and the
 * credentials module (`lastUsedAt`); it depends on neither.
 */
@Module({
  imports: [EventStoreModule, AuditIndexModule],
  providers: [CredentialUseView, PastLeasesReader],
  exports: [CredentialUseView, PastLeasesReader],
})
export class CredentialUseModule {}
