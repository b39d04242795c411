import { Module } from '@nestjs/common';
import { ConsoleConfigController } from './console-config.controller';
import { DevSessionController } from './dev-session.controller';

/** What the web console needs of the API besides the public routes: how it signs people in. */
@Module({ controllers: [ConsoleConfigController, DevSessionController] })
export class ConsoleModule {}
