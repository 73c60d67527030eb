import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCommand } from './delegate.js';

async function executable(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '#!/bin/sh\n');
  await chmod(file, 0o755);
}

describe('findCommand', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'faceledger-delegate-'));
    await executable(path.join(root, 'project/node_modules/.bin/faceledger-server'));
    await mkdir(path.join(root, 'project/node_modules/@faceledger/recognition/dist/cli'), {
      recursive: true,
    });
    await executable(path.join(root, 'elsewhere/bin/faceledger-server'));
    await mkdir(path.join(root, 'other/deep'), { recursive: true });
    // On PATH but not executable: not a command.
    await mkdir(path.join(root, 'plain'));
    await writeFile(path.join(root, 'plain/faceledger-server'), '');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds the command in the nearest node_modules/.bin above, before PATH', () => {
    const from = path.join(root, 'project/node_modules/@faceledger/recognition/dist/cli');
    expect(findCommand('faceledger-server', from, path.join(root, 'elsewhere/bin'))).toBe(
      path.join(root, 'project/node_modules/.bin/faceledger-server'),
    );
  });

  it('falls back to PATH, skips files that are not executable, and answers null when nothing is found', () => {
    const from = path.join(root, 'other/deep');
    const searchPath = [path.join(root, 'plain'), path.join(root, 'elsewhere/bin')].join(path.delimiter);
    expect(findCommand('faceledger-server', from, searchPath)).toBe(
      path.join(root, 'elsewhere/bin/faceledger-server'),
    );
    expect(findCommand('faceledger-server', from, path.join(root, 'plain'))).toBeNull();
  });
});
