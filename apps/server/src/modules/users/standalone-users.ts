// The users service outside a running server (the faceledger-server CLI, tests of start-up): its
// own unit of work over the database. Managing users publishes no event, so nothing subscribes.
import type { PrismaClient } from '@faceledger/db';
import { pino } from 'pino';
import { DomainEventBus } from '../../infrastructure/events/domain-event-bus.js';
import { InProcessEventTransport } from '../../infrastructure/events/event-transport.js';
import { UnitOfWork } from '../../infrastructure/unit-of-work/unit-of-work.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { SessionsRepository } from '../auth/sessions.repository.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/** A UsersService on `prisma`, audited like the server's. */
export function standaloneUsersService(prisma: PrismaClient): UsersService {
  const events = new DomainEventBus(new InProcessEventTransport(), pino({ enabled: false }));
  return new UsersService(
    new UsersRepository(prisma),
    new SessionsRepository(prisma),
    new UnitOfWork(prisma, new AuditRepository(prisma), events),
  );
}
