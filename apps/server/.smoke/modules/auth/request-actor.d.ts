import type { Request, RequestHandler, Response } from 'express';
import type { Actor } from './actor.js';
import type { AuthService } from './auth.service.js';
/** Who is calling; throws AppError(UNAUTHENTICATED) for an invalid, unknown or revoked API key. */
export declare function resolveRequestActor(auth: AuthService, req: Request, res: Response): Promise<Actor>;
/**
 * For Apollo's context function: the same, with an auth failure turned into a GraphQLError that
 * Apollo answers as HTTP 401 with extensions.code UNAUTHENTICATED (context errors skip resolvers).
 */
export declare function resolveGraphQLActor(auth: AuthService, req: Request, res: Response): Promise<Actor>;
/** Express middleware for REST routes: puts the caller in `res.locals.actor`, or answers 401 JSON. */
export declare function actorMiddleware(auth: AuthService): RequestHandler;
/** The caller put there by actorMiddleware (anonymous when the middleware did not run). */
export declare function actorOf(res: Response): Actor;
