// Relay cursor pagination over a keyset: checks first/after/last/before once, and turns sort keys
// into opaque cursors and back. Any list ordered by a unique key tuple can page with it.
import { AppError, ErrorCode } from './app-error.js';
/** Page size when the caller gives neither first nor last. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest page a caller may ask for, so one query cannot read a whole table. */
export const MAX_PAGE_SIZE = 100;
/** An opaque cursor for a sort key: base64url of its JSON. */
export function encodeCursor(key) {
    return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}
/** The key inside a cursor, checked by `parseKey`; BAD_INPUT when it is not one of ours. */
export function decodeCursor(cursor, parseKey, field) {
    let value = null;
    try {
        value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    }
    catch {
        value = null;
    }
    const key = value === null ? null : parseKey(value);
    if (key === null) {
        throw new AppError(ErrorCode.BAD_INPUT, `${field} is not a valid cursor; pass the startCursor or endCursor of a page this query returned.`, { field });
    }
    return key;
}
function checkSize(value, field) {
    if (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE) {
        throw new AppError(ErrorCode.BAD_INPUT, `${field} must be an integer from 0 to ${MAX_PAGE_SIZE}.`, {
            field,
        });
    }
    return value;
}
/**
 * Checks the Relay arguments: first/after page forward, last/before page backward; mixing the two
 * directions is refused, as the Relay specification discourages it.
 */
export function parsePageArgs(args, parseKey) {
    const isForward = args.first != null || args.after != null;
    const isBackward = args.last != null || args.before != null;
    if (isForward && isBackward) {
        throw new AppError(ErrorCode.BAD_INPUT, 'Page forward with first/after or backward with last/before, not both in one query.', { field: 'first' });
    }
    if (isBackward) {
        return {
            direction: 'backward',
            size: args.last == null ? DEFAULT_PAGE_SIZE : checkSize(args.last, 'last'),
            cursor: args.before == null ? null : decodeCursor(args.before, parseKey, 'before'),
        };
    }
    return {
        direction: 'forward',
        size: args.first == null ? DEFAULT_PAGE_SIZE : checkSize(args.first, 'first'),
        cursor: args.after == null ? null : decodeCursor(args.after, parseKey, 'after'),
    };
}
//# sourceMappingURL=relay-pagination.js.map