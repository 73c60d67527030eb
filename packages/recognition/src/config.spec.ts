import { describe, expect, it } from 'vitest';
import { defaultConfig, resolveConfig } from './config.js';
import { RecognitionError, RecognitionErrorCode } from './errors.js';

describe('resolveConfig', () => {
  it('merges partial input onto defaults', () => {
    const c = resolveConfig({ runtime: { workers: 3 }, limits: { maxPixels: 1000 } });
    expect(c.runtime.workers).toBe(3);
    expect(c.runtime.backend).toBe('wasm');
    expect(c.limits.maxPixels).toBe(1000);
    expect(c.limits.maxBytes).toBe(20 * 1024 * 1024);
    expect(defaultConfig().limits.maxPixels).toBe(40_000_000);
    expect(c.attributes.enabled).toBe(false);
  });

  it('rejects unknown keys, wrong types and bad values, listing each', () => {
    let error: unknown;
    try {
      resolveConfig({ runtime: { workerz: 2, backend: 'gpu' }, limits: { maxBytes: '1' }, detector: { minConfidence: 2 } } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RecognitionError);
    const e = error as RecognitionError;
    expect(e.code).toBe(RecognitionErrorCode.INVALID_CONFIG);
    expect(e.details.errors).toHaveLength(4);
    expect(e.message).toContain("unknown key 'runtime.workerz'");
  });
});
