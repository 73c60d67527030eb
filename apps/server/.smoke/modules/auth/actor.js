/** Operations an API key can be scoped to. */
export const API_KEY_SCOPES = ['detect', 'verify', 'identify', 'enroll', 'read'];
/** The actor as written into the audit ledger: "user:<id>", "key:<id>", "system" or "anonymous". */
export function actorRef(actor) {
    switch (actor.kind) {
        case 'user':
            return `user:${actor.userId}`;
        case 'apiKey':
            return `key:${actor.keyId}`;
        default:
            return actor.kind;
    }
}
//# sourceMappingURL=actor.js.map