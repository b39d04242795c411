export * from './channel.commands';
export * from './channel.decider';
export * from './channel.events';
export * from './channel.model';
export * from './channel-visibility';
export * from './channel-egress';
