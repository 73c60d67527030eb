// Tunables of sign-in and sessions, read from env.ts in main.ts; tests and the CLI use the defaults.
export const DEFAULT_AUTH_SETTINGS = {
    sessionTtlMs: 12 * 60 * 60 * 1000,
    secureCookies: 'auto',
};
//# sourceMappingURL=auth-settings.js.map