/** The banded radius search gives exactly the postal codes of the table's own (full-scan) radius. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import zipcodes from 'zipcodes';
import { zipcodesWithin } from '../../src/geo/zipcodes-table.ts';

const ALL = Object.keys(zipcodes.codes);

describe('zipcodesWithin', () => {
  it('equals zipcodes.radius for any centre and radius', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: ALL.length - 1 }),
        fc.integer({ min: 0, max: 60 }),
        (i, miles) => {
          const center = ALL[i]!;
          const expected = (zipcodes.radius(center, miles) as string[]).sort();
          expect(zipcodesWithin(center, miles).sort()).toEqual(expected);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('finds nothing around a code the table does not know', () => {
    expect(zipcodesWithin('00000', 50)).toEqual([]);
  });
});
