// dlib's binary serialization (dlib/serialize.h), the subset its model files use: variable-length
// integers, floats as mantissa and exponent, strings, column vectors, and the DNN tensors
// (dlib/dnn/tensor.h: a version, four dimensions, then raw little-endian float32 values).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { RecognitionError, RecognitionErrorCode } from '../errors.js';

/** Reads a vendored dlib model file and checks its SHA-256; MODEL_UNAVAILABLE when missing or altered. */
export async function readVerifiedDlibFile(file: string, sha256: string, what: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new RecognitionError(RecognitionErrorCode.MODEL_UNAVAILABLE, `${what} is missing at ${file}; reinstall the package (npm install at the repository root).`, { file }, { cause: error });
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256)
    throw new RecognitionError(RecognitionErrorCode.MODEL_UNAVAILABLE, `${what} at ${file} has sha256 ${actual}, expected ${sha256}: the file was altered; restore it from the repository.`, { file });
  return bytes;
}

/** Sequential reader over a dlib stream; every method throws on a malformed or truncated stream. */
export class DlibReader {
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  /** dlib's integer coding: a length byte (0x80 = negative) then that many little-endian bytes. */
  int(): number {
    const head = this.byte();
    const size = head & 0x0f;
    if (size > 8) throw new Error(`dlib stream: integer of ${size} bytes at ${this.offset - 1}`);
    let value = 0;
    for (let i = 0; i < size; i++) value += this.byte() * 2 ** (8 * i);
    return head & 0x80 ? -value : value;
  }

  /** dlib's float coding: an integer mantissa and an integer exponent (value = m * 2^e). */
  float(): number {
    const mantissa = this.int();
    const exponent = this.int();
    return mantissa * 2 ** exponent;
  }

  /** A std::string: its length, then its bytes. */
  string(): string {
    const length = this.int();
    const end = this.offset + length;
    if (length < 0 || end > this.bytes.length) throw new Error(`dlib stream: string of ${length} bytes at ${this.offset}`);
    const text = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.offset, length).toString('latin1');
    this.offset = end;
    return text;
  }

  /** A bool, written as the character '1' or '0'. */
  bool(): boolean {
    const b = this.byte();
    if (b !== 0x31 && b !== 0x30) throw new Error(`dlib stream: expected a bool at ${this.offset - 1}`);
    return b === 0x31;
  }

  /** A string that must equal `expected` (dlib's version tags). */
  expect(expected: string): void {
    const at = this.offset;
    const got = this.string();
    if (got !== expected) throw new Error(`dlib stream: expected '${expected}' at ${at}, found '${got}'`);
  }

  floatColumn(): Float32Array {
    const rows = -this.int();
    const cols = -this.int();
    if (rows < 0 || cols !== 1) throw new Error(`dlib stream: expected a column vector, got ${rows}x${cols}`);
    const out = new Float32Array(rows);
    for (let i = 0; i < rows; i++) out[i] = this.float();
    return out;
  }

  /** A DNN tensor (version 2): dimensions n, k, nr, nc and the values in that order. */
  tensor(): { shape: [number, number, number, number]; values: Float32Array } {
    const version = this.int();
    if (version !== 2) throw new Error(`dlib stream: tensor version ${version}`);
    const shape: [number, number, number, number] = [this.int(), this.int(), this.int(), this.int()];
    const count = shape[0] * shape[1] * shape[2] * shape[3];
    const end = this.offset + 4 * count;
    if (count < 0 || end > this.bytes.length) throw new Error(`dlib stream: tensor of ${count} values at ${this.offset}`);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.offset, 4 * count);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(4 * i, true);
    this.offset = end;
    return { shape, values };
  }

  /** An alias_tensor (version 1): its dimensions only, the values live in the layer's params. */
  aliasShape(): [number, number, number, number] {
    const version = this.int();
    if (version !== 1) throw new Error(`dlib stream: alias_tensor version ${version}`);
    return [this.int(), this.int(), this.int(), this.int()];
  }

  /** The next byte without consuming it (undefined at the end). */
  peek(at = 0): number | undefined {
    return this.bytes[this.offset + at];
  }

  done(): boolean {
    return this.offset === this.bytes.length;
  }

  private byte(): number {
    const b = this.bytes[this.offset++];
    if (b === undefined) throw new Error('dlib stream: unexpected end of file');
    return b;
  }
}
