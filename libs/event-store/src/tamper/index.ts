export * from './canonical-encoding';
export * from './chain-verifier';
export * from './checkpoint-signing-key';
export * from './signed-checkpoint-store';
export * from './signed-checkpoint';
export * from './sqlite-stored-events';
export * from './verify-event-log';
export * from './checkpointer';
