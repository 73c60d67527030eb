// Writes a zip archive in memory, for tests that upload zips: stored (no compression) by default, or
// deflated, which makes a small zip of large files (a zip bomb of zeros).
import { crc32, deflateRawSync } from 'node:zlib';

/** Field widths in bytes after the signature: version(s), flags, method, time, date, crc, sizes, name length. */
const WIDTHS = { local: [2, 2, 2, 2, 2, 4, 4, 4, 2], central: [2, 2, 2, 2, 2, 2, 4, 4, 4, 2] };

/**
 * A zip header of `size` bytes: the signature, then `values` little-endian one after the other
 * (the local header has one version field, the central directory two); the rest stays zero.
 */
function header(size: 30 | 46, signature: number, values: readonly number[]): Buffer {
  const out = Buffer.alloc(size);
  out.writeUInt32LE(signature, 0);
  let at = 4;
  for (const [i, width] of WIDTHS[size === 30 ? 'local' : 'central'].entries()) {
    const value = values[i] ?? 0;
    if (width === 2) out.writeUInt16LE(value, at);
    else out.writeUInt32LE(value, at);
    at += width;
  }
  return out;
}

/** A zip of `files` (path inside the zip -> bytes); `deflate` compresses each file. */
export function makeZip(
  files: ReadonlyArray<{ path: string; bytes: Uint8Array }>,
  options: { deflate?: boolean } = {},
): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  const method = options.deflate ? 8 : 0;
  // The same bytes given for several files are compressed once.
  const packed = new Map<Uint8Array, { data: Buffer; crc: number }>();
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.path, 'utf8');
    const raw = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength);
    const known = packed.get(file.bytes) ?? {
      data: options.deflate ? deflateRawSync(raw, { level: 9 }) : raw,
      crc: crc32(raw),
    };
    packed.set(file.bytes, known);
    const { data, crc } = known;
    // The fields both headers share: flags (UTF-8 names), method, crc, sizes, name length.
    const common = [0x0800, method, 0, 0, crc, data.length, raw.length, name.length] as const;
    const local = header(30, 0x04034b50, [20, ...common]);
    locals.push(local, name, data);
    const central = header(46, 0x02014b50, [20, 20, ...common]);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const centralSize = centrals.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** A deflated zip of `count` files of `bytes` zeros each, named photos/z<i>.jpg (small to send, large unpacked). */
export function makeZerosZip(count: number, bytes: number): Buffer {
  const zeros = new Uint8Array(bytes);
  return makeZip(
    Array.from({ length: count }, (_, i) => ({ path: `photos/z${i}.jpg`, bytes: zeros })),
    { deflate: true },
  );
}
