import { loadConfig } from '@mandate/config';
import { consoleSignIn, issuerOrigin } from './console-sign-in';

const jwks = {
  AUTH_MODE: 'jwks',
  AUTH_JWKS_URL: 'https://idp.example/jwks',
  AUTH_ISSUER: 'https://idp.example/tenant-1',
  AUTH_AUDIENCE: 'https://mandate.example',
};

describe('the console’s sign-in, as the API tells it', () => {
  it('given dev mode, then the development sign-in, and the page calls no other origin', () => {
    const signIn = consoleSignIn(loadConfig({ AUTH_MODE: 'dev' }));
    expect(signIn).toEqual({ method: 'dev' });
    expect(issuerOrigin(signIn)).toBeUndefined();
  });

  it('given jwks mode without a console client, then none: the console cannot sign anyone in', () => {
    expect(consoleSignIn(loadConfig(jwks))).toEqual({ method: 'none' });
  });

  it("given jwks mode with a console client, then the code flow at the issuer, for the API's audience, and the issuer's origin for the CSP", () => {
    const signIn = consoleSignIn(
      loadConfig({
        ...jwks,
        CONSOLE_OIDC_CLIENT_ID: 'mandate-console',
        CONSOLE_OIDC_SCOPES: 'openid profile',
      }),
    );
    expect(signIn).toEqual({
      method: 'oidc',
      issuer: 'https://idp.example/tenant-1',
      clientId: 'mandate-console',
      scopes: ['openid', 'profile'],
      resource: 'https://mandate.example',
    });
    expect(issuerOrigin(signIn)).toBe('https://idp.example');
  });
});
