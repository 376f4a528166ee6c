// @vitest-environment happy-dom
/** The offline map's context: outlines near the area, labels that never overlap or leave the map. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextLines, loadAtlas, renderContext } from '../../api/board/src/context-map.ts';
import { fitProjector } from '../../api/board/src/map-layout.ts';
import type { PlaceLabel } from '../../api/board/src/types.ts';

const SEATTLE: [number, number, number, number] = [-122.45, 47.45, -122.1, 47.75];
const VIEW = { width: 800, height: 520, padding: 30 };

describe('the offline map context', () => {
  it('draws the county and state lines near the area, and only those', async () => {
    const atlas = await loadAtlas();
    const lines = contextLines(atlas, SEATTLE);
    // King County borders Snohomish and Pierce: county lines inside Washington are near.
    expect(lines.counties.length).toBeGreaterThan(0);
    expect(lines.nation.length).toBeGreaterThan(0);
    // No line drawn for Seattle lies wholly in the east of the country.
    for (const line of [...lines.counties, ...lines.states])
      expect(line.some(([lon]) => lon < -118)).toBe(true);
    const g = renderContext(lines, [], fitProjector(SEATTLE, VIEW), VIEW);
    expect(g.querySelector('.context-counties')!.getAttribute('d')).toMatch(/^M/);
    // A city comes before a postal code at the same place.
    const both = renderContext(
      null,
      [
        { kind: 'postal-code', name: '98101', lat: 47.61, lon: -122.33 },
        { kind: 'city', name: 'Seattle', lat: 47.61, lon: -122.33 },
      ],
      fitProjector(SEATTLE, VIEW),
      VIEW,
    );
    expect([...both.querySelectorAll('text')].map((t) => t.textContent)).toEqual(['Seattle']);
  });

  it('places labels so that none overlaps another or a marker, and none leaves the map', () => {
    const place = fc.record({
      kind: fc.constantFrom('city', 'postal-code') as fc.Arbitrary<PlaceLabel['kind']>,
      name: fc.stringMatching(/^[A-Z][a-z]{2,12}$|^\d{5}$/),
      lon: fc.double({ min: SEATTLE[0] - 0.1, max: SEATTLE[2] + 0.1, noNaN: true }),
      lat: fc.double({ min: SEATTLE[1] - 0.1, max: SEATTLE[3] + 0.1, noNaN: true }),
    });
    const marker = fc.record({
      x: fc.double({ min: 0, max: 800, noNaN: true }),
      y: fc.double({ min: 0, max: 520, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(place, { maxLength: 60 }),
        fc.array(marker, { maxLength: 20 }),
        (places, avoid) => {
          const g = renderContext(null, places, fitProjector(SEATTLE, VIEW), { ...VIEW, avoid });
          const boxes = [...g.querySelectorAll('text')].map((t) => {
            const x = Number(t.getAttribute('x'));
            const y = Number(t.getAttribute('y'));
            const size = t.getAttribute('class') === 'place-city' ? 13 : 9;
            const w = (t.textContent ?? '').length * size * 0.6;
            return { x0: x - w / 2 - 2, y0: y - size, x1: x + w / 2 + 2, y1: y + 3 };
          });
          for (const [i, a] of boxes.entries()) {
            // Inside the map (rounded to the drawn 0.1 px).
            expect(a.x0).toBeGreaterThanOrEqual(-0.1);
            expect(a.y0).toBeGreaterThanOrEqual(-0.1);
            expect(a.x1).toBeLessThanOrEqual(800.1);
            expect(a.y1).toBeLessThanOrEqual(520.1);
            for (const b of boxes.slice(i + 1)) {
              const overlap =
                a.x0 < b.x1 - 0.2 && a.x1 > b.x0 + 0.2 && a.y0 < b.y1 - 0.2 && a.y1 > b.y0 + 0.2;
              expect(overlap).toBe(false);
            }
            for (const m of avoid) {
              const under = a.x0 < m.x + 11.8 && a.x1 > m.x - 11.8 && a.y0 < m.y + 11.8 && a.y1 > m.y - 11.8;
              expect(under).toBe(false);
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
