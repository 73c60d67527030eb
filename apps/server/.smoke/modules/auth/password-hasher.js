// Password hashing with argon2id (@node-rs/argon2, OWASP parameters: 19 MiB, 2 passes). Only the
// PHC string ("$argon2id$v=19$...") is stored; the password never leaves this file's callers.
import { hash, verify } from '@node-rs/argon2';
/** Algorithm.Argon2id; the const enum cannot be read under isolatedModules. */
const ARGON2ID = 2;
/** Shortest password accepted for a user. */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest password accepted, so a huge body cannot make hashing expensive. */
export const MAX_PASSWORD_LENGTH = 256;
/** Hashes `password` into an argon2id PHC string. */
export function hashPassword(password) {
    return hash(password, { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}
/** A hash of a random password, verified against when the email is unknown so timing says nothing. */
let decoyHash;
/** True when `password` matches `passwordHash`; with null it spends the same time and answers false. */
export async function verifyPassword(passwordHash, password) {
    if (passwordHash === null) {
        decoyHash ??= hashPassword(`decoy-${Math.random()}`);
        await verify(await decoyHash, password).catch(() => false);
        return false;
    }
    return verify(passwordHash, password).catch(() => false);
}
//# sourceMappingURL=password-hasher.js.map