/**
 * The API's contract: the zod schema of every answer, success and error, in one place. Routes
 * declare them as their `response` schemas (so `/docs/json` documents every answer); the board
 * and the server's board shape import their types from here. This folder imports nothing but
 * zod, so any layer may import it.
 */
export * from './board.ts';
export * from './capacity.ts';
export * from './errors.ts';
export * from './plans.ts';
export * from './service.ts';
export * from './whatif.ts';
