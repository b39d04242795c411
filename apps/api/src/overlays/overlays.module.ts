import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { ChannelOverlaysController } from './channel-overlays.controller';
import { ExternalAccountsController } from './external-accounts.controller';
import { ExternalAccountsService } from './external-accounts.service';

/** Identity-aware overlays: a channel's overlay list and the members' linked external accounts. */
@Module({
  imports: [IdentityModule],
  controllers: [ChannelOverlaysController, ExternalAccountsController],
  providers: [ExternalAccountsService],
})
export class OverlaysModule {}
