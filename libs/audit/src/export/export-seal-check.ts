import { verify, type KeyObject } from 'node:crypto';
import { keyIdOf } from '@mandate/event-store';
import { sealSigningInput, type ExportHeader, type ExportSeal } from './export-records';

/** Why the seal does not vouch for the file (undefined when it does): fields, key, signature, digest. */
export function checkSeal(
  seal: ExportSeal,
  digest: string | undefined,
  header: ExportHeader,
  publicKey: KeyObject,
): string | undefined {
  for (const field of ['workspaceId', 'from', 'to', 'anchorHash', 'exportedAt', 'keyId'] as const) {
    if (seal[field] !== header[field]) return `the seal's ${field} differs from the header's`;
  }
  if (seal.keyId !== keyIdOf(publicKey))
    return `the export was sealed by key ${seal.keyId.slice(0, 16)}…, not by this key`;
  let valid = false;
  try {
    valid = verify(null, sealSigningInput(seal), publicKey, Buffer.from(seal.signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return 'the seal has no valid signature from this key';
  if (seal.digest !== digest) {
    return 'the bytes before the seal differ from the ones sealed (a line was changed, added or removed, e.g. an event redacted, a checkpoint dropped, or records rewritten with recomputed hashes)';
  }
  return undefined;
}
