import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  credentialConnections,
  type Decision,
  decideAgentAction,
  type EffectiveIdentity,
  narrowestFirst,
  servesWorkspace,
} from '@mandate/domain';
import {
  githubRouteTable,
  narrowingDenial,
  narrowingOf,
  type GatewaySession,
  type RouteTable,
  upstreamPath,
  withinSessionStart,
  withoutClientCredentials,
} from '@mandate/gateway';
import type { InvokerRights } from '@mandate/credentials';
import type { Logger } from '@mandate/observability';
import type { EffectivePermissionsProjection, WorkspacePermissions } from '@mandate/projections';
import type { AgentActionLog, RecordedAction } from './agent-action-log';
import { checkedLookup, type DestinationResolver, PrivateDestinationError } from './destination-resolver';
import { injectionFor, type InjectionSources } from './connector-injection';
import type { LeaseCall } from './connector-lease-cache';
import { type EgressGate, type Refusal, refusal, type RefusalSpec } from './egress-gate';
import type { GatewayMetrics } from './gateway-metrics';
import { relay, UpstreamClient } from './upstream-exchange';

/** Connectors whose HTTP API the endpoint serves, each with its route table. */
const ROUTE_TABLES: Record<string, RouteTable> = { github: githubRouteTable };

export interface ConnectorEndpointOptions {
  gate: EgressGate;
  projection: Pick<EffectivePermissionsProjection, 'workspace'>;
  /** The connections' credentials, read from the vault and kept briefly (static-credential-cache.ts). */
  credentials: InjectionSources['credentials'];
  /** The upstream tokens of GitHub App and OAuth client connections (connector-lease-cache.ts). */
  leases: InjectionSources['leases'];
  actions: AgentActionLog;
  /** The invoker's own right where an `invokerCan` overlay reads it, observed and recorded as the API does. */
  invokerRights: Pick<InvokerRights, 'withRight'>;
  /** The upstream base URL of a connector (GATEWAY_GITHUB_API_URL for github). */
  upstreamOf: (connector: string) => string | undefined;
  /** The upstream's name resolved and checked as egress is: a private address only if permitted. */
  destinations: DestinationResolver;
  metrics: GatewayMetrics;
  logger: Logger;
}

const send = (res: ServerResponse, { status, headers, body }: Refusal) =>
  res.writeHead(status, headers).end(body);

/**
 * `/connectors/{connectionId}/<upstream path>`: the agent calls a connector's API through the
 * gateway without holding its secret. In order: the session; the connection in the session's
 * channel and its route table (unknown route: denied); the connection's narrowing (host, path,
 * method: outside it, denied); the decision (invoke policy, then the evaluation order, the session's
 * invoker's own right observed first where an `invokerCan` overlay reads it); the decision
 * recorded durably, naming the connection; after every credential the client sent is stripped, the
 * credential injected (connector-injection.ts: a `static` secret into its bound host and header, or
 * a lease's token for exactly this call); the call, TLS verified, no redirect followed, the secret
 * redacted from the answer; the outcome recorded, naming the lease.
 */
export class ConnectorEndpoint {
  private readonly upstreams: UpstreamClient;

  constructor(private readonly options: ConnectorEndpointOptions) {
    this.upstreams = new UpstreamClient(checkedLookup(options.destinations));
  }

  /** Closes the kept-alive upstream connections. */
  close(): Promise<void> {
    return this.upstreams.close();
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
    const { gate, metrics } = this.options;
    const authenticated = await gate.authenticate(req.headers['proxy-authorization']);
    const refuse = (spec: RefusalSpec, requestId: string) => {
      metrics.count('connector', spec.outcome);
      send(res, refusal(spec, requestId).refusal);
    };
    if (!authenticated.ok) {
      metrics.count('connector', authenticated.refusal.outcome);
      return void send(res, authenticated.refusal);
    }
    const { session, requestId } = authenticated;
    const [pathPart, query] = splitOnce(url, '?');
    const [, , connectionId = '', ...rest] = pathPart.split('/');
    const path = `/${rest.join('/')}`;
    const permissions = this.options.projection.workspace(session.workspaceId);
    const identity = permissions?.compiled.effectiveIdentity(session.channelId);
    // An id held at several scopes (the baseline and a bundle on the channel) is the narrowest's.
    const connection =
      identity && narrowestFirst(identity.connections).find((candidate) => candidate.id === connectionId);
    const table = connection === undefined ? undefined : ROUTE_TABLES[connection.connector];
    if (permissions === undefined || connection === undefined || table === undefined) {
      const detail = 'No connection by that id with an HTTP route table in this channel';
      return refuse(
        { status: 404, outcome: 'malformed', code: 'connection-not-found', title: 'Not found', detail },
        requestId,
      );
    }
    const route = table.match(req.method ?? 'GET', path);
    if (!route.ok && route.code === 'malformed-path') {
      return refuse(
        { status: 400, outcome: 'malformed', code: route.code, title: 'Bad path', detail: route.message },
        requestId,
      );
    }
    const request = {
      channelId: session.channelId,
      connector: connection.connector,
      action: route.ok ? route.action : 'unknown',
      resource: route.ok ? route.resource : path.slice(0, 1000),
      invokedBy: session.invokedBy,
    };
    const decision: Decision = !route.ok
      ? { allowed: false, reason: route.message, provenance: { layer: 'default', rule: 'unknown-route' } }
      : !servesWorkspace(permissions.workspace, { kind: 'service', id: session.openedBy })
        ? {
            allowed: false,
            reason: 'The session’s service no longer serves the workspace',
            provenance: { layer: 'default', rule: 'service-unbound' },
          }
        : (this.narrowed(connection, path, req.method) ??
          (await this.decideNow(permissions, session, request)));
    const recorded = await this.options.actions.decided(session, request, decision, requestId, connection.id);
    if (!decision.allowed) {
      const { rule } = decision.provenance;
      return refuse(
        {
          status: 403,
          outcome: 'denied',
          code: rule.startsWith('outside-narrowing-') ? rule : 'agent-action-denied',
          title: 'Denied',
          detail: decision.reason,
          // What denied it, as a check answers: the layer, the rule and, for an overlay, the condition.
          extensions: { provenance: decision.provenance },
        },
        requestId,
      );
    }
    await this.forward(req, res, {
      session,
      connection: {
        ...connection,
        ...credentialHolder(identity?.connections ?? [], connection, permissions.membership.organizationId),
      },
      action: request.action,
      resource: request.resource,
      decision,
      path,
      query,
      recorded,
      requestId,
    });
  }

