// Builds the HTTP server: Apollo Server 5 at /graphql, GraphQL subscriptions over graphql-ws on the
// same path (WebSocket upgrade, one executable schema for both) and the REST routes, over the given services.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { loadTypeDefs } from '@faceledger/schema';
import express from 'express';
import type { Logger } from 'pino';
import type { AppContext, Services } from './graphql/context.js';
import { createFormatError } from './graphql/format-error.js';
import { createInputGuard } from './graphql/input-guard.js';
import { resolvers } from './graphql/resolvers.js';
import { createQueryLimits } from './graphql/security.js';
import { createErrorHandler } from './http/error-handler.js';
import { refuseCrossSiteCookies } from './http/origin-check.js';
import { createRestRouter } from './http/routes.js';
import { resolveGraphQLActor } from './modules/auth/request-actor.js';
import { attachGraphQLWebSocket } from './modules/live-feed/graphql-ws.server.js';

/** What the HTTP layer needs to run. */
export interface AppOptions {
  services: Services;
  logger: Logger;
  maxBodyBytes: number;
  /** Answer introspection queries (FACELEDGER_GRAPHQL_INTROSPECTION); off unless true. */
  introspection?: boolean;
}

/** A started-but-not-listening HTTP server and its shutdown. */
export interface App {
  httpServer: http.Server;
  stop(): Promise<void>;
}

export async function createApp({ services, logger, maxBodyBytes, introspection = false }: AppOptions): Promise<App> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  // Keep idle connections open longer than the admin's proxy keeps them (undici: 60 s), so the
  // proxy never reuses a socket this server is closing (that surfaced as ECONNRESET / HTTP 500).
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;

  const limits = createQueryLimits({ introspection });
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
  const formatError = createFormatError(logger.child({ module: 'graphql' }));
  const subscriptions = attachGraphQLWebSocket({
    httpServer,
    path: '/graphql',
    schema,
    services,
    logger: logger.child({ module: 'graphql-ws' }),
    validationRules: limits.validationRules,
    formatError,
  });
  const apollo = new ApolloServer<AppContext>({
    schema,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), createInputGuard<AppContext>(), ...limits.plugins],
    validationRules: limits.validationRules,
    allowBatchedHttpRequests: false,
    // Not Apollo's switch (its default follows NODE_ENV and its refusal names Apollo's option):
    // the limits' rule refuses __schema and __type unless `introspection`, here and over WebSocket.
    introspection: true,
    // main.ts owns SIGINT/SIGTERM and stops Apollo itself; a second stop would hang.
    stopOnTerminationSignals: false,
    logger: logger.child({ module: 'apollo' }),
    includeStacktraceInErrorResponses: false,
    formatError,
  });
  await apollo.start();

  app.get('/healthz', async (_req, res) => {
    const health = await services.health.check();
    res.status(health.ok ? 200 : 503).json(health);
  });

  app.use('/api', refuseCrossSiteCookies(), createRestRouter(services));

  app.use(
    '/graphql',
    express.json({ limit: maxBodyBytes }),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<AppContext> => ({
        services,
        actor: await resolveGraphQLActor(services.auth, req, res),
        requestId: randomUUID(),
        req,
        res,
      }),
    }),
  );

  app.use(createErrorHandler(logger.child({ module: 'http' }), maxBodyBytes));

  return {
    httpServer,
    async stop() {
      await subscriptions.close();
      await apollo.stop();
    },
  };
}
