import { percentile } from '../harness';
import { mandateCheck, PEERS_WS } from './peers.fixtures';
import { HAS_PERMISSION, relationshipUpdate, type SpiceDb, spiceCheck } from './peers.spicedb';

/** Write-then-check pairs per system in a full run. */
export const WRITE_THEN_CHECK_PAIRS = 1000;

async function postJson<T>(url: string, headers: Record<string, string>, body: unknown): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * A write, then a check that must see it, one after the other, `count` times: Mandate's channel
 * extension then `/v1/check` with the write's `minPosition`; SpiceDB's relationship write then a
 * check `at_least_as_fresh` as its ZedToken. Both over HTTP from this process, the systems' pairs
 * in turns so the machine's moments fall on each alike. Latency per pair (ms).
 */
export async function writeThenCheck(
  count: number,
  mandate: { url: string; writer: Record<string, string>; checker: Record<string, string> },
  spicedb: SpiceDb,
) {
  const mandateMs: number[] = [];
  const spiceMs: number[] = [];
  const run = `${Date.now().toString(36)}`;
  for (let i = 0; i < count; i++) {
    const repository = `fresh-${run}-${i}`;
    let started = performance.now();
    const { position } = await postJson<{ position: number }>(
      `${mandate.url}/v1/workspaces/${PEERS_WS}/channels/ch-0/extensions`,
      mandate.writer,
      {
        rule: { id: repository, connector: 'github', actions: ['read'], resources: [`peers/${repository}`] },
      },
    );
    const seen = await postJson<{ allowed: boolean }>(`${mandate.url}/v1/check`, mandate.checker, {
      ...mandateCheck({ channel: 'ch-0', repository, permission: 'read' }),
      minPosition: position,
    });
    mandateMs.push(performance.now() - started);
    if (!seen.allowed) throw new Error(`Mandate did not read its own write at ${position}`);

    started = performance.now();
    const written = await spicedb.post<{ writtenAt: { token: string } }>('/v1/relationships/write', {
      updates: [relationshipUpdate('ch-0', repository, 'read')],
    });
    const check = await spicedb.post<{ permissionship: string }>(
      '/v1/permissions/check',
      spiceCheck(
        { channel: 'ch-0', repository, permission: 'read' },
        { atLeastAsFresh: { token: written.writtenAt.token } },
      ),
    );
    spiceMs.push(performance.now() - started);
    if (check.permissionship !== HAS_PERMISSION) throw new Error('SpiceDB did not read its own write');
  }
  return {
    mandateP50: percentile(mandateMs, 50),
    mandateP99: percentile(mandateMs, 99),
    spiceP50: percentile(spiceMs, 50),
    spiceP99: percentile(spiceMs, 99),
  };
}
