import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe } from 'vitest';
import { FileImageStore } from './file-image-store.js';
import { itBehavesLikeAnImageStore } from '../../../test/image-store-contract.js';

describe('FileImageStore', () => {
  let dir: string;
  let store: FileImageStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faceledger-images-'));
    store = new FileImageStore(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  itBehavesLikeAnImageStore(() => store);
});
