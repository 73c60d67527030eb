// Multipart uploads of the REST routes. A route first checks its caller (requireCaller) from the
// headers alone, then receiveMultipart streams the body (busboy) to a temporary folder of the
// request: the Content-Length is checked against the route's limit before a byte is read, the bytes
// are counted as they arrive, and each file is limited while it is written. A refused request is
// answered at once with `Connection: close`: its body is never read (O(1) memory, no transfer).
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import busboy from 'busboy';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Actor } from '../modules/auth/actor.js';
import { actorOf } from '../modules/auth/request-actor.js';
import { AppError, ErrorCode } from './app-error.js';

/** A file field a route accepts: how many files, and how large each may be. */
export interface FileFieldSpec {
  name: string;
  maxCount: number;
  maxBytes: number;
}

/** What a multipart route accepts. */
export interface MultipartSpec {
  files: readonly FileFieldSpec[];
  /** Text fields the route reads; others are ignored. */
  textFields: readonly string[];
  /** Bytes of the whole request body (files, fields and multipart framing). */
  maxRequestBytes: number;
}

/** A received file, written to the request's temporary folder. */
export interface ReceivedFile {
  field: string;
  /** The file name the client gave (may be empty). */
  name: string;
  /** Where its bytes are; deleted when the request ends. */
  path: string;
  size: number;
}

/** The received form of a request; its files exist until the response is sent. */
export interface ReceivedForm {
  /** A folder of the request's for derived files (unpacked zips), deleted with it. */
  readonly workDir: string;
  files(field: string): ReceivedFile[];
  /** A text field, trimmed; empty when absent. */
  text(field: string): string;
  /** The bytes of a received file (for files small enough to hold: check its size first). */
  read(file: ReceivedFile): Promise<Buffer>;
}

const TEXT_FIELD_BYTES = 64 * 1024;
const MAX_TEXT_FIELDS = 20;

/** `n` bytes in MB for messages (at least one decimal when that matters). */
export function megabytes(bytes: number): string {
  const mb = bytes / 1024 / 1024;
  return Number.isInteger(mb) ? String(mb) : mb.toFixed(1);
}

/**
 * Runs `check(actor)` (authorize, throwing UNAUTHENTICATED or FORBIDDEN) before anything reads the
 * body; a refusal is answered at once and the connection closed (see closeUnreadRequests).
 */
export function requireCaller(check: (actor: Actor) => void): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    try {
      check(actorOf(res));
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** After refusing a request mid-body: how long, and how many more bytes, to read and drop before closing. */
const LINGER_MS = 2_000;
const LINGER_BYTES = 8 * 1024 * 1024;

/**
 * Answers a request whose body is not read to its end with `Connection: close`, and closes the
 * connection after the answer without reading the rest of the body. Like a web server's lingering
 * close, it first half-closes and drops what the client still sends, for at most LINGER_MS and
 * LINGER_BYTES: closing with unread bytes would reset the connection, and a client still sending
 * might then lose the answer.
 */
export function closeAfterAnswer(req: Request, res: Response): void {
  if (req.complete || res.headersSent || res.getHeader('connection') === 'close') return;
  res.setHeader('connection', 'close');
  req.unpipe();
  req.pause();
  const socket = req.socket as Request['socket'] & { destroySoon?: () => void };
  // Node ends a `Connection: close` answer with socket.destroySoon(), which resets a connection
  // that still has unread bytes; end it gracefully instead and linger.
  socket.destroySoon = () => socket.end();
  res.once('finish', () => {
    let dropped = 0;
    const close = (): void => void socket.destroy();
    const timer = setTimeout(close, LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    req.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > LINGER_BYTES) close();
    });
    req.resume();
  });
}

/** Error middleware of the REST router: an error answered before the body was read closes the connection (closeAfterAnswer). */
export function closeUnreadRequests(error: unknown, req: Request, res: Response, next: NextFunction): void {
  closeAfterAnswer(req, res);
  next(error);
}

function tooLarge(message: string, details: Record<string, unknown>): AppError {
  return new AppError(ErrorCode.PAYLOAD_TOO_LARGE, message, details);
}

/**
 * busboy's own errors (a malformed or truncated multipart body, a client that hung up) as BAD_INPUT
 * naming the fields the route expects.
 */
export function unreadableMultipart(error: unknown, fields: readonly string[]): AppError {
  if (error instanceof AppError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new AppError(
    ErrorCode.BAD_INPUT,
    `The multipart body could not be read (${reason}); send multipart/form-data with the fields ${fields.join(', ')}.`,
  );
}

/** Counts the body's bytes and fails at the first byte past `max`. */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(
    private readonly max: number,
    private readonly onExceeded: () => AppError,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) callback(this.onExceeded());
    else callback(null, chunk);
  }
}

/**
 * Receives a multipart body into a temporary folder within `spec`'s limits and puts the form where
 * formOf(res) finds it. PAYLOAD_TOO_LARGE names the limit that was passed; BAD_INPUT for a body
 * that is not multipart, a file field the route does not take, or a malformed body.
 */
export function receiveMultipart(spec: MultipartSpec): RequestHandler {
  const fieldNames = [...spec.files.map((f) => f.name), ...spec.textFields];
  const requestLimit = (): AppError =>
    tooLarge(
      `The request is larger than ${megabytes(spec.maxRequestBytes)} MB, the limit of this route; split the upload.`,
      { limitBytes: spec.maxRequestBytes },
    );
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) {
      next(
        new AppError(
          ErrorCode.BAD_INPUT,
          `Send multipart/form-data with the fields ${fieldNames.join(', ')}.`,
        ),
      );
      return;
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > spec.maxRequestBytes) {
      next(requestLimit());
      return;
    }
    void receive(req, res, spec, requestLimit, fieldNames).then(
      (form) => {
        res.locals.form = form;
        next();
      },
      (error: unknown) => next(unreadableMultipart(error, fieldNames)),
    );
  };
}

