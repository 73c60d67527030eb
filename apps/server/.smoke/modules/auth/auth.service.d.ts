import type { ApiKeysRepository } from '../api-keys/api-keys.repository.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { UserRecord, UsersRepository } from '../users/users.repository.js';
import { type Actor } from './actor.js';
import type { AuthSettings } from './auth-settings.js';
import type { SessionsRepository } from './sessions.repository.js';
import { SignInLimiter } from './sign-in-limiter.js';
/** A new session for a user who signed in; the token goes into the cookie and nowhere else. */
export interface SignInResult {
    user: UserRecord;
    sessionToken: string;
    expiresAt: Date;
}
/** What a request brought to prove who it is. */
export interface Credentials {
    /** The raw Authorization header, when present. */
    authorization: string | undefined;
    /** The session cookie's value, when present. */
    sessionToken: string | undefined;
}
/** Who is calling, and what the HTTP layer should do with the session cookie. */
export interface Authentication {
    actor: Actor;
    /** Set the cookie again with this expiry (the session slid forward). */
    renewedSession?: {
        token: string;
        expiresAt: Date;
    };
    /** The cookie names no live session: clear it. */
    clearSession?: boolean;
}
export declare class AuthService {
    private readonly users;
    private readonly sessions;
    private readonly apiKeys;
    private readonly audit;
    readonly settings: AuthSettings;
    private readonly limiter;
    private readonly now;
    constructor(users: UsersRepository, sessions: SessionsRepository, apiKeys: ApiKeysRepository, audit: AuditRepository, settings: AuthSettings, limiter?: SignInLimiter, now?: () => Date);
    /** Checks the password and opens a session; every attempt, failed or not, is audited. */
    signIn(rawEmail: string, password: string): Promise<SignInResult>;
    /** Revokes the session of `sessionToken`; false when there was no live one. */
    signOut(actor: Actor, sessionToken: string | undefined): Promise<boolean>;
    /**
     * Resolves the caller: a Bearer API key wins over a session cookie. A bad key is an error (the
     * integrator must fix it); a stale cookie is only cleared, so the browser can sign in again.
     */
    authenticate(credentials: Credentials): Promise<Authentication>;
    private authenticateApiKey;
    private authenticateSession;
    private auditFailure;
}
