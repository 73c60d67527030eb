// The session cookie on the wire: HTTP-only (scripts cannot read it), SameSite=Lax (other sites'
// forms and fetches do not carry it), Secure over https. Holds only the random session token.
import { parseCookie } from 'cookie';
import type { CookieOptions, Request, Response } from 'express';
import type { AuthSettings } from './auth-settings.js';

/** Name of the cookie that carries the session token. */
export const SESSION_COOKIE = 'faceledger_session';

/** The session token the request carries, if any. */
export function readSessionCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  return header ? parseCookie(header)[SESSION_COOKIE] : undefined;
}

/** Sets (or renews) the session cookie until `expiresAt`. */
export function writeSessionCookie(
  req: Request,
  res: Response,
  settings: AuthSettings,
  token: string,
  expiresAt: Date,
): void {
  res.cookie(SESSION_COOKIE, token, { ...cookieOptions(req, settings), expires: expiresAt });
}

/** Tells the browser to drop the session cookie. */
export function clearSessionCookie(req: Request, res: Response, settings: AuthSettings): void {
  res.clearCookie(SESSION_COOKIE, cookieOptions(req, settings));
}

function cookieOptions(req: Request, settings: AuthSettings): CookieOptions {
  const secure = settings.secureCookies === 'always' || (settings.secureCookies === 'auto' && req.secure);
  return { httpOnly: true, sameSite: 'lax', secure, path: '/' };
}
