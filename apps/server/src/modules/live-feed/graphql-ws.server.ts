// GraphQL subscriptions over graphql-ws on the HTTP server's /graphql (WebSocket upgrade), on the
// same executable schema Apollo serves. The caller is authenticated once when the connection opens
// (connectionParams.authorization "Bearer <key>", else the session cookie of the upgrade request)
// and again every recheckIntervalMs (a re-check takes no rate-limit token: it is not the key's
// request), so a revoked key or session stops receiving events (a changed
// role or scope must connect again). Only subscription operations are served here; queries and
// mutations go through Apollo over HTTP.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { parseCookie } from 'cookie';
// graphql/index.js, not graphql: Node resolves both to this CommonJS build, which graphql-ws and
// @graphql-tools use, while Vite (vitest) would pick index.mjs for a bare 'graphql' and validate()
// would then refuse the schema as coming "from another module or realm".
import {
  GraphQLError,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql/index.js';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Services } from '../../graphql/context.js';
import { inputGuardError } from '../../graphql/input-guard.js';
import { isCrossSiteRequest } from '../../http/origin-check.js';
import { ErrorCode, isAppError } from '../../shared/app-error.js';
import type { Actor } from '../auth/actor.js';
import type { Credentials } from '../auth/auth.service.js';
import { SESSION_COOKIE } from '../auth/session-cookie.js';
import type { LiveFeedContext } from './live-feed.resolvers.js';

/** Largest WebSocket message accepted; subscription documents are small. */
const MAX_MESSAGE_BYTES = 64 * 1024;

/** Subscriptions one connection may hold at once. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;

export interface GraphQLWebSocketOptions {
  httpServer: http.Server;
  /** URL path of the upgrade, the same as Apollo's. */
  path: string;
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  /** The depth, cost and alias rules Apollo applies, applied here too. */
  validationRules: readonly ValidationRule[];
  /** Apollo's formatError, so errors carry the same extensions.code. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** How often an open connection's credentials are checked again; 0 turns it off. Default 60 s. */
  recheckIntervalMs?: number;
}

/** The running WebSocket endpoint. */
export interface GraphQLWebSocketServer {
  /** Closes every connection (1001 Going Away) and stops accepting new ones. */
  close(): Promise<void>;
}

/** What graphql-ws keeps per connection besides the socket and the upgrade request. */
interface ConnectionState extends Record<PropertyKey, unknown> {
  credentials: Credentials;
  actor: Actor;
  recheck: NodeJS.Timeout;
}

const UNAUTHENTICATED_REASON = 'Unauthorized: sign in, or send connectionParams.authorization "Bearer <key>"';

/**
 * The credentials of a connection: connectionParams.authorization wins; the session cookie counts
 * only when the browser does not say another site opened the socket (Sec-Fetch-Site, else an Origin
 * with this server's scheme, host and port: http/origin-check.ts), so another site's page, or
 * another port of the same host, cannot open a socket with the user's cookie.
 */
export function credentialsOf(
  connectionParams: Readonly<Record<string, unknown>> | undefined,
  request: http.IncomingMessage,
): Credentials {
  const authorization = connectionParams?.authorization ?? connectionParams?.Authorization;
  if (typeof authorization === 'string') return { authorization, sessionToken: undefined };
  const header = request.headers.cookie;
  const sessionToken = header && !isCrossSiteRequest(request) ? parseCookie(header)[SESSION_COOKIE] : undefined;
  return { authorization: undefined, sessionToken };
}

function validationError(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code } });
}

