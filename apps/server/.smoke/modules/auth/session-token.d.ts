/** A new session token (43 characters of base64url). */
export declare function generateSessionToken(): string;
/** True when `value` can be a session token, so junk cookies skip the database. */
export declare function isWellFormedSessionToken(value: string): boolean;
