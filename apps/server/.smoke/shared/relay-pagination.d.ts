/** Page size when the caller gives neither first nor last. */
export declare const DEFAULT_PAGE_SIZE = 20;
/** Largest page a caller may ask for, so one query cannot read a whole table. */
export declare const MAX_PAGE_SIZE = 100;
/** The Relay arguments as GraphQL hands them over. */
export interface PageArgs {
    first?: number | null | undefined;
    after?: string | null | undefined;
    last?: number | null | undefined;
    before?: string | null | undefined;
}
/** A checked page request: read `size` rows forward after `cursor`, or backward before it. */
export interface PageRequest<K> {
    direction: 'forward' | 'backward';
    size: number;
    /** The decoded key of after (forward) or before (backward); null reads from the start or the end. */
    cursor: K | null;
}
/** What a connection reports about the pages around the one returned. */
export interface PageInfo {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
}
/** An opaque cursor for a sort key: base64url of its JSON. */
export declare function encodeCursor(key: readonly unknown[]): string;
/** The key inside a cursor, checked by `parseKey`; BAD_INPUT when it is not one of ours. */
export declare function decodeCursor<K>(cursor: string, parseKey: (value: unknown) => K | null, field: string): K;
/**
 * Checks the Relay arguments: first/after page forward, last/before page backward; mixing the two
 * directions is refused, as the Relay specification discourages it.
 */
export declare function parsePageArgs<K>(args: PageArgs, parseKey: (value: unknown) => K | null): PageRequest<K>;
