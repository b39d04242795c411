import type { Browser, Page } from 'playwright-core';
import type { IdentityApi } from '../identity/identity-test-kit';
import { cspViolations, DESKTOP, PHONE, screenshot, seriousA11yViolations, signIn } from './console-browser';
import { type ConsoleStack, ok, startConsoleStack } from './console-stack';

const ws = '/v1/workspaces/acme';
const UI_WAIT = { timeout: 15_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('web console: the admin edits the baseline in Chromium, with a preview and the If-Match conflict', () => {
  let stack: ConsoleStack;
  let api: IdentityApi;
  let browser: Browser;
  let baseUrl: string;
  const csp: string[] = [];

  const baseline = async () => {
    const response = await api.call('GET', `${ws}/agent-identity`, { as: 'adam' });
    return { document: ok<Record<string, unknown>>(response), etag: String(response.headers.etag) };
  };
  const editor = (page: Page) => page.getByLabel('Baseline document (JSON)');
  /** Waits until the text area holds `text` (the document arrives after the page renders). */
  const editorHolds = async (page: Page, text: string) => {
    for (let tries = 0; tries < 150 && !(await editor(page).inputValue()).includes(text); tries += 1) {
      await sleep(100);
    }
    expect(await editor(page).inputValue()).toContain(text);
  };
  const openBaseline = async (viewport: typeof DESKTOP): Promise<Page> => {
    const context = await browser.newContext({ viewport, timezoneId: 'UTC' });
    const page = await context.newPage();
    csp.push(...cspViolations(page));
    await signIn(page, baseUrl, 'adam');
    await page.getByRole('button', { name: 'Baseline' }).click();
    await page.getByRole('heading', { name: 'Agent identity baseline' }).waitFor(UI_WAIT);
    await editorHolds(page, '"instructions"');
    return page;
  };
  /** Replaces the document's instructions in the text area, typed as a person would. */
  const editInstructions = async (page: Page, instructions: string) => {
    const document = JSON.parse(await editor(page).inputValue()) as Record<string, unknown>;
    await editor(page).focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText(JSON.stringify({ ...document, instructions }, null, 2));
  };

  beforeAll(async () => {
    // given workspace acme where Adam is an admin
    stack = await startConsoleStack({ members: [['adam', 'admin']] });
    ({ api, browser, baseUrl } = stack);
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

  it('given the baseline page, when Adam edits the instructions and previews, then the events a save would record are listed and nothing is written; when he saves, they are recorded', async () => {
    const before = await baseline();
    const page = await openBaseline(DESKTOP);

    await editInstructions(page, 'Answer in English; never push to main.');
    await page.getByRole('button', { name: 'Preview changes' }).click();
    const preview = page.getByRole('region', { name: 'Preview: what saving would record' });
    await preview.waitFor(UI_WAIT);
    const previewText = await preview.innerText();
    expect(previewText).toContain('Decided against revision');
    expect(previewText).toContain('never push to main');
    // the preview wrote nothing
    expect((await baseline()).etag).toBe(before.etag);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'admin-baseline-preview');

    await page.getByRole('button', { name: 'Save baseline' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved:' }).waitFor(UI_WAIT);
    const after = await baseline();
    expect(after.document).toMatchObject({ instructions: 'Answer in English; never push to main.' });
    expect(after.etag).not.toBe(before.etag);
    // the event types the save answered are the ones the preview announced
    const savedText = await page.getByRole('status').filter({ hasText: 'Saved:' }).innerText();
    for (const type of previewText.match(/^[A-Z][A-Za-z]+$/gm) ?? []) expect(savedText).toContain(type);
  }, 90_000);

  it('given the page read at one revision, when someone saves through the API meanwhile, then saving shows the conflict plainly and reloading shows their version', async () => {
    const page = await openBaseline(PHONE);
    // meanwhile, another admin saves through the API
    const current = await baseline();
    ok(
      await api.call('PUT', `${ws}/agent-identity`, {
        as: 'root',
        headers: { 'if-match': current.etag },
        body: { ...current.document, instructions: 'Changed by someone else.' },
      }),
    );

    await editInstructions(page, 'My stale edit.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const conflict = page.getByRole('alert').filter({ hasText: 'Someone else changed the baseline' });
    await conflict.waitFor(UI_WAIT);
    expect(await conflict.innerText()).toMatch(/Reload/);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'admin-baseline-conflict-phone');
    expect((await baseline()).document).toMatchObject({ instructions: 'Changed by someone else.' });

    await conflict.getByRole('button', { name: 'Reload the baseline' }).click();
    await editorHolds(page, 'Changed by someone else.');
    expect(csp).toEqual([]);
  }, 90_000);

  it('given the channel overrides page, when Adam previews a forbid, then its event is listed and nothing is written; he saves it; a removal after someone else changed the channel shows the conflict', async () => {
    const channel = async () => {
      const response = await api.call('GET', `${ws}/channels/eng`, { as: 'adam' });
      return { body: ok<{ forbidden: { id: string }[] }>(response), etag: String(response.headers.etag) };
    };
    const context = await browser.newContext({ viewport: DESKTOP, timezoneId: 'UTC' });
    const page = await context.newPage();
    csp.push(...cspViolations(page));
    await signIn(page, baseUrl, 'adam');
    await page.getByRole('button', { name: 'Channel overrides' }).click();
    await page.getByRole('heading', { name: 'Channel overrides' }).waitFor(UI_WAIT);
    await page.getByRole('region', { name: 'Forbid rules' }).waitFor(UI_WAIT);
    const before = await channel();

    // when Adam writes a forbid for #eng and previews it
    await page.getByLabel('Change').selectOption({ label: 'Forbid' });
    await page
      .getByLabel('Rule (JSON)')
      .fill('{ "id": "no-prod", "connector": "github", "actions": ["write"], "resources": ["acme/prod"] }');
    await page.getByRole('button', { name: 'Preview change' }).click();
    const preview = page.getByRole('region', { name: 'Preview: what saving would record' });
    await preview.waitFor(UI_WAIT);

    // then the channel's decider says what would be recorded, and nothing was
    expect(await preview.innerText()).toContain('ChannelForbidAdded');
    expect((await channel()).etag).toBe(before.etag);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'admin-channel-overrides-preview');

    // when he saves, the forbid is recorded and listed
    await page.getByRole('button', { name: 'Save change' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved:' }).waitFor(UI_WAIT);
    expect((await channel()).body.forbidden.map((forbid) => forbid.id)).toEqual(['no-prod']);
    await page.getByRole('button', { name: 'Remove forbid rule no-prod' }).waitFor(UI_WAIT);

    // meanwhile someone restricts the channel through the API; Adam's removal is then refused
    ok(
      await api.call('POST', `${ws}/channels/eng/restrictions`, {
        as: 'root',
        body: { rule: { id: 'read-only', connector: 'github', actions: ['admin'], resources: ['acme/*'] } },
      }),
      201,
    );
    await page.getByRole('button', { name: 'Remove forbid rule no-prod' }).click();
    const conflict = page.getByRole('alert').filter({ hasText: 'Someone else changed the channel' });
    await conflict.waitFor(UI_WAIT);
    expect((await channel()).body.forbidden.map((forbid) => forbid.id)).toEqual(['no-prod']);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'admin-channel-overrides-conflict');

    // and reloading shows the other change
    await conflict.getByRole('button', { name: 'Reload the channel' }).click();
    await page.getByRole('region', { name: 'Restrict rules' }).getByText('read-only').waitFor(UI_WAIT);
    expect(csp).toEqual([]);
  }, 90_000);
});
