import { createCipheriv, createDecipheriv, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { RecordedEvent } from '@mandate/event-store';
import { asNewEvent, openThrowAwayStore } from './store.raw-appends';

/**
 * The credentials suite's limits: what node:crypto and the store do with a lease's parts and
 * nothing else — no auth, no evaluation, no decider, no answer. The suite measures Mandate against
 * these in the same run, in turns.
 */

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A lease issue's floor: an Ed25519 JWT of the same claims signed with node:crypto, then the
 * durable append of the issue's own event (a `CredentialLeaseIssued` the API recorded, under a new
 * id and stream) to a store of its own with the same `synchronous`, from `callers` at once like the
 * API's figure. The store and the key are made once, so that each `issue(count)` does only the
 * `count` leases, as many as each turn of the API's.
 */
export function rawLeaseIssuer(
  issued: RecordedEvent[],
  options: { callers: number; synchronous: 'FULL' | 'NORMAL' },
): { issue(count: number): Promise<number>; close(): Promise<void> } {
  if (issued.length === 0) throw new Error('no CredentialLeaseIssued event to append');
  const { store, close } = openThrowAwayStore(options.synchronous);
  const { privateKey } = generateKeyPairSync('ed25519');
  const header = base64url({ alg: 'EdDSA', kid: 'bench', typ: 'at+jwt' });
  let streams = 0;
  const issueOne = async (index: number) => {
    const now = Math.floor(Date.now() / 1000);
    const claims = base64url({
      scope: 'read',
      resources: [`bench/repo-${index % 50}`],
      iss: 'mandate',
      sub: 'agent:bench/eng',
      aud: 'github',
      iat: now,
      exp: now + 900,
      jti: uuidv7(),
    });
    const input = `${header}.${claims}`;
    const token = `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
    if (token.length === 0) throw new Error('no token');
    await store.append(`lease-limit-${index}`, [asNewEvent(issued[index % issued.length])], {
      expectedRevision: 'no_stream',
    });
  };
  return {
    async issue(count) {
      let left = count;
      await Promise.all(
        Array.from({ length: options.callers }, async () => {
          while (left-- > 0) await issueOne(streams++);
        }),
      );
      return count;
    },
    close,
  };
}

/**
 * A vault read's floor: one AES-256-GCM decrypt (tag checked) of a ciphertext the size of the
 * secret. The key and ciphertext are made once, so that `decrypt(count)` does only the `count`
 * decrypts, as many as each turn of the vault's reads. The embedded vault also reads the row.
 */
export function bareDecrypter(secret: string): (count: number) => number {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return (count) => {
    for (let index = 0; index < count; index++) {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
      if (plain.length !== ciphertext.length) throw new Error('decrypt answered another length');
    }
    return count;
  };
}
