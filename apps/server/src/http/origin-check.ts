// Cross-site request forgery guard for the session cookie: a request that another site's page made
// the browser send must not act with the user's cookie. The browser's own word decides: Sec-Fetch-Site
// when it sends one, else Origin compared by scheme, host and port with this server's origin (or the
// one a proxy in front of it names in X-Forwarded-Host/-Proto, as the admin's rewrites do). A page
// cannot forge these headers cross-site: Sec-Fetch-* and Origin are set by the browser, and any
// X-Forwarded-* header would need a CORS preflight this server never grants. Requests without
// either header (curl, server-to-server, API keys) are not browser cross-site requests.
import type http from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError, ErrorCode } from '../shared/app-error.js';
import { readSessionCookie } from '../modules/auth/session-cookie.js';

/** Sec-Fetch-Site values of requests this server's own pages (or the user, typing a URL) made. */
const SAME_ORIGIN_FETCH_SITES = new Set(['same-origin', 'none']);

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim() || undefined;
}

/** scheme://host[:port] of `host` with `scheme`, normalised like an Origin header (no default port). */
function originOf(scheme: string, host: string): string | null {
  try {
    return new URL(`${scheme}://${host}`).origin;
  } catch {
    return null;
  }
}

/**
 * The origins a same-site page of this server has: http(s)://Host as this server sees it, and the
 * forwarded host and scheme a proxy in front of it reports.
 */
export function ownOrigins(request: http.IncomingMessage): string[] {
  const isTls = (request.socket as TLSSocket | undefined)?.encrypted === true;
  const scheme =
    firstValue(request.headers['x-forwarded-proto'])?.toLowerCase() ?? (isTls ? 'https' : 'http');
  const hosts = [request.headers.host, firstValue(request.headers['x-forwarded-host'])];
  return hosts.flatMap((host) => {
    const origin = host ? originOf(scheme === 'https' ? 'https' : 'http', host) : null;
    return origin ? [origin] : [];
  });
}

/** True when a browser says another site made this request (Sec-Fetch-Site, else Origin). */
export function isCrossSiteRequest(request: http.IncomingMessage): boolean {
  const fetchSite = firstValue(request.headers['sec-fetch-site']);
  if (fetchSite !== undefined) return !SAME_ORIGIN_FETCH_SITES.has(fetchSite.toLowerCase());
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  let claimed: string;
  try {
    claimed = new URL(origin).origin;
  } catch {
    return true; // "null" (a sandboxed frame, a redirect across sites) or garbage
  }
  return !ownOrigins(request).includes(claimed);
}

/**
 * Express middleware for the REST routes: refuses (403 FORBIDDEN) a request authenticated by the
 * session cookie that another site made the browser send. API keys are not sent by browsers on
 * their own, so Authorization requests pass.
 */
export function refuseCrossSiteCookies(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (req.headers.authorization !== undefined || readSessionCookie(req) === undefined) return next();
    if (!isCrossSiteRequest(req)) return next();
    const from =
      firstValue(req.headers.origin) ?? `Sec-Fetch-Site ${firstValue(req.headers['sec-fetch-site'])}`;
    next(
      new AppError(
        ErrorCode.FORBIDDEN,
        `This request carries your FaceLedger session cookie but another site made it (${from.slice(0, 200)}), so it was refused. Use the dashboard itself, or call the API with an API key (Authorization: Bearer <key>).`,
      ),
    );
  };
}
