// At start, creates the first ADMIN from FACELEDGER_ADMIN_EMAIL and FACELEDGER_ADMIN_PASSWORD when
// the database has no user yet, so a fresh install can be signed in to without the CLI.
import type { Logger } from 'pino';
import type { UsersService } from './users.service.js';

/** The first admin's settings; both absent when not configured. */
export interface FirstAdminSettings {
  email: string | undefined;
  password: string | undefined;
}

export async function createFirstAdminFromSettings(
  users: UsersService,
  settings: FirstAdminSettings,
  logger: Logger,
): Promise<void> {
  if (settings.email === undefined || settings.password === undefined) {
    if (await users.hasNoUsers()) {
      logger.warn(
        'no user exists yet, so nobody can sign in to the dashboard: restart with FACELEDGER_ADMIN_EMAIL and ' +
          'FACELEDGER_ADMIN_PASSWORD set, or stop the server and run `npm run admin:create -w @faceledger/server -- --email you@example.org`',
      );
    }
    return;
  }
  const outcome = await users.createFirstAdmin(settings.email, settings.password);
  if (outcome === 'created') {
    logger.info(
      { email: settings.email },
      'created the first admin from settings; unset FACELEDGER_ADMIN_PASSWORD now',
    );
  } else {
    logger.info('users exist already, so FACELEDGER_ADMIN_EMAIL and FACELEDGER_ADMIN_PASSWORD were ignored');
  }
}
