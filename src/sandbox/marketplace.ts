/** The marketplace the sandbox's seller sells in by default (Amazon.com's). */
export const DEFAULT_MARKETPLACE_ID = 'ATVPDKIKX0DER';
