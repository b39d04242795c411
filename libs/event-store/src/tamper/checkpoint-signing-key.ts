import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { dirname, join } from 'node:path';
import { ensurePrivateDir } from '../private-files';
import { keyIdOf } from './signed-checkpoint';

export interface CheckpointSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
  path: string;
}

export interface SigningKeyOptions {
  /** CHECKPOINT_SIGNING_KEY_PATH; defaults to `<DATA_DIR>/checkpoint-signing-key.pem`. */
  path?: string;
  dataDir: string;
  /** Production never generates a key: a missing key is a deployment error. */
  production: boolean;
  warn?: (message: string) => void;
}

export const defaultSigningKeyPath = (dataDir: string): string => join(dataDir, 'checkpoint-signing-key.pem');

/**
 * Loads the Ed25519 key (PKCS#8 PEM) that signs checkpoints. Outside production a missing key is
 * generated on first start, with a warning: a key living next to the data it protects only
 * proves anything against someone who cannot read that directory.
 */
export function loadCheckpointSigningKey(options: SigningKeyOptions): CheckpointSigningKey {
  const path = options.path ?? defaultSigningKeyPath(options.dataDir);
  if (!existsSync(path)) {
    if (options.production) {
      throw new Error(`Checkpoint signing key not found at ${path} (CHECKPOINT_SIGNING_KEY_PATH)`);
    }
    const { privateKey } = generateKeyPairSync('ed25519');
    ensurePrivateDir(dirname(path));
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    chmodSync(path, 0o600);
    (options.warn ?? console.warn)(
      `Generated a development checkpoint signing key at ${path}; set CHECKPOINT_SIGNING_KEY_PATH to a key kept away from the data in production`,
    );
  }
  const privateKey = createPrivateKey(readFileSync(path));
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`Checkpoint signing key at ${path} is ${privateKey.asymmetricKeyType}, expected ed25519`);
  }
  return { privateKey, publicKey: createPublicKey(privateKey), keyId: keyIdOf(privateKey), path };
}

export const exportPublicKeyPem = (key: KeyObject): string =>
  (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'pem' }).toString();

/** Reads a public key (SPKI PEM) an auditor was given, for offline verification. */
export function readPublicKey(path: string): KeyObject {
  const key = createPublicKey(readFileSync(path));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is not an Ed25519 public key`);
  return key;
}
