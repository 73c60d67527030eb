// The connection pool behind Prisma. pg's Pool.query closes a client whenever its query fails,
// even when the server only refused the statement (a constraint, a division by zero) and the
// connection is fine. On PGlite's one-connection socket the pool then reconnects before the socket
// has let the old connection go, so the next query failed with "Connection terminated
// unexpectedly"; on PostgreSQL every refused statement cost a new connection. Here a client is
// closed only when the error says the connection itself is in doubt.
import pg from 'pg';

/** SQLSTATE classes after which the session cannot be trusted: connection exceptions, operator intervention. */
const BROKEN_SESSION_CLASSES = ['08', '57'];

/** Whether `error` leaves the client's connection usable: the server answered it with an error. */
export function isStatementError(error: unknown): boolean {
  if (!(error instanceof pg.DatabaseError)) return false;
  const code = error.code ?? '';
  return !BROKEN_SESSION_CLASSES.some((cls) => code.startsWith(cls));
}

/** A pg Pool whose clients survive statements the server refuses. */
export function createQueryPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  const query = async (config: pg.QueryConfig | string, values?: unknown[]) => {
    const client = await pool.connect();
    let failure: unknown;
    // A checked-out client has no listener of its own: a connection lost while it is out would
    // otherwise be an uncaught 'error' event (pg's own Pool.query listens the same way).
    const onError = (error: Error) => {
      failure ??= error;
    };
    client.on('error', onError);
    try {
      return await client.query(config, values);
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release(failure === undefined || isStatementError(failure) ? undefined : (failure as Error));
    }
  };
  pool.query = query as typeof pool.query;
  return pool;
}
