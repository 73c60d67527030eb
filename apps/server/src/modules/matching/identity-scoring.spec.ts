import { rankIdentities } from '@faceledger/recognition/identify';
import { describe, expect, it } from 'vitest';
import { rankByBestFace } from './matching.service.js';

describe('identify scoring', () => {
  it('is the rule of @faceledger/recognition that `faceledger eval identify` measures, not a copy', () => {
    expect(rankByBestFace).toBe(rankIdentities);
  });
});
