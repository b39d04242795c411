import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { repoRoot } from '@mandate/infra';

/** Debian's Chromium: no browser is downloaded (`npx playwright install` cannot work here). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the run writes its screenshots (the best are copied to docs/console/ by hand). */
export const SCREENSHOTS = join(repoRoot, '.mandate', 'screenshots', 'console');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/**
 * Builds the console from the current sources, as `npm start` does, into `outDir` (default
 * apps/console/dist). A test builds into a directory of its own: a build replaces its output
 * directory, which must not happen under an API another test (or `npm start`) is serving from.
 */
export function buildConsole(outDir?: string): string {
  const vite = join(repoRoot, 'node_modules', '.bin', 'vite');
  const out = outDir ?? join(repoRoot, 'apps', 'console', 'dist');
  const args = [
    'build',
    join(repoRoot, 'apps', 'console'),
    '--logLevel',
    'warn',
    '--outDir',
    out,
    '--emptyOutDir',
  ];
  const result = spawnSync(vite, args, { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}${result.stderr}`);
  return out;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: the console's browser tests drive Debian's Chromium. ` +
        'Install it with `apt-get update && apt-get install -y chromium` (or set CHROMIUM_PATH).',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The control that has the keyboard focus, and whether its focus ring shows. */
export function focused(page: Page): Promise<{ id: string; label: string; outline: string }> {
  // A string: it runs in the page, whose DOM types this (Node) project does not load.
  return page.evaluate(`(() => {
    const element = document.activeElement;
    return {
      id: element.id,
      label: element.labels?.[0]?.textContent ?? element.textContent,
      outline: getComputedStyle(element).outlineStyle,
    };
  })()`);
}

/** Opens the console and signs in as `principalId`, with the keyboard only. */
export async function signIn(page: Page, baseUrl: string, principalId: string): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  // React renders after the load event: a Tab pressed before the form exists reaches nothing.
  await page.getByLabel('Your principal id').waitFor();
  await page.keyboard.press('Tab');
  const control = await focused(page);
  if (control.label !== 'Your principal id') throw new Error(`Tab reached ${JSON.stringify(control)}`);
  await page.keyboard.type(principalId);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /Approver inbox/ }).waitFor();
}

/** Every message a page logs that says the CSP blocked something. */
export function cspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

export interface A11yViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A and AA). Run
 * through the DevTools protocol, which the page's CSP does not govern, so the CSP stays as served.
 */
export async function seriousA11yViolations(page: Page): Promise<A11yViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // Runs in the page, where axe-core defined itself on the global object.
    const { axe } = globalThis as unknown as {
      axe: { run(options: object): Promise<{ violations: unknown[] }> };
    };
    const result = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations as {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: string[] }[];
    }[];
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
