import { mintDevToken } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import { buildAcmeDemo, type DemoSummary } from './acme-demo';
import { personas } from './acme-demo.data';
import { DemoClient } from './demo-client';

export interface DemoRun {
  apiUrl: string;
  summary: DemoSummary;
  tokens: { id: string; variable: string; about: string; token: string }[];
}

/** The platform admin who creates the workspace: the first configured, else `alice` (as `npm start` sets). */
export const demoCreator = (config: Pick<AppConfig, 'PLATFORM_ADMINS'>): string =>
  config.PLATFORM_ADMINS.split(',')
    .map((id) => id.trim())
    .find(Boolean) ?? 'alice';

/** Mints a dev token per persona (and for the creator) and builds the demo workspace through the API. */
export async function runDemo(
  config: AppConfig,
  apiUrl: string,
  creator = demoCreator(config),
): Promise<DemoRun> {
  const mint = (sub: string, kind: 'user' | 'service', scopes: readonly string[]) =>
    mintDevToken({ sub, kind, scopes: [...scopes], ttl: '1h' }, config);
  const tokens = await Promise.all(
    personas.map(async (persona) => ({
      id: persona.id,
      variable: persona.variable,
      about: persona.about,
      token: await mint(persona.id, persona.kind, 'scopes' in persona ? persona.scopes : []),
    })),
  );
  const byId = new Map<string, string>(tokens.map(({ id, token }) => [id, token]));
  if (!byId.has(creator)) byId.set(creator, await mint(creator, 'user', []));
  const client = new DemoClient(apiUrl, byId);
  await client.waitUntilReady(30_000);
  return { apiUrl, summary: await buildAcmeDemo(client, creator), tokens };
}

/** `export NAME=value` lines: `eval "$(npm run -s cli -- demo)"` sets them in the shell. */
export const demoExports = (run: DemoRun): string =>
  [
    `export API=${run.apiUrl}`,
    ...run.tokens.map(({ variable, token }) => `export ${variable}=${token}`),
  ].join('\n');

/** What a person reads: the workspace, then who is who. */
export function demoReport(run: DemoRun): string {
  const { summary } = run;
  const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return [
    `Demo workspace "${summary.workspaceId}" is ready at ${run.apiUrl}: ${summary.channels} channels (#eng, #random, private #incident),`,
    `  pending request ${summary.pending.join(', ') || '(none)'}; active grant ${
      summary.active.map(({ grantId, expiresAt }) => `${grantId} until ${time(expiresAt)}`).join(', ') ||
      '(none)'
    }.`,
    'Personas (tokens valid 1 h; another: npm run -s cli -- token --sub <id>):',
    ...run.tokens.map(({ id, variable, about }) => `  $${variable.padEnd(6)} ${id.padEnd(14)} ${about}`),
  ].join('\n');
}
