import { createCipheriv, createDecipheriv, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import Fastify from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { RecordedEvent } from '@mandate/event-store';
import { asNewEvent, openThrowAwayStore } from './store.raw-appends';

/**
 * The credentials suite's limits: what Fastify, node:crypto and the store do with a lease's request
 * and nothing else — no auth, no evaluation, no decider — and a bare decrypt for a vault read. The
 * suite measures Mandate against these in the same run, in turns.
 */

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** What a lease asks for, as the floor reads it from the request. */
interface LeaseAsk {
  resources: string[];
  actions: string[];
}

/**
 * A lease's parts and nothing else: an Ed25519 JWT of the same claims signed with node:crypto,
 * then the durable append of the issue's own event (a `CredentialLeaseIssued` the API recorded,
 * under a new id and stream) to a store of its own with the same `synchronous`. The store and the
 * key are made once, so that each lease does only its own work.
 */
function leaseParts(issued: RecordedEvent[], synchronous: 'FULL' | 'NORMAL') {
  if (issued.length === 0) throw new Error('no CredentialLeaseIssued event to append');
  const { store, close } = openThrowAwayStore(synchronous);
  const { privateKey } = generateKeyPairSync('ed25519');
  const header = base64url({ alg: 'EdDSA', kid: 'bench', typ: 'at+jwt' });
  let streams = 0;
  const issueOne = async (ask: LeaseAsk) => {
    const index = streams++;
    const now = Math.floor(Date.now() / 1000);
    const jti = uuidv7();
    const claims = base64url({
      scope: ask.actions.join(' '),
      resources: ask.resources,
      iss: 'mandate',
      sub: 'agent:bench/eng',
      aud: 'github',
      iat: now,
      exp: now + 900,
      jti,
    });
    const input = `${header}.${claims}`;
    const token = `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
    await store.append(`lease-limit-${index}`, [asNewEvent(issued[index % issued.length])], {
      expectedRevision: 'no_stream',
    });
    return { leaseId: jti, token, expiresAt: new Date((now + 900) * 1000).toISOString() };
  };
  return { issueOne, close };
}

/**
 * A lease issue's floor as a request: a bare Fastify route at the API's path that parses the same
 * JSON body, does the lease's parts (`leaseParts`) for what it asks and answers the lease as JSON,
 * reached through `inject` like the API's stack. No auth, no evaluation, no decider: the
 * framework, the crypto and the store alone. `post(body)` answers the status.
 */
export async function bareLeaseRoute(
  issued: RecordedEvent[],
  options: { path: string; synchronous: 'FULL' | 'NORMAL' },
): Promise<{ post(body: object, headers: Record<string, string>): Promise<number>; close(): Promise<void> }> {
  const { issueOne, close } = leaseParts(issued, options.synchronous);
  const fastify = Fastify({ logger: false });
  fastify.post(options.path, async (request, reply) => {
    const ask = request.body as LeaseAsk;
    return reply.code(201).send(await issueOne(ask));
  });
  await fastify.ready();
  return {
    async post(body, headers) {
      const response = await fastify.inject({ method: 'POST', url: options.path, headers, payload: body });
      return response.statusCode;
    },
    async close() {
      await fastify.close();
      await close();
    },
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
