// What ffmpeg wrote to stderr becomes a camera's reason: the last few lines, each once, a URL's
// password masked and the memory address of ffmpeg's context dropped, so it can be shown, logged and
// compared between retries.
import { describe, expect, it } from 'vitest';
import { StderrTail } from './ffmpeg.js';

describe('StderrTail', () => {
  it('keeps the last lines once each, masked and without memory addresses, however the output is cut', () => {
    const said = [
      '[tcp @ 0x559bdfcf1e40] Connection to tcp://127.0.0.1:4795 failed: Connection refused',
      '[tcp @ 0x559bdfcfd340] Connection to tcp://127.0.0.1:4795 failed: Connection refused',
      '[rtsp @ 0x55a98ec7fa00] method DESCRIBE failed: 401 Unauthorized',
      'rtsp://viewer:s3cret@10.1.2.30:554/stream1: Server returned 401 Unauthorized (authorization failed)',
    ].join('\n');
    for (const size of [1, 7, said.length]) {
      const tail = new StderrTail();
      for (let i = 0; i < said.length; i += size) tail.push(Buffer.from(said.slice(i, i + size)));
      expect(tail.text(), `chunks of ${size}`).toBe(
        '[tcp] Connection to tcp://127.0.0.1:4795 failed: Connection refused | [rtsp] method DESCRIBE failed: 401 Unauthorized | rtsp://viewer:***@10.1.2.30:554/stream1: Server returned 401 Unauthorized (authorization failed)',
      );
    }
    expect(new StderrTail().text()).toBeNull();
  });

  it('masks a password before cutting a long line, so no part of it is left', () => {
    const tail = new StderrTail();
    tail.push(Buffer.from(`rtsp://viewer:${'x'.repeat(280)}s3cret@cam.local/stream1: Connection refused\n`));
    expect(tail.text()).toBe('rtsp://viewer:***@cam.local/stream1: Connection refused');
  });
});
