/** What queue mode runs on, checked before anything is opened (no queue library loaded). */
export class QueueModeError extends Error {
  override readonly name = 'QueueModeError';
}

/** Refuses what queue mode cannot run on, saying why. */
export function checkQueueMode(options: { redisUrl: string | undefined; dbUrl: string | undefined }): {
  redisUrl: string;
  dbUrl: string;
} {
  const { redisUrl, dbUrl } = options;
  if (redisUrl === undefined || redisUrl === '')
    throw new QueueModeError('queue mode needs Redis: give --queue redis://host:6379 or set REDIS_URL');
  if (!/^rediss?:\/\//.test(redisUrl))
    throw new QueueModeError(`--queue expects a redis:// or rediss:// URL; got ${redisUrl.split('@').pop()}`);
  if (dbUrl === undefined || !/^postgres(ql)?:\/\//.test(dbUrl))
    throw new QueueModeError(
      'queue mode needs PostgreSQL (--db postgres://… or DATABASE_URL): every server and worker reads and ' +
        'writes the same plans, journal and run state, and SQLite is a file on one machine that ' +
        'processes on other machines cannot share',
    );
  return { redisUrl, dbUrl };
}
