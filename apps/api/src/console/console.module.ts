import { Module } from '@nestjs/common';
import { DevSessionController } from './dev-session.controller';

/** What the web console needs of the API besides the public routes: its development sign-in. */
@Module({ controllers: [DevSessionController] })
export class ConsoleModule {}
