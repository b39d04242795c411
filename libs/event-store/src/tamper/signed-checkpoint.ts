import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * A signed statement "the chain's event at `position` has hash `headHash`", made at `signedAt`.
 * Kept apart from the events (see checkpoint-store.ts) so that rewriting the log does not
 * rewrite the evidence against it.
 */
export interface SignedCheckpoint {
  position: number;
  headHash: string;
  /** ISO-8601 UTC, e.g. `2026-01-02T03:04:05.678Z`. */
  signedAt: string;
  /** SHA-256 (hex) of the signing key's public key in DER SPKI form. */
  keyId: string;
  /** Ed25519 signature over `checkpointSigningInput`, base64. */
  signature: string;
}

export type UnsignedCheckpoint = Pick<SignedCheckpoint, 'position' | 'headHash' | 'signedAt'>;

const SIGNING_CONTEXT = 'mandate.checkpoint.v1';

/**
 * The exact bytes signed: UTF-8 of `mandate.checkpoint.v1 LF position LF headHash LF signedAt`
 * (decimal position, lowercase hex hash, no trailing newline). The context string keeps the
 * signature from being valid for anything else the same key might sign.
 */
export function checkpointSigningInput(checkpoint: UnsignedCheckpoint): Buffer {
  return Buffer.from(
    `${SIGNING_CONTEXT}\n${checkpoint.position}\n${checkpoint.headHash}\n${checkpoint.signedAt}`,
    'utf8',
  );
}

export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export function signCheckpoint(checkpoint: UnsignedCheckpoint, privateKey: KeyObject): SignedCheckpoint {
  // Ed25519 takes no separate digest: the algorithm argument is null.
  const signature = sign(null, checkpointSigningInput(checkpoint), privateKey).toString('base64');
  return { ...checkpoint, keyId: keyIdOf(privateKey), signature };
}

export function isCheckpointSignatureValid(checkpoint: SignedCheckpoint, publicKey: KeyObject): boolean {
  if (checkpoint.keyId !== keyIdOf(publicKey)) return false;
  try {
    return verify(
      null,
      checkpointSigningInput(checkpoint),
      publicKey,
      Buffer.from(checkpoint.signature, 'base64'),
    );
  } catch {
    return false;
  }
}
