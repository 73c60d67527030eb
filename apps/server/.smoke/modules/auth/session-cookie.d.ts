import type { Request, Response } from 'express';
import type { AuthSettings } from './auth-settings.js';
/** Name of the cookie that carries the session token. */
export declare const SESSION_COOKIE = "faceledger_session";
/** The session token the request carries, if any. */
export declare function readSessionCookie(req: Request): string | undefined;
/** Sets (or renews) the session cookie until `expiresAt`. */
export declare function writeSessionCookie(req: Request, res: Response, settings: AuthSettings, token: string, expiresAt: Date): void;
/** Tells the browser to drop the session cookie. */
export declare function clearSessionCookie(req: Request, res: Response, settings: AuthSettings): void;
