// The splitter gets ffmpeg's JPEG stream in chunks cut anywhere (even between the two bytes of a
// marker) and must hand back each image whole, in order; the size comes from the frame header.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { lfwImage } from '../../../test/test-data.js';
import { JpegStreamSplitter, jpegSize } from './jpeg-stream.js';

describe('JpegStreamSplitter', () => {
  it('returns each JPEG of a stream whole, however the stream is cut', async () => {
    const images = await Promise.all([lfwImage('Aaron_Sorkin', 1), lfwImage('AJ_Cook', 1), lfwImage('Abba_Eban', 1)].map((f) => readFile(f)));
    const stream = Buffer.concat(images);
    for (const chunkSize of [1, 2, 7, 4096, stream.length]) {
      const splitter = new JpegStreamSplitter();
      const out: Buffer[] = [];
      for (let i = 0; i < stream.length; i += chunkSize) out.push(...splitter.push(stream.subarray(i, i + chunkSize)));
      expect(out.length, `chunks of ${chunkSize}`).toBe(3);
      out.forEach((image, i) => expect(image.equals(images[i]!)).toBe(true));
    }
  });

  it('skips bytes before an image and reads its size from the frame header', async () => {
    const image = await readFile(lfwImage('AJ_Cook', 1));
    const [only] = new JpegStreamSplitter().push(Buffer.concat([Buffer.from('noise'), image]));
    expect(only?.equals(image)).toBe(true);
    expect(jpegSize(image)).toEqual({ width: 250, height: 250 });
    expect(jpegSize(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toBeNull();
  });
});
