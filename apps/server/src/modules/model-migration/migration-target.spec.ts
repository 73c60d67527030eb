import { describe, expect, it } from 'vitest';
import { otherModelForNewFaces } from './migration-target.js';

describe('otherModelForNewFaces', () => {
  const migration = (status: 'RE_EMBEDDING' | 'SHADOW' | 'SWITCHED' | 'CANCELLED') => ({
    status,
    fromModelId: 'old',
    toModelId: 'new',
  });

  it('is the target while the migration re-embeds or shadows from the gallery model', () => {
    expect(otherModelForNewFaces(migration('RE_EMBEDDING'), 'old')).toBe('new');
    expect(otherModelForNewFaces(migration('SHADOW'), 'old')).toBe('new');
  });

  it('is the previous model in the rollback window of a switch to the gallery model', () => {
    expect(otherModelForNewFaces(migration('SWITCHED'), 'new')).toBe('old');
  });

  it('is none without a migration, once cancelled, or for a migration about other models', () => {
    expect(otherModelForNewFaces(null, 'old')).toBeNull();
    expect(otherModelForNewFaces(migration('CANCELLED'), 'old')).toBeNull();
    expect(otherModelForNewFaces(migration('CANCELLED'), 'new')).toBeNull();
    expect(otherModelForNewFaces(migration('SHADOW'), 'new')).toBeNull();
    expect(otherModelForNewFaces(migration('SWITCHED'), 'old')).toBeNull();
    expect(otherModelForNewFaces(migration('SWITCHED'), 'third')).toBeNull();
  });
});
