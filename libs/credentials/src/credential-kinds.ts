import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { credentialKinds, type CredentialKind, normalizeHost } from '@mandate/domain';

/**
 * What an admin may store for a connection. Every kind is parsed into its canonical form before it
 * reaches the vault; a value outside a kind's grammar is refused with that kind's own code, and the
 * refusal never repeats the value (it may be a secret).
 */
const MAX_SECRET_LENGTH = 16_384;
const secretText = z.string().min(1).max(MAX_SECRET_LENGTH);
export const GITHUB_API = 'https://api.github.com';

const githubAppSchema = z
  .object({
    kind: z.literal('github-app'),
    /** GitHub accepts either as the App JWT's `iss`; the client id is the one GitHub recommends. */
    appId: z
      .string()
      .regex(/^[1-9][0-9]{0,19}$/)
      .optional(),
    clientId: z
      .string()
      .regex(/^Iv[0-9a-zA-Z.]{1,62}$/)
      .optional(),
    installationId: z.string().regex(/^[1-9][0-9]{0,19}$/),
    privateKeyPem: secretText,
    /** GitHub's REST API, or a GitHub Enterprise Server's (`https://github.example.com/api/v3`). */
    baseUrl: z.string().max(2048).default(GITHUB_API),
  })
  .strict()
  .refine((value) => value.appId !== undefined || value.clientId !== undefined, {
    message: 'needs appId or clientId',
    path: ['appId'],
  });

const scopeToken = z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,200}$/);

const oauth2ClientSchema = z
  .object({
    kind: z.literal('oauth2-client'),
    tokenEndpoint: z.string().max(2048),
    clientId: z.string().min(1).max(512),
    clientSecret: secretText,
    /** RFC 7009: where a lease's token is revoked when the lease ends before the token does. */
    revocationEndpoint: z.string().max(2048).optional(),
    audiences: z.array(z.string().min(1).max(2048)).max(50).default([]),
    scopes: z.array(scopeToken).max(100).default([]),
  })
  .strict();

/** `Authorization: Bearer {secret}`: one header, the placeholder exactly once, in its value. */
const HEADER_TEMPLATE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}): ?([\x20-\x7e]{0,200})$/;

const staticSchema = z
  .object({
    kind: z.literal('static'),
    /** Injected into a header: visible ASCII only, so it can never split or add a header. */
    secret: secretText.regex(/^[\x21-\x7e]+$/, 'must be visible ASCII'),
    /** The only hosts the gateway may inject it into, bound now: no caller picks them later. */
    hosts: z.array(z.string().min(1).max(254)).min(1).max(50),
    header: z.string().max(300),
  })
  .strict();

const mandateJwtSchema = z.object({ kind: z.literal('mandate-jwt') }).strict();

/** The request body's shape, per kind (the API documents and checks it); `parseCredential` goes further. */
export const credentialBodySchema = z.discriminatedUnion('kind', [
  githubAppSchema,
  oauth2ClientSchema,
  staticSchema,
  mandateJwtSchema,
]);

export type GithubAppCredential = z.infer<typeof githubAppSchema>;
export type OAuth2ClientCredential = z.infer<typeof oauth2ClientSchema>;
export type StaticCredential = z.infer<typeof staticSchema>;
export type MandateJwtCredential = z.infer<typeof mandateJwtSchema>;
export type Credential =
  GithubAppCredential | OAuth2ClientCredential | StaticCredential | MandateJwtCredential;

export type CredentialErrorCode =
  | 'malformed-credential'
  | 'malformed-github-app-credential'
  | 'malformed-github-app-private-key'
  | 'malformed-github-app-base-url'
  | 'malformed-oauth2-client-credential'
  | 'malformed-oauth2-token-endpoint'
  | 'malformed-oauth2-revocation-endpoint'
  | 'malformed-static-credential'
  | 'malformed-static-credential-host'
  | 'malformed-static-credential-header';

export type CredentialParseResult =
  | { ok: true; credential: Credential }
  | { ok: false; code: CredentialErrorCode; field: string; message: string };

const refuse = (code: CredentialErrorCode, field: string, message: string): CredentialParseResult => ({
  ok: false,
  code,
  field,
  message,
});

const kindCodes: Record<CredentialKind, CredentialErrorCode> = {
  'github-app': 'malformed-github-app-credential',
  'oauth2-client': 'malformed-oauth2-client-credential',
  static: 'malformed-static-credential',
  'mandate-jwt': 'malformed-credential',
};

