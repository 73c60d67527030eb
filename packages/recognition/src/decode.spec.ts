import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config.js';
import { decodeImage } from './decode.js';
import { RecognitionError, RecognitionErrorCode } from './errors.js';

const dataDir = process.env.FACELEDGER_TEST_DATA ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..', '../shared/data');
const limits = defaultConfig().limits;

async function expectCode(bytes: Uint8Array, code: RecognitionErrorCode, custom = limits): Promise<RecognitionError> {
  try {
    await decodeImage(bytes, custom);
  } catch (error) {
    expect(error).toBeInstanceOf(RecognitionError);
    const e = error as RecognitionError;
    expect(e.code).toBe(code);
    expect(e.message.length).toBeGreaterThan(20);
    return e;
  }
  throw new Error(`expected ${code}`);
}

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A tiny, structurally valid PNG whose header claims the given size (no real pixel data). */
function pngClaiming(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.alloc(10))), pngChunk('IEND', Buffer.alloc(0))]);
}

describe('decodeImage', () => {
  it('decodes a real JPEG to packed RGB', async () => {
    const bytes = await readFile(path.join(dataDir, 'deepface/img1.jpg'));
    const img = await decodeImage(bytes, limits);
    expect(img.format).toBe('jpeg');
    expect(img.data.length).toBe(img.width * img.height * 3);
  });

  it('applies EXIF orientation', async () => {
    const base = await sharp({ create: { width: 80, height: 40, channels: 3, background: { r: 200, g: 10, b: 10 } } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const img = await decodeImage(base, limits);
    expect([img.width, img.height]).toEqual([40, 80]);
  });

  it('flattens alpha, converts grayscale, 16-bit and CMYK to 8-bit RGB', async () => {
    const rgba = await sharp({ create: { width: 40, height: 40, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const flat = await decodeImage(rgba, limits);
    expect(flat.data[0]).toBe(255);
    const gray = await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: 90, g: 90, b: 90 } } }).grayscale().png().toBuffer();
    expect((await decodeImage(gray, limits)).data.length).toBe(40 * 40 * 3);
    const deep = await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: 90, g: 120, b: 200 } } }).toColourspace('rgb16').png().toBuffer();
    const deepImg = await decodeImage(deep, limits);
    expect(deepImg.data.length).toBe(40 * 40 * 3);
    expect(Math.abs((deepImg.data[2] ?? 0) - 200)).toBeLessThan(3);
    const cmyk = await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: 30, g: 160, b: 60 } } }).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const cmykImg = await decodeImage(cmyk, limits);
    expect(cmykImg.data.length).toBe(40 * 40 * 3);
    expect(cmykImg.data[1]).toBeGreaterThan(100);
  });

  it('rejects zero-byte, text and PDF input as NOT_AN_IMAGE', async () => {
    await expectCode(new Uint8Array(0), RecognitionErrorCode.NOT_AN_IMAGE);
    await expectCode(Buffer.from('hello, this is not an image at all'), RecognitionErrorCode.NOT_AN_IMAGE);
    await expectCode(Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'), RecognitionErrorCode.NOT_AN_IMAGE);
  });

  it('rejects truncated and corrupted JPEGs as CORRUPT_IMAGE', async () => {
    const bytes = await readFile(path.join(dataDir, 'deepface/img1.jpg'));
    await expectCode(bytes.subarray(0, Math.floor(bytes.length / 2)), RecognitionErrorCode.CORRUPT_IMAGE);
    await expectCode(bytes.subarray(0, 200), RecognitionErrorCode.CORRUPT_IMAGE);
    const garbled = Buffer.from(bytes);
    for (let i = 600; i < garbled.length; i += 7) garbled[i] = 0xff;
    await expectCode(garbled, RecognitionErrorCode.CORRUPT_IMAGE);
  });

  it('rejects huge dimensions before decoding and honours configured limits', async () => {
    const e = await expectCode(pngClaiming(100_000, 100_000), RecognitionErrorCode.IMAGE_TOO_LARGE);
    expect(e.details.maxPixels).toBe(40_000_000);
    expect((await decodeImage(pngClaiming(40, 40), limits).catch((error: unknown) => error)) instanceof RecognitionError).toBe(true);
    const big = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#777' } }).png({ compressionLevel: 9 }).toBuffer();
    await expectCode(big, RecognitionErrorCode.IMAGE_TOO_LARGE);
    const small = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#888' } }).png().toBuffer();
    await expectCode(small, RecognitionErrorCode.IMAGE_TOO_LARGE, { ...limits, maxPixels: 10_000 });
    await expectCode(small, RecognitionErrorCode.IMAGE_TOO_LARGE, { ...limits, maxBytes: 100 });
  });

  it('rejects images under 32 px as IMAGE_TOO_SMALL', async () => {
    const tiny = await sharp({ create: { width: 31, height: 100, channels: 3, background: '#888' } }).png().toBuffer();
    await expectCode(tiny, RecognitionErrorCode.IMAGE_TOO_SMALL);
  });
});
