import { problemsOf, production } from './production-env.fixtures';

const local = {
  AUTH_MODE: 'jwks',
  AUTH_JWKS_URL: 'http://127.0.0.1:9000/jwks',
  AUTH_ISSUER: 'http://127.0.0.1:9000',
  AUTH_AUDIENCE: 'https://mandate.test',
};

describe('loadConfig: the console’s OpenID Connect sign-in', () => {
  it('given production with an https issuer and a console client, when loading, then it loads with openid as the default scope', () => {
    expect(problemsOf({ ...production, CONSOLE_OIDC_CLIENT_ID: 'mandate-console' })).toEqual([]);
  });

  it('given a console client in dev mode, when loading, then it refuses: dev mode has its own sign-in', () => {
    expect(problemsOf({ CONSOLE_OIDC_CLIENT_ID: 'mandate-console' })).toEqual([
      'CONSOLE_OIDC_CLIENT_ID: only with AUTH_MODE=jwks',
    ]);
  });

  it('given an issuer that is not a URL, when loading with a console client, then it refuses naming AUTH_ISSUER', () => {
    expect(
      problemsOf({ ...production, AUTH_ISSUER: 'mandate-idp', CONSOLE_OIDC_CLIENT_ID: 'mandate-console' }),
    ).toEqual([expect.stringMatching(/^AUTH_ISSUER: must be the issuer URL/)]);
  });

  it('given a plain-http issuer, when loading with a console client, then production refuses it and development accepts it on loopback only', () => {
    expect(
      problemsOf({ ...production, AUTH_ISSUER: 'http://idp.example', CONSOLE_OIDC_CLIENT_ID: 'console' }),
    ).toEqual([expect.stringMatching(/^AUTH_ISSUER: must be an https URL/)]);
    expect(problemsOf({ ...local, CONSOLE_OIDC_CLIENT_ID: 'console' })).toEqual([]);
    expect(
      problemsOf({ ...local, AUTH_ISSUER: 'http://idp.example', CONSOLE_OIDC_CLIENT_ID: 'console' }),
    ).toEqual([expect.stringMatching(/^AUTH_ISSUER: must be an https URL/)]);
  });

  it('given scopes without openid, when loading with a console client, then it refuses: the ID token is what the console checks', () => {
    expect(
      problemsOf({ ...production, CONSOLE_OIDC_CLIENT_ID: 'console', CONSOLE_OIDC_SCOPES: 'profile' }),
    ).toEqual([expect.stringMatching(/^CONSOLE_OIDC_SCOPES: must include openid/)]);
  });
});
