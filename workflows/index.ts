// The worker bundles this file: every workflow is exported from here. Relative imports only.
export * from './jit-grant.messages';
export * from './jit-grant.workflow';
export * from './jit-refusal';
export * from './credential-lease.messages';
export * from './credential-lease.workflow';
