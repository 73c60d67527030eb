/** Hex sha256 of a high-entropy token, as kept in the database. */
export declare function hashToken(token: string): string;
/** Compares two hex digests in constant time. */
export declare function isSameTokenHash(a: string, b: string): boolean;
