import { join } from 'node:path';
import { defaultSigningKeyPath } from './checkpoint-signing-key';
import { signedCheckpointsPathFor } from './signed-checkpoint-store';

export interface AuditFiles {
  /** The SQLite events file. */
  events: string;
  /** The signed checkpoints file, next to it. */
  checkpoints: string;
  /** The Ed25519 private key signing checkpoints. */
  signingKey: string;
}

/** Where the embedded store, its checkpoints and the signing key live, from configuration. */
export function auditFiles(config: {
  DATA_DIR: string;
  SQLITE_PATH?: string;
  CHECKPOINT_SIGNING_KEY_PATH?: string;
}): AuditFiles {
  const events = config.SQLITE_PATH ?? join(config.DATA_DIR, 'events.sqlite');
  return {
    events,
    checkpoints: signedCheckpointsPathFor(events),
    signingKey: config.CHECKPOINT_SIGNING_KEY_PATH ?? defaultSigningKeyPath(config.DATA_DIR),
  };
}