export function attachGraphQLWebSocket(options: GraphQLWebSocketOptions): GraphQLWebSocketServer {
  const { schema, services, logger, formatError } = options;
  const recheckIntervalMs = options.recheckIntervalMs ?? 60_000;
  const rules = [...specifiedRules, ...options.validationRules];
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: options.path,
    maxPayload: MAX_MESSAGE_BYTES,
  });

  async function authenticate(credentials: Credentials, countRequest: boolean): Promise<Actor | null> {
    try {
      const { actor } = await services.auth.authenticate(credentials, { countRequest });
      return actor.kind === 'anonymous' ? null : actor;
    } catch (error) {
      if (isAppError(error)) return null;
      throw error;
    }
  }

  const server = useServer<Record<string, unknown> | undefined, ConnectionState>(
    {
      onConnect: async (ctx) => {
        const credentials = credentialsOf(ctx.connectionParams, ctx.extra.request);
        const actor = await authenticate(credentials, true);
        if (!actor) {
          ctx.extra.socket.close(CloseCode.Unauthorized, UNAUTHENTICATED_REASON);
          return false;
        }
        const state = ctx.extra as ConnectionState;
        state.credentials = credentials;
        state.actor = actor;
        if (recheckIntervalMs > 0) {
          state.recheck = setInterval(() => {
            authenticate(credentials, false).then(
              (current) => {
                if (!current) {
                  ctx.extra.socket.close(
                    CloseCode.Unauthorized,
                    'Unauthorized: the key or session is no longer valid',
                  );
                } else if (JSON.stringify(current) !== JSON.stringify(state.actor)) {
                  // A changed role, scope or gallery: the subscriptions were authorized for the old one.
                  ctx.extra.socket.close(
                    CloseCode.Forbidden,
                    'Forbidden: your access changed; connect again',
                  );
                }
              },
              (error: unknown) => logger.warn({ err: error }, 'could not re-check a WebSocket connection'),
            );
          }, recheckIntervalMs);
          state.recheck.unref();
        }
        return true;
      },
      onClose: (ctx) => {
        if (ctx.extra.recheck) clearInterval(ctx.extra.recheck);
      },
      onSubscribe: (ctx, _id, payload) => {
        // graphql-ws has registered this one already.
        if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          return [
            new GraphQLError(
              `At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection; complete one or open another connection.`,
              { extensions: { code: 'RATE_LIMITED' } },
            ),
          ];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [validationError(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return errors.map((e) => validationError(e, 'GRAPHQL_VALIDATION_FAILED'));
        const operation = getOperationAST(document, payload.operationName);
        if (operation?.operation !== 'subscription') {
          return [
            new GraphQLError(
              'Only subscriptions are served over WebSocket; send queries and mutations as HTTP POST /graphql.',
              {
                extensions: { code: 'BAD_REQUEST' },
              },
            ),
          ];
        }
        // Variables are coerced here, as Apollo does over HTTP: graphql's subscribe() would answer a
        // variable that does not fit its type with a codeless error, which formatError takes for a bug.
        const variables = getVariableValues(
          schema,
          operation.variableDefinitions ?? [],
          payload.variables ?? {},
        );
        if (variables.errors) return variables.errors.map((e) => validationError(e, 'BAD_USER_INPUT'));
        // The same input guard as over HTTP (Apollo's plugins do not run here): no NUL or lone surrogate,
        // no deep nesting; rebuilt as this file's GraphQLError (graphql-ws checks the class).
        const refusal = inputGuardError(payload.variables ?? undefined, operation);
        if (refusal) return [validationError(refusal, ErrorCode.BAD_INPUT)];
        // onConnect refused every connection without an actor, so there is one here.
        const contextValue: LiveFeedContext = {
          services,
          actor: ctx.extra.actor ?? { kind: 'anonymous' },
          requestId: randomUUID(),
        };
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      // Without field suggestions, as graphql-armor's blockFieldSuggestion does over HTTP.
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((e) => {
          const formatted = formatError(e.toJSON(), e);
          return { ...formatted, message: formatted.message.replace(/ ?Did you mean .*$/, '') };
        }),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) }
          : undefined,
    },
    wss,
  );

  return {
    async close() {
      await server.dispose();
    },
  };
}
