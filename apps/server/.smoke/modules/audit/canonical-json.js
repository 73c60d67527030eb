// Canonical JSON for hashing: object keys sorted at every depth, no whitespace, so the same entry
// always hashes the same on any machine (the exported log is re-hashed offline by `audit verify`).
/** Serialises `value` with sorted keys; undefined members are dropped, as JSON.stringify does. */
export function canonicalJson(value) {
    if (value === null || typeof value !== 'object')
        return JSON.stringify(value) ?? 'null';
    if (Array.isArray(value))
        return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
    const entries = Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
//# sourceMappingURL=canonical-json.js.map