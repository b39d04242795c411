import { Global, Module } from '@nestjs/common';

/**
 * The one source of "now" at the edge. Deciders receive time inside their commands; tests replace
 * the clock instead of waiting for real time to pass.
 */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('Clock');

export const systemClock: Clock = { now: () => new Date() };

/** Provides `CLOCK` (the system clock) to every module. */
@Global()
@Module({ providers: [{ provide: CLOCK, useValue: systemClock }], exports: [CLOCK] })
export class ClockModule {}
