/** Serialises `value` with sorted keys; undefined members are dropped, as JSON.stringify does. */
export declare function canonicalJson(value: unknown): string;