  /**
   * The decision now, less what a bundle attached since the session started would add. Where an
   * `invokerCan` overlay covers the call, the session's invoker's own right is observed (and
   * recorded) first, exactly as the API does for agent actions and leases; otherwise nothing waits.
   */
  private async decideNow(
    permissions: WorkspacePermissions,
    session: GatewaySession,
    request: Parameters<typeof decideAgentAction>[1],
  ): Promise<Decision> {
    const query = await this.options.invokerRights.withRight(
      session.workspaceId,
      permissions.compiled,
      request,
    );
    const decision = decideAgentAction(permissions.compiled, query, Date.now());
    const reachedAtMs = permissions.attachedSince.reachStartedAtMs(decision.provenance, session.channelId);
    return withinSessionStart(decision, session, reachedAtMs);
  }

  /** A call outside its connection's narrowing is denied whatever the permissions say. */
  private narrowed(connection: { connector: string }, path: string, method = 'GET'): Decision | undefined {
    const base = this.options.upstreamOf(connection.connector);
    if (base === undefined) return undefined;
    return narrowingDenial(narrowingOf(connection), { upstream: new URL(base), path, method });
  }

  private async forward(
    req: IncomingMessage,
    res: ServerResponse,
    call: Omit<LeaseCall, 'credentialKind'> & {
      path: string;
      query: string | undefined;
      recorded: RecordedAction;
      requestId: string;
    },
  ): Promise<void> {
    const { actions, metrics } = this.options;
    const { recorded, requestId } = call;
    const fail = async (status: number, code: string, detail: string, leaseId?: string) => {
      await actions.failed(recorded, code, requestId, leaseId);
      metrics.count('connector', 'upstream-error');
      send(
        res,
        refusal(
          { status, outcome: 'upstream-error', code, title: 'Upstream call not made', detail },
          requestId,
        ).refusal,
      );
    };
    const base = this.options.upstreamOf(call.connection.connector);
    if (base === undefined) {
      return fail(502, 'credential-unavailable', 'The connector has no upstream the gateway calls');
    }
    const upstream = new URL(base);
    const injection = await injectionFor(this.options, { ...call, upstream });
    if (!injection.ok) return fail(injection.status, injection.code, injection.detail);
    const { header, secret, leaseId } = injection;
    // The path as the route table read it (each segment decoded once), encoded again: one reading.
    const target = `${upstream.pathname.replace(/\/$/, '')}${upstreamPath(call.path)}${call.query === undefined ? '' : `?${call.query}`}`;
    const headers = { ...withoutClientCredentials(req.headers), host: upstream.host, [header[0]]: header[1] };
    const started = performance.now();
    const answer = await this.upstreams.exchange(req, upstream, { path: target, headers });
    metrics.upstreamConnectSeconds.observe((performance.now() - started) / 1000);
    if (answer instanceof PrivateDestinationError)
      return fail(502, 'private-destination', answer.message, leaseId);
    if (answer instanceof Error)
      return fail(502, 'upstream-unreachable', 'The upstream could not be reached', leaseId);
    // The authorization was durable before the call left; the outcome joins the next group commit
    // without holding the answer (a crash in between leaves the authorization without its outcome).
    actions.completed(recorded, `upstream ${answer.status}`, requestId, leaseId).catch((error: unknown) => {
      this.options.logger.error({ err: error, requestId }, 'agent action outcome not recorded');
    });
    metrics.count('connector', 'allowed');
    relay(res, answer, secret);
  }
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/**
 * The access bundle holding the credential the call is made with (none: the baseline): the
 * connection's own, or for a channel extension the narrowest holder of its id, which it borrows.
 * The lease's worker finds the connection there, as checks resolve it. For an organization's bundle,
 * also the organization whose credential it is (a channel's identity holds an organization's
 * connections only while its workspace is a member, so it has one).
 */
function credentialHolder(
  connections: EffectiveIdentity['connections'],
  connection: EffectiveIdentity['connections'][number],
  organizationId: string | null,
): { bundleId?: string; organizationId?: string } {
  const holder =
    connection.source === 'channel'
      ? credentialConnections(connections).find((candidate) => candidate.id === connection.id)
      : connection;
  if (holder?.source !== 'bundle') return {};
  // An organization's bundle holds the credential under the organization the workspace belongs to.
  if (holder.scope !== 'organization') return { bundleId: holder.bundle };
  return organizationId === null ? { bundleId: holder.bundle } : { bundleId: holder.bundle, organizationId };
}
