import { Module } from '@nestjs/common';
import { ClockModule } from '../clock';
import { CredentialUseModule } from '../credential-use/credential-use.module';
import { EventStoreModule } from '../event-store/event-store.module';
import { IdentityModule } from '../identity/identity.module';
import {
  CredentialVaultCloser,
  credentialVaultProvider,
  CREDENTIAL_VAULT,
} from './credential-vault.provider';
import { CredentialsController } from './credentials.controller';
import { CredentialsService } from './credentials.service';

/** The agent's own credentials: write-only admin endpoints over the vault; their use from the log. */
@Module({
  imports: [EventStoreModule, ClockModule, IdentityModule, CredentialUseModule],
  controllers: [CredentialsController],
  providers: [credentialVaultProvider, CredentialVaultCloser, CredentialsService],
  exports: [CREDENTIAL_VAULT],
})
export class CredentialsModule {}
