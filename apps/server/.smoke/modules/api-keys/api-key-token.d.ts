/** A freshly made key: `key` is shown once, `prefix` is stored and shown again. */
export interface GeneratedApiKey {
    key: string;
    prefix: string;
}
export declare function generateApiKey(): GeneratedApiKey;
/** The stored prefix of `key`, or null when it does not have the FaceLedger key format. */
export declare function parseApiKeyPrefix(key: string): string | null;
