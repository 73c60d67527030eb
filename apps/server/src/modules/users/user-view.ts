// A user as GraphQL shows it: no password hash, dates as ISO strings.
import type { User } from '@faceledger/schema';
import type { UserRecord } from './users.repository.js';

export function toUserView(user: UserRecord): User {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    disabled: user.disabled,
    createdAt: user.createdAt.toISOString(),
  };
}
