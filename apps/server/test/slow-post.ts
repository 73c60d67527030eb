// Sends a large multipart POST over a raw socket the way a slow client would: one chunk at a time,
// each only after the previous one left the process, and stops sending as soon as any answer
// arrives. What it reports (the status and how many body bytes had been sent by then) shows whether
// the server answered before reading the body, without timing anything.
import net from 'node:net';

/** What the server answered and how much of the body the client had sent when the answer came. */
export interface SlowPostResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Body bytes handed to the socket before the first byte of the answer arrived. */
  bytesSent: number;
  /** The Content-Length the request announced. */
  declaredBytes: number;
}

const CHUNK = 64 * 1024;

/**
 * POSTs `declaredBytes` of multipart body (one file in `field`, zeros) to `path` with `headers`.
 * `chunked` sends no Content-Length (Transfer-Encoding: chunked) instead.
 */
export function slowMultipartPost(
  baseUrl: string,
  path: string,
  options: {
    headers?: Record<string, string>;
    field?: string;
    declaredBytes: number;
    chunked?: boolean;
  },
): Promise<SlowPostResult> {
  const url = new URL(baseUrl);
  const boundary = 'slowpostboundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${options.field ?? 'archive'}"; filename="big.zip"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const declared = options.declaredBytes;
  const lines = [
    `POST ${path} HTTP/1.1`,
    `Host: ${url.host}`,
    `Content-Type: multipart/form-data; boundary=${boundary}`,
    options.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${declared}`,
    ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ];
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let sent = 0;
    let sentAtAnswer = -1;
    let answer = Buffer.alloc(0);
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      const text = answer.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) {
        settled = true;
        socket.destroy();
        reject(new Error(`no HTTP answer after ${sent} body bytes: ${JSON.stringify(text.slice(0, 200))}`));
        return;
      }
      const [statusLine = '', ...headerLines] = text.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? NaN);
      const body = answer.subarray(Buffer.byteLength(text.slice(0, split + 4), 'latin1'));
      if (Number.isFinite(length) && body.length < length && !socket.destroyed) return;
      settled = true;
      socket.destroy();
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: body.toString('utf8'),
        bytesSent: sentAtAnswer,
        declaredBytes: declared,
      });
    };
    const frame = (bytes: Buffer): Buffer =>
      options.chunked
        ? Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')])
        : bytes;
    const writeMore = (): void => {
      while (sentAtAnswer < 0 && sent < declared && !socket.destroyed) {
        const size = Math.min(CHUNK, declared - sent);
        const chunk = Buffer.alloc(size);
        if (sent === 0) head.copy(chunk, 0, 0, Math.min(head.length, size));
        sent += size;
        const more = socket.write(frame(chunk));
        if (sent >= declared && options.chunked) socket.write('0\r\n\r\n');
        if (!more) {
          socket.once('drain', writeMore);
          return;
        }
      }
    };
    socket.on('connect', () => {
      socket.write(lines.join('\r\n'));
      writeMore();
    });
    socket.on('data', (data: Buffer) => {
      if (sentAtAnswer < 0) sentAtAnswer = sent;
      answer = Buffer.concat([answer, data]);
      finish();
    });
    // The server may close the connection while the client still sends: that is expected.
    socket.on('error', () => finish());
    socket.on('close', () => finish());
  });
}
