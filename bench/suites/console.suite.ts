import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { provideTemporal, repoRoot } from '@mandate/infra';
import { buildConsole, launchChromium } from '../../test/console/console-browser';
import { type BenchContext, defineSuite, median, metric, percentile } from '../harness';
import { inTurns, limitMetrics, measure, type Paired } from '../limit-baseline';
import { requests, type Stack, startStack } from './jit.stack';

const DIST = join(repoRoot, 'apps', 'console', 'dist');

/** What a first visit downloads: index.html and every file it references, gzipped (level 9). */
export function bundleKbGzip(dist: string = DIST): number {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="\/console\/([^"]+)"/g)].map((match) => match[1]);
  const bytes = [html, ...assets.map((asset) => readFileSync(join(dist, asset)))].reduce(
    (total, content) => total + gzipSync(content, { level: 9 }).length,
    0,
  );
  return bytes / 1024;
}

const approvalPolicy = {
  default: {
    approvers: { roles: ['approver'], principals: [] },
    quorum: 2,
    maxDurationSeconds: 3600,
    approvalTimeoutSeconds: 3600,
    reasonRequired: false,
    ticketPattern: null,
    autoApprove: [],
    breakGlass: { roles: ['member'], principals: [], maxDurationSeconds: 3600 },
  },
  overrides: [],
};

async function mustBe(status: number, reply: Promise<{ status: number; body: unknown }>): Promise<void> {
  const { status: actual, body } = await reply;
  if (actual !== status) throw new Error(`expected ${status}, got ${actual}: ${JSON.stringify(body)}`);
}

/** A quorum of two (alice and carol approve) and `count` pending requests of rita's. */
async function seed(stack: Stack, count: number, context: BenchContext): Promise<string[]> {
  await mustBe(200, stack.call('PUT', '/v1/workspaces/bench/members/carol/roles/approver', 'root'));
  await mustBe(200, stack.call('PUT', '/v1/workspaces/bench/approval-policy', 'root', approvalPolicy));
  const ids = Array.from({ length: count }, (_, index) => `console-${String(index).padStart(4, '0')}`);
  for (const requestId of ids) {
    await mustBe(
      201,
      stack.call('POST', requests, 'rita', {
        requestId,
        channelId: 'eng',
        connector: 'github',
        actions: ['write'],
        resources: ['bench/api'],
        durationSeconds: 600,
        reason: 'console benchmark',
      }),
    );
  }
  context.log(`${count} pending requests`);
  return ids;
}

/** The console shows this many cards at first (apps/console/src/inbox/inbox-page.tsx). */
const FIRST_PAGE = 50;

/** Sign-in click → the inbox on screen: its first page of cards, and how many wait in all. */
async function firstPaint(
  browser: Browser,
  baseUrl: string,
  count: number,
): Promise<{ ms: number; page: Page }> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel('Your principal id').fill('alice');
  const started = performance.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await cards(page, count).waitFor({ timeout: 60_000 });
  await page.getByRole('heading', { name: `Waiting for your decision (${count})` }).waitFor();
  const ms = performance.now() - started;
  await page.locator('[data-status="live"]').waitFor({ timeout: 10_000 });
  return { ms, page };
}

const cards = (page: Page, count: number) =>
  page.locator('section[aria-labelledby="to-decide"] article').nth(Math.min(count, FIRST_PAGE) - 1);

/**
 * The first paint's limit: the inbox as it was painted (the same DOM, scripts stripped, the
 * console's stylesheet) as a static file served by the same server from the console's directory,
 * shown in the same browser — what fetching and laying out those cards costs with no sign-in, no
 * API call and no rendering code. Navigated to once to warm the cache, then timed by the browser
 * from the navigation to its first contentful paint.
 */
async function staticPaint(context: BrowserContext, url: string, count: number): Promise<number> {
  const page = await context.newPage();
  try {
    await page.goto(url);
    await page.goto(url);
    await cards(page, count).waitFor({ timeout: 60_000 });
    // The browser's own clock, from the navigation to the first contentful paint, which holds every
    // card of a static page: a locator's polling would add up to half a second to so short a wait.
    const ms = await page.evaluate(
      () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
    );
    if (!Number.isFinite(ms)) throw new Error('the static inbox reported no first contentful paint');
    return ms;
  } finally {
    await page.close();
  }
}

/** A painted page's DOM as static HTML: no script, so nothing renders or calls the API again. */
const staticHtmlOf = (html: string) =>
  html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '').replace(/<link[^>]*modulepreload[^>]*>/gi, '');

/** A paint of `ms` as a throughput of one, CPU of this process (the API's, Chromium's not counted). */
const paintMeasured = (paint: () => Promise<number>) =>
  measure(async () => ({ operations: 1, seconds: (await paint()) / 1000 }));

/**
 * For each sample: carol's vote (acknowledged by the API) → "1 of 2" on alice's open page; then
 * alice's click on Approve → the page says the grant is active.
 */
