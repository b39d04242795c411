import type { Browser, Locator, Page } from 'playwright-core';
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
const UI_WAIT = { timeout: 15_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('web console: the admin edits the baseline, channel overrides and the approval policy in Chromium, with a preview and the If-Match conflict', () => {
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

  /** Waits until the element's text matches (it changes after an answer arrives). */
  const textMatches = async (locator: Locator, pattern: RegExp) => {
    for (let tries = 0; tries < 150 && !pattern.test(await locator.innerText()); tries += 1) await sleep(100);
    expect(await locator.innerText()).toMatch(pattern);
  };
  /** A signed-in page of Adam's, at the given size, on one of the admin tabs. */
  const openTab = async (viewport: typeof DESKTOP, tab: string, heading: string): Promise<Page> => {
    const context = await browser.newContext({ viewport, timezoneId: 'UTC' });
    const page = await context.newPage();
    csp.push(...cspViolations(page));
    await signIn(page, baseUrl, 'adam');
    await page.getByRole('button', { name: tab }).click();
    await page.getByRole('heading', { name: heading }).waitFor(UI_WAIT);
    return page;
  };

  it('given the approval policy page, when Adam edits the quorum and previews, then the event and the field that changes are listed and nothing is written; he saves; a concurrent save shows the conflict', async () => {
    const policy = async () => {
      const response = await api.call('GET', `${ws}/approval-policy`, { as: 'adam' });
      const body = ok<{ policy: { default: Record<string, unknown> } }>(response);
      return { policy: body.policy, etag: String(response.headers.etag) };
    };
    const before = await policy();
    const page = await openTab(DESKTOP, 'Approval policy', 'Approval policy');
    const inForce = page.getByRole('region', { name: 'Policy in force' });
    await inForce.waitFor(UI_WAIT);
    expect(await inForce.innerText()).toMatch(/Quorum\s+1/);
    const editor = page.getByLabel('Approval policy (JSON)');
    const setQuorum = async (quorum: number) => {
      for (let tries = 0; tries < 150 && !(await editor.inputValue()).includes('"quorum"'); tries += 1) {
        await sleep(100);
      }
      const edited = JSON.parse(await editor.inputValue()) as { default: Record<string, unknown> };
      edited.default.quorum = quorum;
      await editor.fill(JSON.stringify(edited, null, 2));
    };

    // when Adam asks for two approvals and previews
    await setQuorum(2);
    await page.getByRole('button', { name: 'Preview policy' }).click();
    const preview = page.getByRole('region', { name: 'Preview: what saving would record' });
    await preview.waitFor(UI_WAIT);

    // then the decider's event is listed with the one field that changes, and nothing was written
    expect(await preview.innerText()).toContain('ApprovalPolicySet');
    expect(
      await preview.getByRole('region', { name: 'Changes from the policy you loaded' }).innerText(),
    ).toMatch(/default\.quorum: 1 → 2/);
    expect((await policy()).etag).toBe(before.etag);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'admin-approval-policy-preview');

    // when he saves, the policy in force asks for two
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('status').filter({ hasText: 'ApprovalPolicySet' }).waitFor(UI_WAIT);
    expect((await policy()).policy.default.quorum).toBe(2);
    await textMatches(inForce, /Quorum\s+2/);

    // meanwhile another admin saves a quorum of three through the API; Adam's save of four is refused
    const current = await policy();
    ok(
      await api.call('PUT', `${ws}/approval-policy`, {
        as: 'root',
        headers: { 'if-match': current.etag },
        body: { ...current.policy, default: { ...current.policy.default, quorum: 3 } },
      }),
    );
    await setQuorum(4);
    await editor.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ label: 'Save policy', outline: 'solid' });
    await page.keyboard.press('Enter');
    const conflict = page.getByRole('alert').filter({ hasText: 'Someone else changed the approval policy' });
    await conflict.waitFor(UI_WAIT);
    expect((await policy()).policy.default.quorum).toBe(3);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'admin-approval-policy-conflict');

    // and reloading shows their version
    await conflict.getByRole('button', { name: 'Reload the approval policy' }).click();
    await textMatches(inForce, /Quorum\s+3/);

    // and the page fits a phone
    const phone = await openTab(PHONE, 'Approval policy', 'Approval policy');
    await textMatches(phone.getByRole('region', { name: 'Policy in force' }), /Quorum\s+3/);
    expect(await seriousA11yViolations(phone)).toEqual([]);
    await screenshot(phone, 'admin-approval-policy-phone');
    expect(csp).toEqual([]);
  }, 90_000);

  it('given the channel overrides page on a phone, when Adam replaces the instructions and sets who may invoke the agent, then each is previewed, saved and listed', async () => {
    const channel = async () => {
      const response = await api.call('GET', `${ws}/channels/eng`, { as: 'adam' });
      return ok<{ instructions: unknown; invokePolicy: unknown }>(response);
    };
    const page = await openTab(PHONE, 'Channel overrides', 'Channel overrides');
    const settings = page.getByRole('region', { name: 'Channel settings' });
    await settings.waitFor(UI_WAIT);

    // when he replaces the instructions and previews
    await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Instructions' });
    await page.getByLabel('Instructions mode').selectOption({ label: "Replace the baseline's" });
    await page.getByLabel('Instructions', { exact: true }).fill('Only triage here.');
    await page.getByRole('button', { name: 'Preview change' }).click();
    const preview = page.getByRole('region', { name: 'Preview: what saving would record' });
    await preview.waitFor(UI_WAIT);
    expect(await preview.innerText()).toContain('ChannelInstructionsSet');
    expect((await channel()).instructions).toBeNull();
    expect(await seriousA11yViolations(page)).toEqual([]);

    // then saving records it and the settings list it
    await page.getByRole('button', { name: 'Save change' }).click();
    await textMatches(settings, /Replacing the baseline: Only triage here\./);
    expect((await channel()).instructions).toEqual({ mode: 'replace', text: 'Only triage here.' });

    // when he lets approvers and Dave invoke the agent here, instead of every member
    await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Invoke policy' });
    await page.getByLabel("The workspace's policy (no policy of its own)").uncheck();
    await page.getByLabel('Role member').uncheck();
    await page.getByLabel('Role approver').check();
    await page.getByLabel('People (comma separated)').fill('dave');
    await page.getByRole('button', { name: 'Preview change' }).click();
    await textMatches(preview, /ChannelInvokePolicyChanged/);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'admin-channel-invoke-policy-phone');
    await page.getByRole('button', { name: 'Save change' }).click();
    await textMatches(settings, /role approver, dave/);
    expect((await channel()).invokePolicy).toEqual({
      roles: ['approver'],
      groups: [],
      principals: ['dave'],
      channelMembers: false,
    });
    expect(csp).toEqual([]);
  }, 90_000);

  it('given #eng changed since it was created, when Adam moves the time control back with the keyboard, then the channel page shows it before the forbid; End shows it now', async () => {
    const page = await openTab(DESKTOP, 'Channels', 'Channel identity');
    const identity = page.getByTestId('channel-identity');
    await identity.waitFor(UI_WAIT);
    const forbid = identity.locator('li[data-effect="forbid"]', { hasText: 'no-prod' });
    await forbid.waitFor(UI_WAIT);
    const slider = page.getByLabel('Recorded changes (move to see the channel as of each)');
    await slider.waitFor(UI_WAIT);
    const stop = page.locator('.time-control output');

    // when he moves to the first recorded change (the channel's creation), from the keyboard
    await page.getByLabel('Channel', { exact: true }).focus();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({
      label: 'Recorded changes (move to see the channel as of each)',
      outline: 'solid',
    });
    await page.keyboard.press('Home');
    await page.locator('[data-testid="channel-identity"]:not([data-at="now"])').waitFor(UI_WAIT);

    // then the page is as of that instant: before the forbid, the As of field holding the instant
    expect(await stop.innerText()).toMatch(/ChannelCreated.*\(change 1 of \d+\)/);
    expect(await slider.getAttribute('aria-valuetext')).toMatch(/ChannelCreated/);
    expect(await forbid.count()).toBe(0);
    // (the browser normalises the field to its shortest form: 48.900 s reads "48.9", 0 s none)
    expect(await page.getByLabel('As of (your time zone; empty: now)').inputValue()).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?$/,
    );
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'channel-time-control');

    // and End is now again
    await page.keyboard.press('End');
    await page.locator('[data-testid="channel-identity"][data-at="now"]').waitFor(UI_WAIT);
    await forbid.waitFor(UI_WAIT);
    expect(await stop.innerText()).toBe('Now');
    expect(csp).toEqual([]);
  }, 90_000);
});
