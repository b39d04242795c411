import { Module } from '@nestjs/common';
import { EventStoreModule } from '../event-store/event-store.module';
import { CredentialUseView } from './credential-use.view';

/**
 * The credential-use read model, depended on by the permissions module (`effective-identity`
 * lists live leases) and the credentials module (`lastUsedAt`); it depends on neither.
 */
@Module({
  imports: [EventStoreModule],
  providers: [CredentialUseView],
  exports: [CredentialUseView],
})
export class CredentialUseModule {}