async function receive(
  req: Request,
  res: Response,
  spec: MultipartSpec,
  requestLimit: () => AppError,
  fieldNames: readonly string[],
): Promise<ReceivedForm> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'faceledger-upload-'));
  const dispose = (): void => void rm(workDir, { recursive: true, force: true });
  res.once('close', dispose);
  const files = new Map<string, ReceivedFile[]>();
  const texts = new Map<string, string>();
  const form: ReceivedForm = {
    workDir,
    files: (field) => files.get(field) ?? [],
    text: (field) => texts.get(field)?.trim() ?? '',
    read: (file) => readFile(file.path),
  };
  const totalFiles = spec.files.reduce((sum, f) => sum + f.maxCount, 0);
  const parser = busboy({
    headers: req.headers,
    limits: {
      fieldSize: TEXT_FIELD_BYTES,
      fields: MAX_TEXT_FIELDS,
      // One more than the route takes, so that the file past the limit is seen and named.
      files: totalFiles + 1,
      fileSize: Math.max(...spec.files.map((f) => f.maxBytes)) + 1,
    },
  });
  const limit = new ByteLimit(spec.maxRequestBytes, requestLimit);
  return new Promise<ReceivedForm>((resolve, reject) => {
    let failed = false;
    let parsed = false;
    let writing = 0;
    let fileCount = 0;
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      req.unpipe(limit);
      limit.unpipe(parser);
      closeAfterAnswer(req, res);
      reject(error instanceof AppError ? error : unreadableMultipart(error, fieldNames));
    };
    const settle = (): void => {
      if (!failed && parsed && writing === 0) resolve(form);
    };
    parser.on('file', (name, stream, info) => {
      const field = spec.files.find((f) => f.name === name);
      if (!field) {
        stream.resume();
        fail(
          new AppError(
            ErrorCode.BAD_INPUT,
            `Unexpected file field "${name}"; send files only in the field${spec.files.length > 1 ? 's' : ''} ${spec.files.map((f) => `"${f.name}"`).join(', ')}.`,
            { field: name },
          ),
        );
        return;
      }
      const received = files.get(name) ?? [];
      if (received.length >= field.maxCount) {
        stream.resume();
        fail(
          field.maxCount === 1
            ? new AppError(ErrorCode.BAD_INPUT, `Send one file in the field "${name}", not more.`, {
                field: name,
              })
            : tooLarge(
                `More than ${field.maxCount} files were sent in "${name}", the limit; put them in a zip or split the upload.`,
                { field: name, limitFiles: field.maxCount },
              ),
        );
        return;
      }
      const file: ReceivedFile = {
        field: name,
        name: info.filename ?? '',
        path: path.join(workDir, String(fileCount++)),
        size: 0,
      };
      received.push(file);
      files.set(name, received);
      writing++;
      const out = createWriteStream(file.path);
      stream.on('data', (chunk: Buffer) => {
        file.size += chunk.length;
        if (file.size > field.maxBytes) {
          stream.unpipe(out);
          stream.resume();
          out.destroy();
          fail(
            tooLarge(
              `A file in "${name}" is larger than ${megabytes(field.maxBytes)} MB, the limit per file; send a smaller one.`,
              { field: name, limitBytes: field.maxBytes },
            ),
          );
        }
      });
      stream.on('error', fail);
      out.on('error', fail);
      out.on('close', () => {
        writing--;
        settle();
      });
      stream.pipe(out);
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) {
        fail(
          new AppError(
            ErrorCode.BAD_INPUT,
            `The form field "${name}" is longer than ${TEXT_FIELD_BYTES / 1024} KB; send a shorter value.`,
            { field: name },
          ),
        );
        return;
      }
      if (spec.textFields.includes(name)) texts.set(name, value);
    });
    parser.on('filesLimit', () =>
      fail(
        tooLarge(`More than ${totalFiles} files were sent; split the upload.`, { limitFiles: totalFiles }),
      ),
    );
    parser.on('fieldsLimit', () =>
      fail(
        new AppError(
          ErrorCode.BAD_INPUT,
          `More than ${MAX_TEXT_FIELDS} form fields were sent; send ${fieldNames.join(', ')}.`,
        ),
      ),
    );
    parser.on('error', fail);
    parser.on('close', () => {
      parsed = true;
      settle();
    });
    limit.on('error', fail);
    req.on('aborted', () => fail(new Error('the client closed the connection')));
    req.on('error', fail);
    req.pipe(limit).pipe(parser);
  });
}

/** The first file of `field`; BAD_INPUT with `message` (what to send where) when none came. */
export function requiredFile(form: ReceivedForm, field: string, message: string): ReceivedFile {
  const [file] = form.files(field);
  if (!file) throw new AppError(ErrorCode.BAD_INPUT, message, { field });
  return file;
}

/** A text field that must not be empty; BAD_INPUT with `message` when it is. */
export function requiredText(form: ReceivedForm, field: string, message: string): string {
  const value = form.text(field);
  if (!value) throw new AppError(ErrorCode.BAD_INPUT, message, { field });
  return value;
}

/** The form receiveMultipart put in the response's locals. */
export function formOf(res: Response): ReceivedForm {
  const form = res.locals.form as ReceivedForm | undefined;
  if (!form) throw new Error('receiveMultipart did not run before this handler');
  return form;
}
