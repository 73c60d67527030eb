/** Shortest password accepted for a user. */
export declare const MIN_PASSWORD_LENGTH = 12;
/** Longest password accepted, so a huge body cannot make hashing expensive. */
export declare const MAX_PASSWORD_LENGTH = 256;
/** Hashes `password` into an argon2id PHC string. */
export declare function hashPassword(password: string): Promise<string>;
/** True when `password` matches `passwordHash`; with null it spends the same time and answers false. */
export declare function verifyPassword(passwordHash: string | null, password: string): Promise<boolean>;
