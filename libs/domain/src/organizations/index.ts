export * from './organization.commands';
export * from './organization.decider';
export * from './organization-bundle.decider';
export * from './organization-membership.decider';
export * from './organization.events';
export * from './organization.state';
export * from './organization-scope';
export * from './organization-credential.decider';
