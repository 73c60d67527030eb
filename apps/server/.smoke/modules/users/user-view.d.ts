import type { User } from '@faceledger/schema';
import type { UserRecord } from './users.repository.js';
export declare function toUserView(user: UserRecord): User;
