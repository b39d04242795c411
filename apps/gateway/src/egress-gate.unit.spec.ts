import { randomBytes } from 'node:crypto';
import type { NewEvent } from '@mandate/event-store';
import {
  EgressDenialLog,
  type GatewaySession,
  parseAddressRange,
  parseAuthority,
  signGatewaySession,
} from '@mandate/gateway';
import { createLogger } from '@mandate/observability';
import { EffectivePermissionsProjection } from '@mandate/projections';
import { IdentityLog, openTestStore } from '../../../libs/projections/test/identity-log';
import { DestinationResolver } from './destination-resolver';
import { EgressGate } from './egress-gate';

const WS = 'acme';
const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const key = randomBytes(32);
const session: GatewaySession = {
  sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  workspaceId: WS,
  channelId: 'eng',
  invokedBy: 'dave',
  runId: 'run-1',
  openedBy: 'runtime',
  expiresAtMs: NOW + 60_000,
};

/** The names' DNS as the tests set it: a rebinding name answers with the metadata address. */
const DNS: Record<string, string[]> = {
  'api.github.com': ['140.82.112.6'],
  'rebind.example.com': ['140.82.112.7', '169.254.169.254'],
};
const lookedUp: string[] = [];
const resolveAll = async (name: string) => {
  lookedUp.push(name);
  const addresses = DNS[name];
  if (addresses === undefined)
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

async function given(ratePerSecond = 100, permitted: string[] = []) {
  const store = openTestStore();
  const log = new IdentityLog(store);
  await log.workspace(WS, 'olivia', {
    type: 'CreateWorkspace',
    workspaceId: WS,
    name: 'Acme',
    actorIsPlatformAdmin: true,
  });
  await log.workspace(WS, 'olivia', { type: 'GrantMemberRole', principalId: 'dave', role: 'member' });
  await log.workspace(WS, 'olivia', { type: 'BindService', serviceId: 'runtime' });
  await log.baseline(WS, 'olivia', {
    egress: [
      { host: 'api.github.com', ports: [443] },
      { host: '*.example.com', ports: [443] },
      { host: '127.0.0.1', ports: [8080] },
    ],
  });
  await log.channel(WS, 'olivia', {
    type: 'CreateChannel',
    channelId: 'eng',
    workspaceId: WS,
    name: 'Eng',
    visibility: 'public',
  });
  const projection = new EffectivePermissionsProjection();
  for (const event of await store.readAll()) projection.apply(event);
  const written: NewEvent[][] = [];
  const denials = new EgressDenialLog({
    store: {
      append: async (_stream: string, events: NewEvent[]) => {
        written.push(events);
        return { nextExpectedRevision: 0, position: 0 } as never;
      },
    },
    nowMs: () => NOW,
  });
  const gate = new EgressGate({
    projection,
    isLive: () => true,
    sessionKey: key,
    denials,
    nowMs: () => NOW,
    ratePerSecond,
    destinations: new DestinationResolver(
      permitted.map((text) => parseAddressRange(text)!),
      resolveAll,
    ),
    logger: createLogger({ level: 'silent' }),
  });
  const bearer = `Bearer ${await signGatewaySession(key, session, NOW)}`;
  return { gate, bearer, written, denials };
}

describe('EgressGate: admission of one connection', () => {
  it('given no or a bad session, when a connection comes, then 407 with Basic and Bearer challenges, before the target is looked at', async () => {
    const { gate } = await given();
    let parsed = false;
    const parse = () => ((parsed = true), parseAuthority('api.github.com:443'));

    const none = await gate.admit(undefined, parse);
    const bad = await gate.admit('Bearer nope', parse);

    for (const answer of [none, bad]) {
      expect(answer).toMatchObject({
        ok: false,
        refusal: {
          status: 407,
          headers: {
            'proxy-authenticate': [expect.stringMatching(/^Basic /), expect.stringMatching(/^Bearer /)],
          },
        },
      });
    }
    expect(parsed).toBe(false);
  });

  it('given a session, when it connects to an allowlisted host, then it is admitted with the canonical target', async () => {
    const { gate, bearer } = await given();

    const answer = await gate.admit(bearer, () => parseAuthority('API.github.com.:443'));

    expect(answer).toMatchObject({
      ok: true,
      session,
      target: { host: { text: 'api.github.com' }, port: 443 },
      addresses: [{ address: '140.82.112.6', family: 4 }],
    });
  });

  it('given an allowed name resolving to the metadata address among public ones, then 403 private-destination, recorded as EgressDenied', async () => {
    const { gate, bearer, written } = await given();

    const answer = await gate.admit(bearer, () => parseAuthority('rebind.example.com:443'));

    expect(answer).toMatchObject({ ok: false, refusal: { status: 403 } });
    expect(JSON.parse((answer as { refusal: { body: string } }).refusal.body)).toMatchObject({
      code: 'private-destination',
      detail: expect.stringContaining('169.254.169.254 (linkLocal)'),
    });
    expect(written.flat().map((event) => event.data)).toEqual([
      expect.objectContaining({
        channelId: 'eng',
        host: 'rebind.example.com',
        port: 443,
        rule: 'private-destination',
        count: 1,
      }),
    ]);
  });

  it('given the operator permits 169.254.0.0/16, when the same name is asked for, then it is admitted with the addresses checked', async () => {
    const { gate, bearer, written } = await given(100, ['169.254.0.0/16']);

    const answer = await gate.admit(bearer, () => parseAuthority('rebind.example.com:443'));

    expect(answer).toMatchObject({
      ok: true,
      addresses: [
        { address: '140.82.112.7', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
    });
    expect(written).toEqual([]);
  });

  it('given an IP literal the allowlist names, when it is asked for, then it is admitted as named, without a lookup', async () => {
    const { gate, bearer } = await given();
    lookedUp.length = 0;

    const answer = await gate.admit(bearer, () => parseAuthority('127.0.0.1:8080'));

    expect(answer).toMatchObject({ ok: true, addresses: [{ address: '127.0.0.1', family: 4 }] });
    expect(lookedUp).toEqual([]);
  });

  it('given an allowed name that does not resolve, then 502 upstream-unreachable and nothing recorded', async () => {
    const { gate, bearer, written } = await given();

    const answer = await gate.admit(bearer, () => parseAuthority('gone.example.com:443'));

    expect(answer).toMatchObject({ ok: false, refusal: { status: 502, outcome: 'upstream-error' } });
    expect(written).toEqual([]);
  });

  it('given a name the allowlist refuses, then it is refused without a lookup', async () => {
    const { gate, bearer } = await given();
    lookedUp.length = 0;

    const answer = await gate.admit(bearer, () => parseAuthority('evil.example:443'));

    expect(answer).toMatchObject({ ok: false, refusal: { status: 403 } });
    expect(lookedUp).toEqual([]);
  });

  it('given a session, when it names a malformed host, then 400 malformed-host and nothing is recorded', async () => {
    const { gate, bearer, written } = await given();

    const answer = await gate.admit(bearer, () => parseAuthority('api.github.com\u0000.evil.com:443'));

    expect(answer).toMatchObject({ ok: false, refusal: { status: 400 } });
    expect(JSON.parse((answer as { refusal: { body: string } }).refusal.body)).toMatchObject({
      code: 'malformed-host',
    });
    expect(written).toEqual([]);
  });

  it('given a session, when it is refused many times in a minute, then the first refusal is written at once and the rest counted', async () => {
    const { gate, bearer, written, denials } = await given(1_000);

    for (let index = 0; index < 50; index++) {
      const answer = await gate.admit(bearer, () => parseAuthority('evil.example:443'));
      expect(answer).toMatchObject({ ok: false, refusal: { status: 403 } });
    }
    expect(written.flat().map((event) => event.data)).toEqual([
      expect.objectContaining({ count: 1, channelId: 'eng', host: 'evil.example' }),
    ]);

    await denials.stop();
    expect(written.flat().map((event) => (event.data as { count: number }).count)).toEqual([1, 49]);
  });

  it('given a session over its rate, when it connects again, then 429 with Retry-After and nothing recorded', async () => {
    const { gate, bearer, written } = await given(3);
    const connect = () => gate.admit(bearer, () => parseAuthority('api.github.com:443'));

    for (let index = 0; index < 3; index++) expect(await connect()).toMatchObject({ ok: true });
    const limited = await connect();

    expect(limited).toMatchObject({ ok: false, refusal: { status: 429, headers: { 'retry-after': '1' } } });
    expect(written).toEqual([]);
  });
});
