import { Prisma } from '@faceledger/db';
import { describe, expect, it } from 'vitest';
import { rethrowUniqueViolation } from './unique-violation.js';

const violation = (code: string) =>
  new Prisma.PrismaClientKnownRequestError('Unique constraint failed', { code, clientVersion: 'test' });

describe('rethrowUniqueViolation', () => {
  it('turns a unique violation into CONFLICT on the field', () => {
    expect(() => rethrowUniqueViolation(violation('P2002'), 'name', 'Taken; choose another name.')).toThrow(
      expect.objectContaining({
        code: 'CONFLICT',
        message: 'Taken; choose another name.',
        details: { field: 'name' },
      }),
    );
  });

  it('rethrows anything else as it is', () => {
    const other = violation('P2025');
    expect(() => rethrowUniqueViolation(other, 'name', 'x')).toThrow(other);
  });
});
