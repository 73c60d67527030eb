import { describe, expect, it } from 'vitest';
import { ErrorCode } from './app-error.js';
import { notFound } from './not-found.js';

describe('notFound', () => {
  it('words every missing record one way, with the id and the field it came from', () => {
    const error = notFound('gallery', 'g-1', { field: 'galleryId' });
    expect(error.code).toBe(ErrorCode.NOT_FOUND);
    expect(error.message).toBe('No gallery has id g-1; list galleries to find its id.');
    expect(error.details).toEqual({ id: 'g-1', field: 'galleryId' });
    expect(notFound('match event', 'e-1').message).toBe(
      'No match event has id e-1; list matchEvents to find its id.',
    );
  });

  it('cuts an overlong id to 64 characters', () => {
    const error = notFound('user', 'x'.repeat(500));
    expect(error.details).toEqual({ id: 'x'.repeat(64) });
    expect(error.message).toBe(`No user has id ${'x'.repeat(64)}; list the users to find it.`);
  });
});