/** Parses a credential body into its canonical form; messages name fields, never values. */
export function parseCredential(input: unknown): CredentialParseResult {
  const parsed = credentialBodySchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const kind = (input as { kind?: unknown } | null)?.kind;
    const code = credentialKinds.includes(kind as CredentialKind)
      ? kindCodes[kind as CredentialKind]
      : 'malformed-credential';
    const field = issue.path.join('.') || 'kind';
    // zod messages describe the expectation, not the received value.
    return refuse(
      code,
      field,
      `${field}: ${issue.code === 'invalid_union' ? 'unknown kind' : issue.message}`,
    );
  }
  const value = parsed.data;
  switch (value.kind) {
    case 'github-app':
      return parseGithubApp(value);
    case 'oauth2-client':
      return parseOAuth2Client(value);
    case 'static':
      return parseStatic(value);
    case 'mandate-jwt':
      return { ok: true, credential: value };
  }
}

function parseGithubApp(value: GithubAppCredential): CredentialParseResult {
  try {
    const key = createPrivateKey({ key: value.privateKeyPem, format: 'pem' });
    if (key.asymmetricKeyType !== 'rsa') {
      return refuse('malformed-github-app-private-key', 'privateKeyPem', 'privateKeyPem: not an RSA key');
    }
  } catch {
    return refuse(
      'malformed-github-app-private-key',
      'privateKeyPem',
      'privateKeyPem: not a PEM private key',
    );
  }
  const baseUrl = httpsUrl(value.baseUrl);
  if (baseUrl === undefined) {
    return refuse(
      'malformed-github-app-base-url',
      'baseUrl',
      'baseUrl: must be an https URL without credentials, query or fragment',
    );
  }
  // Paths are appended to it: one spelling, without a trailing slash.
  return { ok: true, credential: { ...value, baseUrl: baseUrl.href.replace(/\/+$/, '') } };
}

/** An https URL without user info, query or fragment, with a host the one normaliser accepts. */
function httpsUrl(text: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.hash || url.search) return undefined;
  return normalizeHost(url.hostname).ok ? url : undefined;
}

function parseOAuth2Client(value: OAuth2ClientCredential): CredentialParseResult {
  let url: URL;
  try {
    url = new URL(value.tokenEndpoint);
  } catch {
    return refuse('malformed-oauth2-token-endpoint', 'tokenEndpoint', 'tokenEndpoint: not a URL');
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.hash) {
    return refuse(
      'malformed-oauth2-token-endpoint',
      'tokenEndpoint',
      'tokenEndpoint: must be an https URL without credentials or fragment',
    );
  }
  const host = normalizeHost(url.hostname);
  if (!host.ok) {
    return refuse('malformed-oauth2-token-endpoint', 'tokenEndpoint', 'tokenEndpoint: malformed host');
  }
  const revocation = value.revocationEndpoint === undefined ? undefined : httpsUrl(value.revocationEndpoint);
  if (value.revocationEndpoint !== undefined && revocation === undefined) {
    return refuse(
      'malformed-oauth2-revocation-endpoint',
      'revocationEndpoint',
      'revocationEndpoint: must be an https URL without credentials, query or fragment',
    );
  }
  return {
    ok: true,
    credential: {
      ...value,
      tokenEndpoint: url.href,
      ...(revocation ? { revocationEndpoint: revocation.href } : {}),
      audiences: [...new Set(value.audiences)].sort(),
      scopes: [...new Set(value.scopes)].sort(),
    },
  };
}

function parseStatic(value: StaticCredential): CredentialParseResult {
  const hosts: string[] = [];
  for (const [index, text] of value.hosts.entries()) {
    const host = normalizeHost(text);
    if (!host.ok) {
      return refuse('malformed-static-credential-host', `hosts.${index}`, `hosts.${index}: ${host.message}`);
    }
    hosts.push(host.host.text);
  }
  const header = HEADER_TEMPLATE.exec(value.header);
  if (!header || header[2].split('{secret}').length !== 2) {
    return refuse(
      'malformed-static-credential-header',
      'header',
      'header: must be `Name: value` with {secret} exactly once in the value',
    );
  }
  return {
    ok: true,
    credential: {
      ...value,
      hosts: [...new Set(hosts)].sort(),
      header: `${header[1]}: ${header[2]}`,
    },
  };
}
