import { z } from 'zod';
import { identifierSchema } from '../common/identifiers';
import { eventSchemasOf, type EventsOf } from '../shared';

/** What a connection's credential is; `mandate-jwt` stores no secret (Mandate signs). */
export const credentialKinds = ['github-app', 'oauth2-client', 'static', 'mandate-jwt'] as const;
export const credentialKindSchema = z.enum(credentialKinds);
export type CredentialKind = z.infer<typeof credentialKindSchema>;

/** A keyed HMAC of the secret (`hmac-sha256:<base64url>`), never the secret itself. */
export const credentialFingerprintSchema = z.string().regex(/^hmac-sha256:[A-Za-z0-9_-]{43}$/);

/**
 * Credential events carry what the secret is and its fingerprint, never its value: the value lives
 * in the vault only. `version` counts the credentials stored on the connection over its whole life;
 * `vaultVersion` is the vault's version of the secret (null for `mandate-jwt`).
 */
const stored = z.object({
  workspaceId: identifierSchema,
  connectionId: identifierSchema,
  kind: credentialKindSchema,
  version: z.number().int().min(1),
  vaultVersion: z.number().int().min(1).nullable(),
  fingerprint: credentialFingerprintSchema.nullable(),
});

const credentialEvents = {
  CredentialStored: stored,
  CredentialRotated: stored,
  CredentialDestroyed: z.object({
    workspaceId: identifierSchema,
    connectionId: identifierSchema,
    version: z.number().int().min(1),
  }),
};

export type CredentialEvent = EventsOf<typeof credentialEvents>;
export const credentialEventSchemas = eventSchemasOf(credentialEvents);
