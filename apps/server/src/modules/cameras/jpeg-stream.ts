// Splits ffmpeg's `-f image2pipe -vcodec mjpeg` output into JPEG images: each starts with the SOI
// marker FF D8 and ends with EOI FF D9. Inside the entropy-coded data a 0xFF byte is always followed
// by 0x00 or a restart marker (D0-D7), and ffmpeg's encoder writes no embedded thumbnail, so the first
// FF D9 after an SOI ends the image. The size is read from the image's start-of-frame header.

const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);

/** Largest image kept while waiting for its end (a stream that never ends one is cut off). */
const MAX_IMAGE_BYTES = 32 * 1024 * 1024;

/** Collects chunks and hands out whole JPEG images. */
export class JpegStreamSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Adds a chunk of the stream and returns the images it completed, in order. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    let data = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.buffered);
    const images: Buffer[] = [];
    for (;;) {
      const start = data.indexOf(SOI);
      if (start < 0) {
        // Keep a trailing 0xFF: it may be the first half of the next SOI.
        data = data.length > 0 && data[data.length - 1] === 0xff ? data.subarray(data.length - 1) : Buffer.alloc(0);
        break;
      }
      const end = data.indexOf(EOI, start + 2);
      if (end < 0) {
        data = data.subarray(start);
        if (data.length > MAX_IMAGE_BYTES) data = Buffer.alloc(0);
        break;
      }
      images.push(Buffer.from(data.subarray(start, end + 2)));
      data = data.subarray(end + 2);
    }
    this.chunks = data.length > 0 ? [data] : [];
    this.buffered = data.length;
    return images;
  }
}

/** Width and height from a JPEG's start-of-frame header (SOF0-SOF15 but DHT, JPG and DAC); null when there is none. */
export function jpegSize(jpeg: Buffer): { width: number; height: number } | null {
  let offset = 2;
  while (offset + 4 <= jpeg.length) {
    if (jpeg[offset] !== 0xff) return null;
    const marker = jpeg[offset + 1] ?? 0;
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    const length = jpeg.readUInt16BE(offset + 2);
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame) {
      if (offset + 9 > jpeg.length) return null;
      return { height: jpeg.readUInt16BE(offset + 5), width: jpeg.readUInt16BE(offset + 7) };
    }
    if (marker === 0xda) return null;
    offset += 2 + length;
  }
  return null;
}
