import { generateKeyPairSync } from 'node:crypto';
import { parseCredential } from './credential-kinds';

const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs1',
  format: 'pem',
}) as string;
const ecPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;

describe('parseCredential', () => {
  describe('github-app', () => {
    const valid = {
      kind: 'github-app',
      clientId: 'Iv23liAbc',
      installationId: '4242',
      privateKeyPem: rsaPem,
    };

    it('accepts a client id or an app id with an installation and an RSA private key', () => {
      expect(parseCredential(valid)).toMatchObject({ ok: true });
      const { clientId: _, ...withoutClient } = valid;
      expect(parseCredential({ ...withoutClient, appId: '123' })).toMatchObject({ ok: true });
    });

    it('refuses neither app id nor client id', () => {
      const { clientId: _, ...withoutClient } = valid;

      expect(parseCredential(withoutClient)).toMatchObject({
        ok: false,
        code: 'malformed-github-app-credential',
        field: 'appId',
      });
    });

    it.each([
      ['not a PEM', 'SECRET-NOT-PEM-1234'],
      ['an EC key', ecPem],
    ])('refuses a private key that is %s, without echoing it', (_, privateKeyPem) => {
      const result = parseCredential({ ...valid, privateKeyPem });

      expect(result).toMatchObject({
        ok: false,
        code: 'malformed-github-app-private-key',
        field: 'privateKeyPem',
      });
      expect(JSON.stringify(result)).not.toContain(privateKeyPem.slice(0, 20));
    });

    it('takes GitHub’s API as the base URL unless one is given, and keeps one spelling of it', () => {
      expect(parseCredential(valid)).toMatchObject({
        ok: true,
        credential: { baseUrl: 'https://api.github.com' },
      });
      expect(parseCredential({ ...valid, baseUrl: 'https://GHE.example.com/api/v3/' })).toMatchObject({
        ok: true,
        credential: { baseUrl: 'https://ghe.example.com/api/v3' },
      });
    });

    it.each([
      'http://ghe.example.com/api/v3',
      'https://u:p@ghe.example.com',
      'https://ghe.example.com/?x=1',
      'x',
    ])('refuses the base URL %s', (baseUrl) => {
      expect(parseCredential({ ...valid, baseUrl })).toMatchObject({
        ok: false,
        code: 'malformed-github-app-base-url',
        field: 'baseUrl',
      });
    });

    it('refuses a non-numeric installation id', () => {
      expect(parseCredential({ ...valid, installationId: '12a' })).toMatchObject({
        ok: false,
        code: 'malformed-github-app-credential',
        field: 'installationId',
      });
    });
  });

  describe('oauth2-client', () => {
    const valid = {
      kind: 'oauth2-client',
      tokenEndpoint: 'https://auth.example.com/oauth/token',
      clientId: 'mandate-agent',
      clientSecret: 'CLIENT-SECRET-CANARY',
      audiences: ['https://api.example.com'],
      scopes: ['write', 'read', 'read'],
    };

    it('accepts an https token endpoint and sorts and dedups scopes', () => {
      expect(parseCredential(valid)).toMatchObject({ ok: true, credential: { scopes: ['read', 'write'] } });
    });

    it.each(['http://auth.example.com/token', 'https://user:pw@auth.example.com/token', 'not a url'])(
      'refuses the token endpoint %s',
      (tokenEndpoint) => {
        expect(parseCredential({ ...valid, tokenEndpoint })).toMatchObject({
          ok: false,
          code: 'malformed-oauth2-token-endpoint',
          field: 'tokenEndpoint',
        });
      },
    );

    it('accepts an https revocation endpoint and refuses any other', () => {
      expect(
        parseCredential({ ...valid, revocationEndpoint: 'https://auth.example.com/oauth/revoke' }),
      ).toMatchObject({
        ok: true,
        credential: { revocationEndpoint: 'https://auth.example.com/oauth/revoke' },
      });
      expect(
        parseCredential({ ...valid, revocationEndpoint: 'http://auth.example.com/revoke' }),
      ).toMatchObject({
        ok: false,
        code: 'malformed-oauth2-revocation-endpoint',
        field: 'revocationEndpoint',
      });
    });

    it('refuses a missing client secret, naming the field only', () => {
      const { clientSecret: _, ...rest } = valid;

      expect(parseCredential(rest)).toMatchObject({
        ok: false,
        code: 'malformed-oauth2-client-credential',
        field: 'clientSecret',
      });
    });
  });

  describe('static', () => {
    const valid = {
      kind: 'static',
      secret: 'STATIC-CANARY',
      hosts: ['API.Example.com.', 'api.example.com'],
      header: 'Authorization: Bearer {secret}',
    };

    it('binds the secret to canonical hosts and a header template', () => {
      expect(parseCredential(valid)).toEqual({
        ok: true,
        credential: { ...valid, hosts: ['api.example.com'] },
      });
    });

    it('refuses a host outside the grammar with its own code', () => {
      expect(parseCredential({ ...valid, hosts: ['api.example.com/path'] })).toMatchObject({
        ok: false,
        code: 'malformed-static-credential-host',
        field: 'hosts.0',
      });
    });

    it.each([
      'Authorization: Bearer',
      'Authorization: {secret} {secret}',
      '{secret}: value',
      'X-Api-Key: {secret}\r\nX-Other: 1',
    ])('refuses the header template %j', (header) => {
      expect(parseCredential({ ...valid, header })).toMatchObject({
        ok: false,
        code: 'malformed-static-credential-header',
      });
    });

    it('refuses a secret that could split a header', () => {
      expect(parseCredential({ ...valid, secret: 'abc\r\nX-Injected: 1' })).toMatchObject({
        ok: false,
        code: 'malformed-static-credential',
        field: 'secret',
      });
    });
  });

  it('accepts mandate-jwt with no secret and refuses any field beside its kind', () => {
    expect(parseCredential({ kind: 'mandate-jwt' })).toEqual({
      ok: true,
      credential: { kind: 'mandate-jwt' },
    });
    expect(parseCredential({ kind: 'mandate-jwt', secret: 'x' })).toMatchObject({ ok: false });
  });

  it('refuses an unknown kind', () => {
    expect(parseCredential({ kind: 'password', secret: 'x' })).toMatchObject({
      ok: false,
      code: 'malformed-credential',
      field: 'kind',
    });
  });
});