async function decide(
  stack: Stack,
  page: Page,
  ids: string[],
): Promise<{ lags: number[]; clicks: number[]; votes: number[]; approvals: number[] }> {
  const lags: number[] = [];
  const clicks: number[] = [];
  const votes: number[] = [];
  const approvals: number[] = [];
  for (const requestId of ids) {
    const card = page.locator(`section[aria-labelledby="to-decide"] article[data-request-id="${requestId}"]`);
    const asked = performance.now();
    await mustBe(200, stack.call('POST', `${requests}/${requestId}/approve`, 'carol', { comment: null }));
    const voted = performance.now();
    votes.push(voted - asked);
    await card.getByTestId('quorum').filter({ hasText: '1 of 2' }).waitFor({ timeout: 10_000 });
    lags.push(performance.now() - voted);
    const answered = page.waitForResponse((response) => response.url().endsWith(`/${requestId}/approve`));
    const clicked = performance.now();
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.getByText(`Approved ${requestId}: now active.`).waitFor({ timeout: 10_000 });
    clicks.push(performance.now() - clicked);
    // The approve call alone, as the browser timed it (sent → last byte received).
    approvals.push((await answered).request().timing().responseEnd);
  }
  return { lags, clicks, votes, approvals };
}

export const consoleSuite = defineSuite({
  name: 'console',
  description:
    'Web console: bundle size (gzip); in Chromium against API + worker + Temporal, inbox first paint with 200+ pending requests (the first page of cards and the count), another approver’s vote → visible (SSE), approve click → active',
  async run(context) {
    buildConsole();
    const bundle = bundleKbGzip();
    context.log(`bundle ${bundle.toFixed(1)} KiB gzip`);
    const pending = context.quick ? 20 : 200;
    const samples = context.quick ? 3 : 20;
    const browser = await launchChromium();
    const temporal = await provideTemporal({ log: context.log });
    const stack = await startStack(temporal.address);
    try {
      await stack.app.listen({ host: '127.0.0.1', port: 0 });
      const baseUrl = `http://127.0.0.1:${(stack.app.getHttpServer().address() as AddressInfo).port}`;
      const ids = await seed(stack, pending + samples * context.runs, context);
      const paints: number[] = [];
      const lags: number[] = [];
      const clicks: number[] = [];
      const votes: number[] = [];
      const approvals: number[] = [];
      const paintPairs: Paired[] = [];
      const staticFile = `inbox-limit-${process.pid}.html`;
      const staticUrl = `${baseUrl}/console/${staticFile}`;
      for (let run = 0; run < context.runs; run++) {
        const count = ids.length - samples * run;
        const painted: { paint?: Awaited<ReturnType<typeof firstPaint>> } = {};
        const mandatePaint = async () => {
          const paint = await firstPaint(browser, baseUrl, count);
          painted.paint = paint;
          // The static page holds what this paint showed: round 0 (even) paints before its limit.
          writeFileSync(join(DIST, staticFile), staticHtmlOf(await paint.page.content()));
          return paint.ms;
        };
        const limitPaint = async () => {
          const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
          return staticPaint(fresh, staticUrl, count).finally(() => fresh.close());
        };
        paintPairs.push(
          await inTurns(
            run,
            () => paintMeasured(mandatePaint),
            () => paintMeasured(limitPaint),
          ),
        );
        if (!painted.paint) throw new Error('no first paint');
        const { ms, page } = painted.paint;
        paints.push(ms);
        const decided = await decide(stack, page, ids.slice(run * samples, (run + 1) * samples));
        lags.push(percentile(decided.lags, 95));
        clicks.push(percentile(decided.clicks, 95));
        votes.push(percentile(decided.votes, 95));
        approvals.push(percentile(decided.approvals, 95));
        context.log(
          `run ${run + 1}: first paint ${Math.round(ms)} ms (${ids.length - samples * run} requests), ` +
            `vote → visible p95 ${Math.round(lags[run])} ms, approve → active p95 ${Math.round(clicks[run])} ms ` +
            `(the API's answer: Carol's vote p95 ${Math.round(votes[run])} ms, Alice's approve p95 ${Math.round(approvals[run])} ms); ` +
            `the same inbox as a static page ${Math.round(1000 / paintPairs[run].limit.perSecond)} ms`,
        );
        await page.context().close();
      }
      return {
        console_bundle_kb_gzip: metric(bundle, 'KiB', 250, 'lower'),
        inbox_first_paint_ms: metric(median(paints), 'ms', 1000, 'lower'),
        inbox_static_paint_ms: metric(
          median(paintPairs.map((pair) => 1000 / pair.limit.perSecond)),
          'ms',
          null,
          'lower',
        ),
        // Paints/s against the static page's (its ms ÷ the first paint's), and the bench process's
        // CPU per paint (the API serving the inbox; Chromium's own CPU is not counted).
        ...limitMetrics(paintPairs, {
          prefix: 'inbox_first_paint',
          unit: 'paints/s',
          operation: 'paint',
          ratioTarget: null,
          names: { value: 'inbox_first_paints_per_s', limit: 'inbox_static_paints_per_s' },
        }),
        sse_update_lag_p95_ms: metric(median(lags), 'ms', 500, 'lower'),
        approve_click_to_active_ms_p95: metric(median(clicks), 'ms', 500, 'lower'),
        // The same vote through the API alone (no browser): what of the click is the backend's.
        api_vote_ms_p95: metric(median(votes), 'ms', null, 'lower'),
        // The approve the click sends (it completes the quorum: the grant starts), as Chromium timed it.
        api_approve_ms_p95: metric(median(approvals), 'ms', null, 'lower'),
      };
    } finally {
      rmSync(join(DIST, `inbox-limit-${process.pid}.html`), { force: true });
      await browser.close();
      await stack.close();
      await temporal.stop();
    }
  },
});
