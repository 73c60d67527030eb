// What ffmpeg says about a source names its URL; a password in it is masked before the text becomes
// a camera's reason (shown by the API, logged), whatever the password holds.
import { describe, expect, it } from 'vitest';
import { maskSource, maskUrlCredentials, parseCameraSource } from './camera-source.js';

describe('maskUrlCredentials', () => {
  it('masks the password of every URL in a text and leaves the rest as ffmpeg wrote it', () => {
    expect(
      maskUrlCredentials('rtsp://viewer:s3cret@10.1.2.30:554/stream1: Server returned 404 Not Found'),
    ).toBe('rtsp://viewer:***@10.1.2.30:554/stream1: Server returned 404 Not Found');
    expect(maskUrlCredentials('[http @ 0x1] http://a:x@h/1.ts and https://b:y@h/2.ts failed')).toBe(
      '[http @ 0x1] http://a:***@h/1.ts and https://b:***@h/2.ts failed',
    );
    // A password with a raw ":" or "@" (the URL parser accepts both) is masked whole.
    expect(maskUrlCredentials('rtsp://admin:p@ss:w@rd@cam.local/live: Connection refused')).toBe(
      'rtsp://admin:***@cam.local/live: Connection refused',
    );
    expect(maskUrlCredentials('rtsp://admin:p%40ss@cam.local/live')).toBe('rtsp://admin:***@cam.local/live');
    // No password, a port, an email address, a log prefix: nothing to mask.
    for (const text of [
      'rtsp://10.1.2.30:554/stream1: Connection refused',
      'http://viewer@cam.local/video.mjpg',
      'ops@example.org: [tcp @ 0x55] failed',
    ]) {
      expect(maskUrlCredentials(text)).toBe(text);
    }
  });

  it('hides what maskSource hides for every URL the parser accepts with a password', () => {
    for (const url of [
      'rtsp://viewer:s3cret@cam.local:554/s',
      'https://u:pa:ss@cam.local/live.m3u8',
      'rtsps://u:p@ss@cam.local/s',
    ]) {
      const source = parseCameraSource(url);
      expect(maskUrlCredentials(`${source.input}: Server returned 401 Unauthorized`)).not.toMatch(
        /s3cret|pa:ss|p@ss/,
      );
      expect(maskSource(url)).not.toMatch(/s3cret|pa:ss|p@ss/);
    }
  });
});
