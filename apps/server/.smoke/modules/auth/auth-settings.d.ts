/** How sessions and their cookie behave. */
export interface AuthSettings {
    /** A session ends this long after its last use (sliding expiry), in milliseconds. */
    sessionTtlMs: number;
    /** When the cookie carries `Secure`: `auto` when the request came over https, or always, or never. */
    secureCookies: 'auto' | 'always' | 'never';
}
export declare const DEFAULT_AUTH_SETTINGS: AuthSettings;
