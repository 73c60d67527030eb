import type { Role } from '@faceledger/db';
/** Operations an API key can be scoped to. */
export declare const API_KEY_SCOPES: readonly ["detect", "verify", "identify", "enroll", "read"];
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
/** The caller of one request. */
export type Actor = {
    kind: 'user';
    userId: string;
    email: string;
    role: Role;
} | {
    kind: 'apiKey';
    keyId: string;
    scopes: readonly ApiKeyScope[];
    galleryId: string | null;
    createdById: string;
} | {
    kind: 'anonymous';
} | {
    kind: 'system';
};
/** The actor as written into the audit ledger: "user:<id>", "key:<id>", "system" or "anonymous". */
export declare function actorRef(actor: Actor): string;
