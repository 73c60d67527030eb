// A unique index that refused a write is the caller's conflict, not a bug: a race past a service's
// own "is it taken?" check ends here.
import { Prisma } from '@faceledger/db';
import { AppError, ErrorCode } from './app-error.js';

/** Rethrows a unique violation (Prisma P2002) as CONFLICT on `field` saying `message`; anything else as it is. */
export function rethrowUniqueViolation(error: unknown, field: string, message: string): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    throw new AppError(ErrorCode.CONFLICT, message, { field });
  }
  throw error;
}
