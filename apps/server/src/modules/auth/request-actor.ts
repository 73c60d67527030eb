// Resolves the caller of an HTTP request (GraphQL context and REST routes alike): a Bearer API key,
// else the session cookie, else anonymous. Renews or clears the cookie as the session requires.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GraphQLError } from 'graphql';
import { ErrorCode, isAppError } from '../../shared/app-error.js';
import { databaseUnavailableError, isDatabaseUnavailable } from '../../shared/database-unavailable.js';
import { HTTP_STATUS_OF_CODE, retryAfterOf } from '../../shared/error-response.js';
import type { Actor } from './actor.js';
import type { AuthService } from './auth.service.js';
import { clearSessionCookie, readSessionCookie, writeSessionCookie } from './session-cookie.js';

/** Who is calling; throws AppError(UNAUTHENTICATED) for an invalid, unknown or revoked API key. */
export async function resolveRequestActor(auth: AuthService, req: Request, res: Response): Promise<Actor> {
  const result = await auth.authenticate({
    authorization: req.headers.authorization,
    sessionToken: readSessionCookie(req),
  });
  if (result.renewedSession) {
    writeSessionCookie(req, res, auth.settings, result.renewedSession.token, result.renewedSession.expiresAt);
  } else if (result.clearSession) {
    clearSessionCookie(req, res, auth.settings);
  }
  return result.actor;
}

/**
 * For Apollo's context function: the same, with an auth failure turned into a GraphQLError that
 * Apollo answers with the status REST routes give it (401 UNAUTHENTICATED, 429 RATE_LIMITED and
 * 503 DATABASE_UNAVAILABLE with Retry-After; shared/error-response.ts) and the same extensions
 * (context errors skip resolvers). Checking a key or a cookie reads the database, so an outage
 * surfaces here first.
 */
export async function resolveGraphQLActor(auth: AuthService, req: Request, res: Response): Promise<Actor> {
  try {
    return await resolveRequestActor(auth, req, res);
  } catch (caught) {
    const error = !isAppError(caught) && isDatabaseUnavailable(caught) ? databaseUnavailableError(caught) : caught;
    if (!isAppError(error)) throw error;
    const status = HTTP_STATUS_OF_CODE[error.code];
    throw new GraphQLError(error.message, {
      extensions: {
        code: error.code,
        ...error.details,
        http:
          error.code === ErrorCode.RATE_LIMITED || error.code === ErrorCode.DATABASE_UNAVAILABLE
            ? { status, headers: new Map([['retry-after', retryAfterOf(error)]]) }
            : { status },
      },
    });
  }
}

/**
 * Express middleware for REST routes: puts the caller in `res.locals.actor`. A bad API key goes to
 * the app's error handler (http/error-handler.ts), which answers 401 with extensions.code.
 */
export function actorMiddleware(auth: AuthService): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    resolveRequestActor(auth, req, res).then((actor) => {
      res.locals.actor = actor;
      next();
    }, next);
  };
}

/** The caller put there by actorMiddleware (anonymous when the middleware did not run). */
export function actorOf(res: Response): Actor {
  return (res.locals.actor as Actor | undefined) ?? { kind: 'anonymous' };
}
