/** A key is a sha256 in lower-case hex; anything else is refused before it reaches a path. */
export function isImageKey(key) {
    return /^[0-9a-f]{64}$/.test(key);
}
//# sourceMappingURL=image-store.js.map