// The session cookie on the wire: HTTP-only (scripts cannot read it), SameSite=Lax (other sites'
// forms and fetches do not carry it), Secure over https. Holds only the random session token.
import { parseCookie } from 'cookie';
/** Name of the cookie that carries the session token. */
export const SESSION_COOKIE = 'faceledger_session';
/** The session token the request carries, if any. */
export function readSessionCookie(req) {
    const header = req.headers.cookie;
    return header ? parseCookie(header)[SESSION_COOKIE] : undefined;
}
/** Sets (or renews) the session cookie until `expiresAt`. */
export function writeSessionCookie(req, res, settings, token, expiresAt) {
    res.cookie(SESSION_COOKIE, token, { ...cookieOptions(req, settings), expires: expiresAt });
}
/** Tells the browser to drop the session cookie. */
export function clearSessionCookie(req, res, settings) {
    res.clearCookie(SESSION_COOKIE, cookieOptions(req, settings));
}
function cookieOptions(req, settings) {
    const secure = settings.secureCookies === 'always' || (settings.secureCookies === 'auto' && req.secure);
    return { httpOnly: true, sameSite: 'lax', secure, path: '/' };
}
//# sourceMappingURL=session-cookie.js.map