// Writes a zip archive in memory, for tests that upload zips: stored (no compression) by default, or
// deflated, which makes a small zip of large files (a zip bomb of zeros).
import { crc32, deflateRawSync } from 'node:zlib';

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
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const centralSize = centrals.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt32LE(0x06054b50, 0);
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
