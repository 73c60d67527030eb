// What a camera's source may be, and how ffmpeg is asked to read it: rtsp:// or rtsps:// (a network
// camera), http(s):// (an MJPEG stream, an HLS playlist or a video file served over HTTP), or an
// absolute file path replayed at its own speed. Credentials in a URL are kept for ffmpeg and masked
// wherever the URL is shown (API answers, audit entries, logs). An http(s) URL is taken for a file or
// playlist by its extension; one without (/live?camera=lobby, /download?id=7) is told apart by
// the Content-Type its server answers (detectHttpTiming) before ffmpeg is started.
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

export type CameraSourceKind = 'rtsp' | 'http' | 'file';

/** A source the reader can open. */
export interface CameraSource {
  kind: CameraSourceKind;
  /** What ffmpeg gets after -i (the URL as given, or the resolved path). */
  input: string;
  /**
   * Read at the source's own frame rate (-re): files and video files or HLS over HTTP, which ffmpeg
   * would otherwise read as fast as it can. Known here by the extension; for an http URL without one
   * the reader asks its server (detectHttpTiming).
   */
  realtime: boolean;
}

/** Why a source was refused; the message says what to give instead. */
export class CameraSourceError extends Error {}

/** Longest source accepted. */
export const MAX_SOURCE_LENGTH = 2000;

/** Paths (of an http URL) that are files or playlists rather than a live MJPEG stream. */
const TIMED_MEDIA = /\.(mp4|m4v|mkv|webm|mov|avi|ts|m3u8|mpd)$/i;

const EXAMPLES = 'rtsp://camera.local:554/stream, https://camera.local/video.mjpg, https://example.org/live.m3u8 or /srv/videos/entrance.mp4';

/** Parses and checks a source given by an admin; throws CameraSourceError saying what is wrong. */
export function parseCameraSource(raw: string): CameraSource {
  const value = raw.trim();
  if (value === '') throw new CameraSourceError(`sourceUrl is empty; give a camera URL or file path such as ${EXAMPLES}.`);
  if (value.length > MAX_SOURCE_LENGTH) throw new CameraSourceError(`sourceUrl must be at most ${MAX_SOURCE_LENGTH} characters.`);
  if (value.startsWith('/')) {
    if (path.posix.normalize(value) !== value) {
      throw new CameraSourceError('sourceUrl: a file path must be absolute and plain (no "..", "." or doubled slashes), such as /srv/videos/entrance.mp4.');
    }
    return { kind: 'file', input: value, realtime: true };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CameraSourceError(`sourceUrl must be an rtsp://, rtsps://, http:// or https:// URL or an absolute file path, such as ${EXAMPLES}.`);
  }
  switch (url.protocol) {
    case 'rtsp:':
    case 'rtsps:':
      if (!url.hostname) throw new CameraSourceError('sourceUrl: an rtsp:// URL needs a host, such as rtsp://camera.local:554/stream.');
      return { kind: 'rtsp', input: value, realtime: false };
    case 'http:':
    case 'https:':
      return { kind: 'http', input: value, realtime: TIMED_MEDIA.test(url.pathname) };
    case 'file:':
      return parseCameraSource(decodeURIComponent(url.pathname));
    default:
      throw new CameraSourceError(
        `sourceUrl scheme ${url.protocol.slice(0, 20)}// is not supported; use rtsp://, rtsps://, http:// or https:// (MJPEG or HLS), or an absolute file path, such as ${EXAMPLES}.`,
      );
  }
}

/**
 * A URL's user:password@ in any scheme: the user (no ":"), then everything up to the authority's
 * last "@" (a password given with a raw "@" or ":" is still all of it).
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*):[^\s/?#]*@/gi;

/**
 * Text that may name the source (what ffmpeg said about it: "rtsp://viewer:secret@host/...: Server
 * returned 404") with every URL's password as "***", so a camera's reason can be shown and logged.
 */
export function maskUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1:***@');
}

/** Content types of timed media: an HLS or DASH playlist, or a video file other than a live MJPEG stream. */
const TIMED_CONTENT_TYPE = /^\s*(application\/(vnd\.apple\.mpegurl|x-mpegurl|dash\+xml|mp4)|audio\/(x-)?mpegurl|video\/(?!(x-)?(motion-jpeg|mjpeg|mjpg)\b))/i;

/** Redirects followed while asking an http source what it serves (ffmpeg follows them too). */
const MAX_REDIRECTS = 3;

/**
 * Whether an http(s) source serves timed media (HLS, DASH, a video file: read at its own speed with
 * -re), a live stream (multipart/x-mixed-replace and anything else: stamped with arrival times), or
 * could not be asked (null: refused, timed out, an error status; ffmpeg then says why). Asks with a
 * GET that is dropped once the headers are in, following a few redirects. The answer says what kind
 * of stream it is, not whether to trust the server: a certificate is not checked here (ffmpeg does
 * not check it either).
 */
export function detectHttpTiming(url: string, timeoutMs = 5000, redirects = 0): Promise<'timed' | 'live' | null> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: 'timed' | 'live' | null | Promise<'timed' | 'live' | null>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(answer);
    };
    const onResponse = (response: http.IncomingMessage): void => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      response.destroy();
      if (status >= 300 && status < 400 && location && redirects < MAX_REDIRECTS) {
        finish(detectHttpTiming(new URL(location, url).toString(), timeoutMs, redirects + 1));
      } else if (status >= 200 && status < 300) {
        finish(TIMED_CONTENT_TYPE.test(response.headers['content-type'] ?? '') ? 'timed' : 'live');
      } else {
        finish(null);
      }
    };
    const headers = { accept: '*/*' };
    const request = url.startsWith('https:') ? https.get(url, { headers, rejectUnauthorized: false }, onResponse) : http.get(url, { headers }, onResponse);
    request.on('error', () => finish(null));
    const timer = setTimeout(() => finish(null), timeoutMs);
  });
}

/** The source as it may be shown: a password in the URL becomes "***". */
export function maskSource(source: string): string {
  if (source.startsWith('/')) return source;
  try {
    const url = new URL(source);
    if (!url.password) return source;
    url.password = '***';
    return url.toString();
  } catch {
    return source;
  }
}
