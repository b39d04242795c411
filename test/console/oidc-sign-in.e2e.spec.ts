import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTsProcess, type TsProcess } from '@mandate/testing';
import { cspViolations, DESKTOP, screenshot, seriousA11yViolations } from './console-browser';
import { type ConsoleStack, freePort, startConsoleStack } from './console-stack';

const AUDIENCE = 'https://mandate.test';
const CLIENT_ID = 'mandate-console';
const UI_WAIT = { timeout: 15_000 };

/** What the page keeps where a script of the origin could read it back after the tab's memory. */
const storage = (page: Page): Promise<{ local: string; session: string; cookies: string }> =>
  // A string: it runs in the page, whose DOM types this (Node) project does not load.
  page.evaluate(`(() => ({
    local: JSON.stringify({ ...localStorage }),
    session: JSON.stringify({ ...sessionStorage }),
    cookies: document.cookie,
  }))()`);

describe('web console: OpenID Connect sign-in (authorization code + PKCE) in Chromium against a real oidc-provider, the API in jwks mode', () => {
  let provider: TsProcess;
  let issuer: string;
  let stack: ConsoleStack;
  const csp: string[] = [];

  const openConsole = async (): Promise<Page> => {
    const page = await (await stack.browser.newContext({ viewport: DESKTOP })).newPage();
    csp.push(...cspViolations(page));
    await page.goto(`${stack.baseUrl}/console/`);
    await page.getByRole('button', { name: 'Sign in with your identity provider' }).waitFor(UI_WAIT);
    return page;
  };
  /** At the provider's own pages: any login name is the account, then consent. */
  const signInAtProvider = async (page: Page, login: string) => {
    await page.locator('input[name="login"]').waitFor(UI_WAIT);
    expect(new URL(page.url()).origin).toBe(issuer);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click(UI_WAIT);
  };

  beforeAll(async () => {
    // The console's address must be registered at the provider before the API listens there.
    const port = await freePort();
    provider = startTsProcess(join(__dirname, '..', 'api', 'fixtures', 'oidc-provider.process.ts'), [
      '-',
      '-',
      JSON.stringify([
        { clientId: CLIENT_ID, scope: 'openid', redirectUris: [`http://127.0.0.1:${port}/console/`] },
      ]),
    ]);
    const idp = (await provider.waitFor((message) => 'issuer' in (message as object))) as {
      issuer: string;
      jwksUrl: string;
    };
    issuer = idp.issuer;
    // given workspace acme where Bob approves, then the API switched to the identity provider
    stack = await startConsoleStack({
      members: [['bob', 'approver']],
      port,
      thenEnv: {
        AUTH_MODE: 'jwks',
        AUTH_ISSUER: idp.issuer,
        AUTH_JWKS_URL: idp.jwksUrl,
        AUTH_AUDIENCE: AUDIENCE,
        AUTH_JWT_ALGORITHMS: 'ES256',
        CONSOLE_OIDC_CLIENT_ID: CLIENT_ID,
      },
    });
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    provider?.child.kill('SIGTERM');
    await provider?.closed;
  }, 60_000);

  it('offers the identity provider’s sign-in only; the CSP lets the page call the issuer and no other origin; axe finds nothing serious', async () => {
    const page = await (await stack.browser.newContext({ viewport: DESKTOP })).newPage();
    csp.push(...cspViolations(page));

    const response = await page.goto(`${stack.baseUrl}/console/`);
    await page.getByRole('button', { name: 'Sign in with your identity provider' }).waitFor(UI_WAIT);

    const policy = response?.headers()['content-security-policy'] ?? '';
    expect(policy.split('; ').find((directive) => directive.startsWith('connect-src'))).toBe(
      `connect-src 'self' ${issuer}`,
    );
    expect(await page.getByLabel('Your principal id').count()).toBe(0);
    // and the development sign-in is refused by the API itself
    const dev = await stack.api.call('POST', '/v1/dev/sessions', { body: { principalId: 'bob' } });
    expect([dev.statusCode, dev.json<{ code: string }>().code]).toEqual([403, 'dev-mode-only']);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in-oidc');
  }, 60_000);

  it('Bob signs in at the provider’s login and consent pages and lands in his inbox; the tokens stay in memory; sign-out ends the provider’s session too', async () => {
    const page = await openConsole();
    const tokens: string[] = [];
    page.on('response', (response) => {
      if (response.url() === `${issuer}/token` && response.ok()) {
        void response.json().then((body: { access_token: string; id_token: string }) => {
          tokens.push(body.access_token, body.id_token);
        });
      }
    });

    // when Bob signs in with the keyboard, at the provider
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await signInAtProvider(page, 'bob');

    // then he is back in the console, signed in as bob, with his inbox, the code gone from the address
    await page.getByRole('heading', { name: /Approver inbox/ }).waitFor(UI_WAIT);
    expect(await page.locator('.signed-in-as').innerText()).toBe('Signed in as bob');
    expect(page.url()).toBe(`${stack.baseUrl}/console/`);
    // and neither token is kept where a script could read it after the tab: no storage, no cookie
    expect(tokens).toHaveLength(2);
    const kept = await storage(page);
    expect(kept).toEqual({ local: '{}', session: '{}', cookies: '' });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'signed-in-oidc');

    // when he signs out, the provider asks, and he comes back to the console's sign-in
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click(UI_WAIT);
    await page.getByRole('button', { name: 'Sign in with your identity provider' }).waitFor(UI_WAIT);
    // and signing in again asks for his login: the provider's session ended as well
    await page.getByRole('button', { name: 'Sign in with your identity provider' }).click();
    await page.locator('input[name="login"]').waitFor(UI_WAIT);
    expect(csp).toEqual([]);
  }, 90_000);

  it('a token the provider issued for another audience is refused: the console shows the API’s refusal and signs nobody in', async () => {
    const page = await openConsole();
    // given the resource indicator rewritten on the way to the provider, as a misconfigured issuer would
    const elsewhere = (text: string) =>
      text.replace(encodeURIComponent(AUDIENCE), encodeURIComponent('https://elsewhere.test'));
    await page.route(`${issuer}/auth?*`, (route, request) =>
      route.continue({ url: elsewhere(request.url()) }),
    );
    await page.route(`${issuer}/token`, (route, request) =>
      route.continue({ postData: elsewhere(request.postData() ?? '') }),
    );

    await page.getByRole('button', { name: 'Sign in with your identity provider' }).click();
    await signInAtProvider(page, 'bob');

    const refusal = page.getByRole('alert');
    await refusal.waitFor(UI_WAIT);
    expect(await refusal.innerText()).toMatch(/The API refused the token: .*"aud" claim.*invalid-token/);
    expect(await page.getByRole('heading', { name: /Approver inbox/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Sign in with your identity provider' }).isVisible()).toBe(
      true,
    );
  }, 90_000);

  it('an answer whose state this tab did not send is refused before any code exchange', async () => {
    const page = await openConsole();
    let exchanged = false;
    page.on('request', (request) => {
      if (request.url() === `${issuer}/token`) exchanged = true;
    });
    // given a sign-in started in this tab (its state, nonce and verifier waiting)
    await page.getByRole('button', { name: 'Sign in with your identity provider' }).click();
    await page.locator('input[name="login"]').waitFor(UI_WAIT);

    // when a forged answer with another state is opened in it
    await page.goto(
      `${stack.baseUrl}/console/?code=forged-code&state=forged-state&iss=${encodeURIComponent(issuer)}`,
    );

    const refusal = page.getByRole('alert');
    await refusal.waitFor(UI_WAIT);
    expect(await refusal.innerText()).toMatch(/state/);
    expect(exchanged).toBe(false);
    expect(await storage(page)).toMatchObject({ session: '{}' });
  }, 60_000);
});
