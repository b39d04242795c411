export * from './gateway-session.events';
export * from './gateway-session.decider';
