import type { Browser, Page } from 'playwright-core';
import type { IdentityApi } from '../identity/identity-test-kit';
import {
  cspViolations,
  DESKTOP,
  focused,
  PHONE,
  screenshot,
  seriousA11yViolations,
  signIn,
} from './console-browser';
import { type ConsoleStack, ok, startConsoleStack } from './console-stack';

const ws = '/v1/workspaces/acme';
const REQUEST_ID = 'hotfix-42';
const UI_WAIT = { timeout: 15_000 };

describe('web console: the approver inbox in Chromium (API, worker and the local Temporal server)', () => {
  let stack: ConsoleStack;
  let api: IdentityApi;
  let browser: Browser;
  let baseUrl: string;
  let bob: Page;
  let dave: Page;
  const csp: string[] = [];

  const card = (page: Page, section: string) =>
    page.getByRole('region', { name: section }).locator(`article[data-request-id="${REQUEST_ID}"]`);

  beforeAll(async () => {
    // given workspace acme: Bob approves, Dave is a member, a gateway checks; channel #eng
    stack = await startConsoleStack({
      worker: true,
      members: [
        ['bob', 'approver'],
        ['dave', 'member'],
      ],
    });
    ({ api, browser, baseUrl } = stack);
    ok(await api.call('PUT', `${ws}/services/gateway`, { as: 'root' }));
    ok(
      await api.call('POST', `${ws}/channels`, {
        as: 'root',
        body: { channelId: 'eng', name: 'Eng', visibility: 'public' },
      }),
      201,
    );
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  it('serves the console with its CSP and signs Bob in; the sign-in page has no serious accessibility violation', async () => {
    bob = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    csp.push(...cspViolations(bob));

    // when Bob opens the console (its address without the trailing slash redirects)
    const response = await bob.goto(`${baseUrl}/console`);

    // then it comes with a CSP allowing only its own files, and the sign-in page passes axe
    expect(response?.url()).toBe(`${baseUrl}/console/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(await seriousA11yViolations(bob)).toEqual([]);
    await screenshot(bob, 'sign-in');
    // and the keyboard reaches the field first, with a visible focus ring
    await bob.keyboard.press('Tab');
    expect(await focused(bob)).toMatchObject({ label: 'Your principal id', outline: 'solid' });
    await signIn(bob, baseUrl, 'bob');
    await bob.locator('[data-status="live"]').waitFor(UI_WAIT);
    expect(await seriousA11yViolations(bob)).toEqual([]);
  }, 60_000);

  it("Dave's request appears in Bob's inbox without a reload, with what would change", async () => {
    // when Dave asks for write access through the API
    ok(
      await api.call('POST', `${ws}/access-requests`, {
        as: 'dave',
        body: {
          requestId: REQUEST_ID,
          channelId: 'eng',
          connector: 'github',
          actions: ['write'],
          resources: ['acme/api'],
          durationSeconds: 1800,
          reason: 'Hotfix for the login outage (ENG-204)',
        },
      }),
      201,
    );

    // then it shows up in Bob's open page: requester, reason, what would change, quorum, time left
    const pending = card(bob, 'Waiting for your decision');
    await pending.waitFor(UI_WAIT);
    await expect(pending.getByTestId('requester').textContent()).resolves.toBe('dave');
    const text = await pending.textContent();
    expect(text).toContain('Hotfix for the login outage (ENG-204)');
    expect(text).toContain('acme/api');
    expect(text).toContain('no: would be granted');
    expect(await pending.getByTestId('quorum').textContent()).toContain('0 of 1 approval');
    expect(await pending.getByTestId('time-left').textContent()).toMatch(/Time to decide: (23h 59m|24h 00m)/);
    expect(await seriousA11yViolations(bob)).toEqual([]);
    await screenshot(bob, 'inbox-pending');
  }, 60_000);

  it('Dave sees his request without an approve button; a forced approve shows the API’s refusal', async () => {
    dave = await (await browser.newContext({ viewport: PHONE })).newPage();
    csp.push(...cspViolations(dave));
    await signIn(dave, baseUrl, 'dave');

    // then his own request is listed, with nothing to decide
    await card(dave, 'Your pending requests').waitFor(UI_WAIT);
    expect(await dave.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await seriousA11yViolations(dave)).toEqual([]);
    await screenshot(dave, 'requester-phone');

    // when a forged inbox offers him his own request and he approves it
    const inboxOfDave = (url: URL) =>
      url.pathname === `${ws}/access-requests` && url.searchParams.get('approvable') === 'true';
    await dave.route(inboxOfDave, async (route) => {
      const mine = await route.fetch({ url: `${baseUrl}${ws}/access-requests?mine=true&status=pending` });
      await route.fulfill({ response: mine });
    });
    await signIn(dave, baseUrl, 'dave');
    const forced = card(dave, 'Waiting for your decision');
    await forced.getByRole('button', { name: 'Approve' }).click();

    // then the API's refusal is shown, and the request is still pending
    await expect(forced.getByRole('alert').textContent()).resolves.toContain('self-approval-forbidden');
    const detail = ok<{ status: string }>(
      await api.call('GET', `${ws}/access-requests/${REQUEST_ID}`, { as: 'bob' }),
    );
    expect(detail.status).toBe('pending');
  }, 60_000);

  it('Bob approves with a comment: active with time left, and a check with minPosition allows', async () => {
    // when Bob approves with a comment, from the keyboard: type, Tab to Approve (focus visible), Enter
    const pending = card(bob, 'Waiting for your decision');
    await pending.getByLabel('Comment').focus();
    await bob.keyboard.type('Go ahead');
    await bob.keyboard.press('Tab');
    expect(await focused(bob)).toMatchObject({ label: 'Approve', outline: 'solid' });
    await bob.keyboard.press('Enter');

    // then the grant is active with its time left, and his comment is on the record
    await bob.getByText(`Approved ${REQUEST_ID}: now active.`).waitFor(UI_WAIT);
    const active = card(bob, 'Active grants');
    await active.waitFor(UI_WAIT);
    expect(await active.getByTestId('time-left').textContent()).toMatch(/Time left: (29m|30m) \d\ds/);
    await pending.waitFor({ state: 'detached', ...UI_WAIT });
    const detail = ok<{ timeline: { type: string; position: number; data: { comment?: string } }[] }>(
      await api.call('GET', `${ws}/access-requests/${REQUEST_ID}`, { as: 'bob' }),
    );
    expect(detail.timeline.find((event) => event.type === 'AccessApprovalRecorded')?.data.comment).toBe(
      'Go ahead',
    );
    expect(await seriousA11yViolations(bob)).toEqual([]);
    await screenshot(bob, 'inbox-active-grant');

    // and the agent may write, read at the grant's own position
    const position = Math.max(...detail.timeline.map((event) => event.position));
    const check = ok<{ allowed: boolean; provenance: { layer: string } }>(
      await api.call('POST', '/v1/check', {
        as: 'gateway',
        scopes: ['permissions:check'],
        body: {
          workspaceId: 'acme',
          channelId: 'eng',
          connector: 'github',
          action: 'write',
          resource: 'acme/api',
          minPosition: position,
        },
      }),
    );
    expect(check).toMatchObject({ allowed: true, provenance: { layer: 'jit' } });
  }, 60_000);

  it("Dave asks to extend the grant from his phone: the extension appears in Bob's inbox without a reload", async () => {
    // when Dave, who sees the active grant, asks for one more hour
    const grant = card(dave, 'Active grants');
    await grant.waitFor(UI_WAIT);
    await grant.getByLabel('Extend by').selectOption({ label: '1 hour' });
    await grant.getByLabel('Reason for extending').fill('Rollback window');
    await grant.getByRole('button', { name: 'Ask to extend' }).click();
    await dave.getByText(`Asked to extend ${REQUEST_ID}: now active.`).waitFor(UI_WAIT);

    // then Bob's open inbox offers him the extension, asked by Dave for an hour
    const extension = card(bob, 'Waiting for your decision');
    await extension.waitFor(UI_WAIT);
    expect(await extension.getByRole('heading').textContent()).toContain('Extension of hotfix-42');
    expect(await extension.getByTestId('requester').textContent()).toBe('dave');
    expect(await extension.textContent()).toContain('1h 00m');
    expect(await seriousA11yViolations(dave)).toEqual([]);
    expect(await seriousA11yViolations(bob)).toEqual([]);
  }, 60_000);

  it('Bob revokes: the page shows it revoked and the grant leaves the list; no CSP violation all along', async () => {
    // when Bob revokes the grant, giving a reason
    const active = card(bob, 'Active grants');
    await active.getByLabel('Reason for revoking').fill('Outage over');
    await active.getByRole('button', { name: 'Revoke' }).click();

    // then the page says it is revoked, and it is no longer listed as active
    await bob.getByText(`Revoked ${REQUEST_ID}: now revoked.`).waitFor(UI_WAIT);
    await active.waitFor({ state: 'detached', ...UI_WAIT });
    const detail = ok<{ status: string }>(
      await api.call('GET', `${ws}/access-requests/${REQUEST_ID}`, { as: 'bob' }),
    );
    expect(detail.status).toBe('revoked');
    expect(csp).toEqual([]);
  }, 60_000);

  it('the request page shows the whole timeline: who did what, when, and what they said', async () => {
    // when Bob opens the request from the page's notice
    await bob.getByRole('button', { name: `Open ${REQUEST_ID}` }).click();

    // then the page has its status and every step with its actor
    await bob.getByRole('heading', { name: `Request ${REQUEST_ID}` }).waitFor(UI_WAIT);
    expect(await bob.getByTestId('request-status').textContent()).toBe('revoked');
    const row = (type: string) => bob.locator(`tr[data-event-type="${type}"]`);
    expect(await row('AccessRequested').textContent()).toContain('dave');
    expect(await row('AccessApprovalRecorded').first().textContent()).toMatch(/bob.*“Go ahead”/);
    expect(await row('AccessGranted').count()).toBe(1);
    expect(await row('AccessExtensionRequested').textContent()).toContain('Rollback window');
    expect(await row('AccessRevoked').textContent()).toMatch(/bob.*reason: Outage over/);
    expect(await seriousA11yViolations(bob)).toEqual([]);
    await screenshot(bob, 'request-timeline');

    // and back in the inbox, nothing waits
    await bob.getByRole('button', { name: 'Back to the inbox' }).click();
    await bob.getByText('Nothing waits for your decision.').waitFor(UI_WAIT);
  }, 60_000);
});
