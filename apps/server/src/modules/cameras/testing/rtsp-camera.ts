// A network camera for tests, with no network beyond 127.0.0.1: a small RTSP server (RFC 2326 over
// TCP, RTP interleaved on the RTSP connection, as the reader asks with -rtsp_transport tcp) fed by
// an ffmpeg that plays a video in a loop as H.264 and publishes it to the server (ANNOUNCE + RECORD,
// ffmpeg's rtsp muxer). ffmpeg cannot serve RTSP to a player itself (its `-rtsp_flags listen` only
// receives a publish), so the server relays: the publisher's SDP answers DESCRIBE and its RTP
// packets go to every client that has sent PLAY. kill() drops every connection and the publisher,
// like a camera losing power; start() again brings it back on the same port. With `tls` it also
// serves players rtsps:// on a second port.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import tls from 'node:tls';

interface RtspRequest {
  method: string;
  url: string;
  headers: Map<string, string>;
  body: Buffer;
}

/** Reads RTSP requests and '$'-framed interleaved packets off one connection. */
class RtspConnection {
  private buffer = Buffer.alloc(0);

  constructor(
    readonly socket: net.Socket,
    private readonly onRequest: (request: RtspRequest) => void,
    private readonly onPacket: (channel: number, packet: Buffer) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.push(chunk));
    socket.on('error', () => undefined);
  }

  private push(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length === 0) return;
      if (this.buffer[0] === 0x24) {
        if (this.buffer.length < 4) return;
        const length = this.buffer.readUInt16BE(2);
        if (this.buffer.length < 4 + length) return;
        this.onPacket(this.buffer[1]!, this.buffer.subarray(4, 4 + length));
        this.buffer = this.buffer.subarray(4 + length);
        continue;
      }
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [requestLine = '', ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
      const headers = new Map<string, string>();
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      const bodyLength = Number(headers.get('content-length') ?? 0);
      if (this.buffer.length < end + 4 + bodyLength) return;
      const [method = '', url = ''] = requestLine.split(' ');
      const body = this.buffer.subarray(end + 4, end + 4 + bodyLength);
      this.buffer = this.buffer.subarray(end + 4 + bodyLength);
      this.onRequest({ method, url, headers, body });
    }
  }

  reply(request: RtspRequest, status: string, headers: Record<string, string> = {}, body = ''): void {
    const lines = [
      `RTSP/1.0 ${status}`,
      `CSeq: ${request.headers.get('cseq') ?? '0'}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  }
}

/**
 * An RTSP camera on 127.0.0.1:`port` whose stream, rtsp://127.0.0.1:`port`/`path`, plays `video` in
 * a loop (H.264, a keyframe every second). `credentials` ("user:password"): every request must carry
 * them as Basic authorization, else 401.
 */
export class RtspTestCamera {
  private server: net.Server | null = null;
  private tlsServer: tls.Server | null = null;
  private publisher: ChildProcess | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly players = new Set<RtspConnection>();
  private sdp: string | null = null;
  /** Every request method the camera was sent by a player, in order (OPTIONS, DESCRIBE, ...). */
  readonly requests: string[] = [];

  constructor(
    private readonly options: {
      port: number;
      video: string;
      path?: string;
      fps?: number;
      credentials?: string;
      ffmpegPath?: string;
      /** Also serve players rtsps:// (RTSP over TLS) on this port with this key and certificate. */
      tls?: { port: number; key: Buffer; cert: Buffer };
    },
  ) {}

  url(credentials = ''): string {
    return `rtsp://${credentials ? `${credentials}@` : ''}127.0.0.1:${this.options.port}/${this.options.path ?? 'stream1'}`;
  }

  /** The stream over TLS (with the tls option). */
  secureUrl(credentials = ''): string {
    return `rtsps://${credentials ? `${credentials}@` : ''}127.0.0.1:${this.options.tls?.port ?? 0}/${this.options.path ?? 'stream1'}`;
  }

  /** Listens, starts the publisher, and resolves once its stream is announced (players can PLAY). */
  async start(): Promise<void> {
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    if (this.options.tls) {
      const { port, key, cert } = this.options.tls;
      const tlsServer = tls.createServer({ key, cert }, (socket) => this.accept(socket));
      await new Promise<void>((resolve, reject) => {
        tlsServer.once('error', reject);
        tlsServer.listen(port, '127.0.0.1', () => resolve());
      });
      this.tlsServer = tlsServer;
    }
    const { fps = 10, ffmpegPath = 'ffmpeg' } = this.options;
    // The publisher connects from inside, so it passes without credentials (marked by its user agent).
    const publisher = spawn(
      ffmpegPath,
      [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-re',
        '-stream_loop',
        '-1',
        '-i',
        this.options.video,
        '-an',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-tune',
        'zerolatency',
        '-pix_fmt',
        'yuv420p',
        '-r',
        String(fps),
        '-g',
        String(fps),
        '-user_agent',
        'faceledger-test-publisher',
        '-f',
        'rtsp',
        '-rtsp_transport',
        'tcp',
        this.url(),
      ],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    this.publisher = publisher;
    const until = Date.now() + 20_000;
    while (this.sdp === null) {
      if (Date.now() > until || publisher.exitCode !== null)
        throw new Error("the RTSP test camera's publisher did not announce its stream");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Drops every connection, ends the publisher and stops listening. */
  async kill(): Promise<void> {
    const publisher = this.publisher;
    this.publisher = null;
    if (publisher && publisher.exitCode === null) {
      const exited = new Promise((resolve) => publisher.once('close', resolve));
      publisher.kill('SIGKILL');
      await exited;
    }
    for (const socket of this.sockets) socket.destroy();
    this.players.clear();
    this.sdp = null;
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
    const tlsServer = this.tlsServer;
    this.tlsServer = null;
    if (tlsServer) await new Promise((resolve) => tlsServer.close(resolve));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.players.delete(connection);
    });
    const session = String(Math.floor(Math.random() * 1e8));
    const connection: RtspConnection = new RtspConnection(
      socket,
      (request) => this.handle(connection, request, session),
      (channel, packet) => {
        // Only the publisher's packets are relayed; a player's RTCP receiver reports are dropped.
        if (this.isPublisher.has(connection)) this.relay(channel, packet);
      },
    );
  }

  private readonly isPublisher = new WeakSet<RtspConnection>();

  private relay(channel: number, packet: Buffer): void {
    const header = Buffer.from([0x24, channel, packet.length >> 8, packet.length & 0xff]);
    for (const player of this.players) player.socket.write(Buffer.concat([header, packet]));
  }

  private handle(connection: RtspConnection, request: RtspRequest, session: string): void {
    const fromPublisher = request.headers.get('user-agent') === 'faceledger-test-publisher';
    if (!fromPublisher) this.requests.push(request.method);
    const { credentials } = this.options;
    if (
      !fromPublisher &&
      credentials &&
      request.headers.get('authorization') !== `Basic ${Buffer.from(credentials).toString('base64')}`
    ) {
      connection.reply(request, '401 Unauthorized', { 'WWW-Authenticate': 'Basic realm="camera"' });
      return;
    }
    switch (request.method) {
      case 'OPTIONS':
        connection.reply(request, '200 OK', {
          Public: 'OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, TEARDOWN, GET_PARAMETER',
        });
        return;
      case 'ANNOUNCE':
        this.isPublisher.add(connection);
        this.sdp = request.body.toString('latin1');
        connection.reply(request, '200 OK');
        return;
      case 'DESCRIBE':
        if (this.sdp === null) {
          connection.reply(request, '404 Stream Not Found');
          return;
        }
        connection.reply(
          request,
          '200 OK',
          { 'Content-Base': `${request.url}/`, 'Content-Type': 'application/sdp' },
          this.sdp,
        );
        return;
      case 'SETUP': {
        const transport = request.headers.get('transport') ?? '';
        if (!/RTP\/AVP\/TCP/i.test(transport)) {
          connection.reply(request, '461 Unsupported Transport');
          return;
        }
        connection.reply(request, '200 OK', { Transport: transport, Session: session });
        return;
      }
      case 'PLAY':
        this.players.add(connection);
        connection.reply(request, '200 OK', { Session: session, Range: 'npt=0.000-' });
        return;
      case 'RECORD':
      case 'GET_PARAMETER':
        connection.reply(request, '200 OK', { Session: session });
        return;
      case 'TEARDOWN':
        this.players.delete(connection);
        connection.reply(request, '200 OK', { Session: session });
        return;
      default:
        connection.reply(request, '405 Method Not Allowed');
    }
  }
}
