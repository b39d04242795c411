import { Module } from '@nestjs/common';
import { ClockModule } from '../clock';
import { EventStoreModule } from '../event-store/event-store.module';
import { AgentIdentityController } from './agent-identity.controller';
import { ChannelEgressController } from './channel-egress.controller';
import { ChannelOverridePreviewController } from './channel-override-preview.controller';
import { ChannelOverridesController } from './channel-overrides.controller';
import { ChannelSettingsController } from './channel-settings.controller';
import { ChannelsController } from './channels.controller';
import { CommandRunner } from '../core/command-runner';
import { ConnectorsController } from './connectors.controller';
import { IdentityService } from './identity.service';
import { KillSwitchController } from './kill-switch.controller';
import { WorkspacesController } from './workspaces.controller';

/**
 * Admin endpoints of the identity: workspaces, members, groups, the connector catalog, the baseline,
 * channels and overrides.
 */
@Module({
  imports: [EventStoreModule, ClockModule],
  controllers: [
    WorkspacesController,
    ConnectorsController,
    AgentIdentityController,
    ChannelsController,
    ChannelOverridesController,
    ChannelSettingsController,
    ChannelOverridePreviewController,
    ChannelEgressController,
    KillSwitchController,
  ],
  providers: [CommandRunner, IdentityService],
  exports: [CommandRunner, IdentityService],
})
export class IdentityModule {}
