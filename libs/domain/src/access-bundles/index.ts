export * from './access-bundle.commands';
export * from './access-bundle.decider';
export * from './access-bundle.diff';
export * from './access-bundle.document';
export * from './access-bundle.events';
export * from './access-bundle.state';
