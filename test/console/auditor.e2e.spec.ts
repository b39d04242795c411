import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { auditFiles, exportPublicKeyPem } from '@mandate/event-store';
import { repoRoot } from '@mandate/infra';
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
// Request ids are workflow ids on the Temporal server every spec of the run shares: each spec
// keeps its own (the approver inbox's is hotfix-42), or the second to start one finds it taken.
const REQUEST_ID = 'audit-hotfix-7';
const UI_WAIT = { timeout: 15_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The value a `datetime-local` control holds for an instant, in the page's time zone (UTC here). */
const local = (instant: Date) => instant.toISOString().slice(0, 23);

/** `npm run cli -- audit verify-export …` as an auditor runs it: the file and the public key only. */
function verifyExportCli(file: string, publicKey: string) {
  const result = spawnSync(
    process.execPath,
    [
      '-r',
      './scripts/register.js',
      'apps/cli/src/main.ts',
      'audit',
      'verify-export',
      file,
      '--public-key',
      publicKey,
    ],
    { cwd: repoRoot, env: { PATH: process.env.PATH }, encoding: 'utf8' },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('web console: the auditor pages and the channel page in Chromium (API, worker and the local Temporal server)', () => {
  let stack: ConsoleStack;
  let api: IdentityApi;
  let browser: Browser;
  let baseUrl: string;
  let audrey: Page;
  let scratch: string;
  const csp: string[] = [];
  /** Before the grant, while it was active, after its revocation. */
  let beforeGrant: Date;
  let duringGrant: Date;

  const statusOf = async () =>
    ok<{ status: string }>(await api.call('GET', `${ws}/access-requests/${REQUEST_ID}`, { as: 'bob' }))
      .status;
  const until = async (status: string) => {
    for (let tries = 0; tries < 150 && (await statusOf()) !== status; tries += 1) await sleep(100);
    expect(await statusOf()).toBe(status);
  };
  const region = (page: Page, name: string) => page.getByRole('region', { name });
  const newPage = async (viewport: typeof DESKTOP): Promise<Page> => {
    const context: BrowserContext = await browser.newContext({ viewport, timezoneId: 'UTC' });
    const page = await context.newPage();
    csp.push(...cspViolations(page));
    return page;
  };

  beforeAll(async () => {
    // given workspace acme: Bob approves, Dave is a member, Audrey (a platform admin too) and Otto audit
    stack = await startConsoleStack({
      env: { PLATFORM_ADMINS: 'root,audrey', CHECKPOINT_EVERY_EVENTS: '5' },
      worker: true,
      members: [
        ['bob', 'approver'],
        ['dave', 'member'],
        ['audrey', 'auditor'],
        ['otto', 'auditor'],
      ],
    });
    ({ api, browser, baseUrl, scratch } = stack);
    ok(
      await api.call('POST', `${ws}/channels`, {
        as: 'root',
        body: { channelId: 'eng', name: 'Eng', visibility: 'public' },
      }),
      201,
    );
    // the channel page reads the identity as the route lets channel members do
    ok(await api.call('PUT', `${ws}/channels/eng/members/audrey`, { as: 'root', body: { role: 'member' } }));
    // and Dave's write access to acme/api, granted by Bob, then revoked
    await sleep(20);
    beforeGrant = new Date();
    await sleep(20);
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
    ok(
      await api.call('POST', `${ws}/access-requests/${REQUEST_ID}/approve`, {
        as: 'bob',
        body: { comment: 'Go ahead' },
      }),
    );
    await until('active');
    await sleep(20);
    duringGrant = new Date();
    await sleep(20);
    ok(
      await api.call('POST', `${ws}/access-requests/${REQUEST_ID}/revoke`, {
        as: 'bob',
        body: { reason: 'Outage over' },
      }),
    );
    await until('revoked');
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  it('who could write acme/api while the grant was active: #eng, through the grant, with its requester and approver', async () => {
    audrey = await newPage(DESKTOP);
    await signIn(audrey, baseUrl, 'audrey');
    await audrey.getByRole('button', { name: 'Audit' }).click();
    await audrey.getByRole('heading', { name: 'Audit', level: 1 }).waitFor(UI_WAIT);
    expect(await seriousA11yViolations(audrey)).toEqual([]);

    // when Audrey asks, from the keyboard, about the instant the grant was active
    const who = region(audrey, 'Who could do it, and through what');
    await who.getByLabel('Connector').focus();
    await audrey.keyboard.press('Tab');
    expect(await focused(audrey)).toMatchObject({ label: 'Action', outline: 'solid' });
    await audrey.keyboard.type('write');
    await audrey.keyboard.press('Tab');
    await audrey.keyboard.type('acme/api');
    await who.getByLabel('At (your time zone; empty: now)').fill(local(duringGrant));
    await who.getByRole('button', { name: 'Ask' }).focus();
    await audrey.keyboard.press('Enter');

    // then #eng could, through the JIT grant, requested by Dave and approved by Bob
    const eng = who.locator('li[data-channel="eng"]');
    await eng.waitFor(UI_WAIT);
    expect(await eng.getAttribute('data-allowed')).toBe('true');
    expect(await eng.getByTestId('grant-trail').textContent()).toMatch(
      /grant audit-hotfix-7 requested by dave .*Hotfix for the login outage.*approved by bob/,
    );
    expect(await seriousA11yViolations(audrey)).toEqual([]);
    await screenshot(audrey, 'audit-who-could');

    // and now, after the revocation, it could not
    await who.getByLabel('At (your time zone; empty: now)').fill('');
    await who.getByRole('button', { name: 'Ask' }).click();
    await who.locator('li[data-channel="eng"][data-allowed="false"]').waitFor(UI_WAIT);
  }, 90_000);

  it('what changed between before the grant and while it was active: the JIT entry, caused by the request’s events', async () => {
    const changes = region(audrey, 'What changed between two instants');
    await changes.getByLabel('From (your time zone)').fill(local(beforeGrant));
    await changes.getByLabel('To (your time zone)').fill(local(duringGrant));
    await changes.getByRole('button', { name: 'Compare' }).click();

    const added = changes.locator('tr[data-change="added"]');
    await added.first().waitFor(UI_WAIT);
    expect(await added.count()).toBe(1);
    const text = await added.textContent();
    expect(text).toContain('#eng');
    expect(text).toMatch(/allow github write on acme\/api · jit/);
    expect(text).toMatch(/AccessRequested by dave/);
    expect(text).toMatch(/by bob/);
    expect(await changes.locator('tr[data-change="removed"]').count()).toBe(0);
    expect(await seriousA11yViolations(audrey)).toEqual([]);
    await screenshot(audrey, 'audit-changes');
  }, 60_000);

  it('event search filters by request and pages by cursor without repeating an event', async () => {
    const search = region(audrey, 'Event search');
    await search.getByLabel('Request id').fill(REQUEST_ID);
    await search.getByLabel('Order').selectOption('oldest');
    await search.getByRole('button', { name: 'Search' }).click();
    await search.locator('tr[data-event-type="AccessRequested"]').waitFor(UI_WAIT);
    expect(await search.locator('tr[data-event-type="AccessRevoked"]').count()).toBe(1);

    // when the whole history is read ten at a time, newest first
    await search.getByLabel('Request id').fill('');
    await search.getByLabel('Order').selectOption('newest');
    await search.getByLabel('Per page').selectOption('10');
    await search.getByRole('button', { name: 'Search' }).click();
    await search.getByTestId('events-page').getByText('Page 1: 10 event(s), more follow').waitFor(UI_WAIT);
    const positions = async () =>
      Promise.all(
        (await search.locator('tr[data-position]').all()).map(async (row) =>
          Number(await row.getAttribute('data-position')),
        ),
      );
    const first = await positions();
    await search.getByRole('button', { name: 'Next page' }).click();
    await search
      .getByTestId('events-page')
      .getByText(/^Page 2/)
      .waitFor(UI_WAIT);
    const second = await positions();

    // then the second page continues strictly below the first, and Previous reads the first again
    expect(second.length).toBeGreaterThan(0);
    expect(Math.max(...second)).toBeLessThan(Math.min(...first));
    await search.getByRole('button', { name: 'Previous page' }).click();
    await search
      .getByTestId('events-page')
      .getByText(/^Page 1/)
      .waitFor(UI_WAIT);
    expect(await positions()).toEqual(first);
    expect(await seriousA11yViolations(audrey)).toEqual([]);
  }, 60_000);

  it('the chain verifies, with the latest signed checkpoint; the export downloads and `audit verify-export` accepts it', async () => {
    const chain = region(audrey, 'Hash chain');
    await chain.getByRole('button', { name: 'Verify the chain' }).click();
    await chain.getByTestId('chain-report').waitFor(UI_WAIT);
    expect(await chain.getByTestId('chain-result').textContent()).toBe('intact');
    expect(await chain.getByTestId('latest-checkpoint').textContent()).toMatch(
      /^position \d+, signed .*matched/,
    );

    // when Audrey downloads the export as JSON Lines
    const exporting = region(audrey, 'Export');
    const [download] = await Promise.all([
      audrey.waitForEvent('download', UI_WAIT),
      exporting.getByRole('button', { name: 'Download export' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('acme-audit.jsonl');
    const file = join(scratch, 'acme-audit.jsonl');
    await download.saveAs(file);

    // then the offline verifier accepts it with the platform's public key
    const pem = join(scratch, 'mandate-checkpoints.pem');
    writeFileSync(pem, exportPublicKeyPem(createPublicKey(readFileSync(auditFiles(api.config).signingKey))));
    const result = verifyExportCli(file, pem);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK: export of workspace acme/) });
    expect(result.stdout).toContain('seal verified');
    expect(await seriousA11yViolations(audrey)).toEqual([]);
    await screenshot(audrey, 'audit-chain-export');
  }, 90_000);

  it('the export downloads as CSV too, and `audit verify-export` accepts it', async () => {
    // given the Export region with CSV chosen
    const exporting = region(audrey, 'Export');
    await exporting.getByLabel('Format').selectOption({ label: 'CSV' });

    // when Audrey downloads the export
    const [download] = await Promise.all([
      audrey.waitForEvent('download', UI_WAIT),
      exporting.getByRole('button', { name: 'Download export' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('acme-audit.csv');
    const file = join(scratch, 'acme-audit.csv');
    await download.saveAs(file);

    // then the offline verifier accepts the CSV file with the platform's public key
    const pem = join(scratch, 'mandate-checkpoints-csv.pem');
    writeFileSync(pem, exportPublicKeyPem(createPublicKey(readFileSync(auditFiles(api.config).signingKey))));
    const result = verifyExportCli(file, pem);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK: export of workspace acme/) });
    expect(result.stdout).toContain('seal verified');
  }, 90_000);

  it('an auditor who is not a platform admin gets the API’s refusal of the chain verification, and is pointed to the export', async () => {
    const otto = await newPage(DESKTOP);
    await signIn(otto, baseUrl, 'otto');
    await otto.getByRole('button', { name: 'Audit' }).click();
    const chain = region(otto, 'Hash chain');
    await chain.getByRole('button', { name: 'Verify the chain' }).click();

    const refusal = await chain.getByRole('alert').textContent();
    expect(refusal).toMatch(/\(.+\)\. Verify this workspace's export offline instead\.$/);
    expect(await chain.getByTestId('chain-report').count()).toBe(0);
    expect(await seriousA11yViolations(otto)).toEqual([]);
    await otto.context().close();
  }, 60_000);

  it('on a phone, the channel page as of the grant shows the JIT entry with its expiry; now it is gone; the audit page fits', async () => {
    const phone = await newPage(PHONE);
    await signIn(phone, baseUrl, 'audrey');
    await phone.getByRole('button', { name: 'Channels' }).click();
    const identity = phone.getByTestId('channel-identity');
    await identity.waitFor(UI_WAIT);
    const jit = identity.locator('li[data-effect="allow"]', { hasText: 'JIT grant' });
    expect(await jit.count()).toBe(0);
    expect(await seriousA11yViolations(phone)).toEqual([]);

    // when the same page is read as of the instant the grant was active
    await phone.getByLabel('As of (your time zone; empty: now)').fill(local(duringGrant));
    await phone.getByRole('button', { name: 'Show', exact: true }).click();
    await phone.locator(`[data-testid="channel-identity"]:not([data-at="now"])`).waitFor(UI_WAIT);

    // then the grant's entry is there, with its provenance and expiry
    await jit.first().waitFor(UI_WAIT);
    expect(await jit.first().textContent()).toMatch(
      /^allow github write on acme\/apiFrom: JIT grant audit-hotfix-7, until /,
    );
    expect(await identity.getByTestId('memory-own').textContent()).not.toBe('');
    expect(await seriousA11yViolations(phone)).toEqual([]);
    await screenshot(phone, 'channel-as-of-phone');

    // and "Now" reads the present again, where the entry is gone
    await phone.getByRole('button', { name: 'Now' }).click();
    await phone.locator('[data-testid="channel-identity"][data-at="now"]').waitFor(UI_WAIT);
    expect(await jit.count()).toBe(0);

    // and the time control steps back, from the keyboard, to the change that granted it
    const stop = phone.locator('.time-control output');
    await phone.getByLabel('Channel', { exact: true }).focus();
    await phone.keyboard.press('Tab');
    expect(await stop.innerText()).toBe('Now');
    for (let steps = 0; steps < 8 && !(await stop.innerText()).includes('AccessGranted'); steps += 1) {
      const before = await stop.innerText();
      await phone.keyboard.press('ArrowLeft');
      for (let tries = 0; tries < 100 && (await stop.innerText()) === before; tries += 1) await sleep(50);
    }
    expect(await stop.innerText()).toMatch(/AccessGranted.*\(change \d+ of \d+\)/);
    await jit.first().waitFor(UI_WAIT);
    expect(await phone.getByTestId('channel-identity').getAttribute('data-at')).not.toBe('now');
    await phone.getByRole('button', { name: 'Now' }).click();
    await phone.locator('[data-testid="channel-identity"][data-at="now"]').waitFor(UI_WAIT);
    expect(await jit.count()).toBe(0);

    // and the audit pages fit the phone too
    await phone.getByRole('button', { name: 'Audit' }).click();
    await phone.getByRole('heading', { name: 'Audit', level: 1 }).waitFor(UI_WAIT);
    expect(await seriousA11yViolations(phone)).toEqual([]);
    await screenshot(phone, 'audit-phone');

    // and at desktop size too, with no CSP violation all along
    await audrey.getByRole('button', { name: 'Channels' }).click();
    await audrey.getByTestId('channel-identity').waitFor(UI_WAIT);
    expect(await seriousA11yViolations(audrey)).toEqual([]);
    await screenshot(audrey, 'channel-now');
    expect(csp).toEqual([]);
  }, 90_000);
});
