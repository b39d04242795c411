export * from './credential-kinds';
export * from './credential-vault.port';
export * from './embedded-vault';
export * from './openbao-vault';
export * from './vault-key';
export * from './lease-minter.port';
export * from './mandate-jwt.signer';
