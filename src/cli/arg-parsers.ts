/**
 * Parsers for numeric and date flags. Every numeric flag of every command goes through one of
 * these, so `--seconds abc`, `--port 99999` or `--days 1.5` stop at parse time instead of
 * reaching the run as NaN. Commander prefixes the message with the flag and the value given.
 */
import { InvalidArgumentError } from 'commander';

const INTEGER = /^[+]?\d+$/;
// Plain decimals only: no hex, no exponent, no Infinity, no empty string (Number('') is 0).
const DECIMAL = /^[+]?(\d+(\.\d*)?|\.\d+)$/;

export interface IntegerRange {
  min: number;
  max?: number;
}

/** A whole number in [min, max]. */
export function integerArg(range: IntegerRange): (value: string) => number {
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const expected =
    range.max === undefined
      ? `a whole number of at least ${range.min}`
      : `a whole number from ${range.min} to ${range.max}`;
  return (value: string): number => {
    const text = value.trim();
    const n = Number(text);
    if (!INTEGER.test(text) || !Number.isSafeInteger(n) || n < range.min || n > max)
      throw new InvalidArgumentError(`Expected ${expected}.`);
    return n;
  };
}

/** A number greater than zero, at most `max` (e.g. seconds). */
export function positiveNumberArg(max = 1_000_000): (value: string) => number {
  return (value: string): number => {
    const text = value.trim();
    const n = Number(text);
    if (!DECIMAL.test(text) || !Number.isFinite(n) || n <= 0 || n > max)
      throw new InvalidArgumentError(`Expected a number greater than 0 and at most ${max}.`);
    return n;
  };
}

/** A TCP port; 0 asks the system for any free port. */
export function portArg(): (value: string) => number {
  return integerArg({ min: 0, max: 65535 });
}

/** A calendar date written YYYY-MM-DD that exists (no 2026-02-30). */
export function isoDateArg(): (value: string) => string {
  return (value: string): string => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    const date = match ? new Date(`${value}T00:00:00Z`) : undefined;
    if (
      match === null ||
      date === undefined ||
      Number.isNaN(date.getTime()) ||
      date.getUTCMonth() + 1 !== Number(match[2]) ||
      date.getUTCDate() !== Number(match[3])
    )
      throw new InvalidArgumentError('Expected a calendar date written YYYY-MM-DD.');
    return value;
  };
}
