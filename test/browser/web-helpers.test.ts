// The web app's pure helpers (no browser needed): date and phone formats, map colour classes,
// polygon winding for d3-geo, and the projection fitted from the API's bounding boxes.
import { describe, expect, it } from 'vitest';
import { geoArea } from 'd3-geo';
import { ageOn, formatDate, formatDateTime, formatPhone, parseDayFirstDate } from '../../web/src/lib/dates.ts';
import { colorClasses, colorOf, layerOf, LAYERS, NO_DATA_COLOR, shortName } from '../../web/src/units/layers.ts';
import { fitFeatures, rewind } from '../../web/src/units/geo.ts';
import type { Unit, UnitFeature } from '../../web/src/lib/types.ts';

describe('dates and phones', () => {
  it('writes calendar dates day first and reads them back', () => {
    expect(formatDate('2021-07-14')).toBe('14/07/2021');
    expect(formatDate(null)).toBe('—');
    expect(parseDayFirstDate('14/07/2021')).toBe('2021-07-14');
    expect(parseDayFirstDate(' 1/2/2022 ')).toBe('2022-02-01');
    expect(parseDayFirstDate('2022-02-21')).toBe('2022-02-21');
    expect(parseDayFirstDate('31/02/2022')).toBeNull();
    expect(parseDayFirstDate('07/14/2021')).toBeNull();
    expect(parseDayFirstDate('14/07/21')).toBeNull();
  });

  it('shows instants in Vietnam time (UTC+7)', () => {
    expect(formatDateTime('2021-07-14T17:30:05Z')).toBe('15/07/2021 00:30:05');
  });

  it('counts ages in whole years', () => {
    expect(ageOn('1990-07-15', '2021-07-14')).toBe(30);
    expect(ageOn('1990-07-14', '2021-07-14')).toBe(31);
    expect(ageOn(null, '2021-07-14')).toBeNull();
  });

  it('writes +84 numbers the Vietnamese way', () => {
    expect(formatPhone('+84912345678')).toBe('0912 345 678');
    expect(formatPhone(null)).toBe('—');
  });
});

describe('map layers', () => {
  const unit = (population: number, households: number, aged65Plus = 0): Unit => ({
    code: 'x', parentCode: null, level: 'district', type: null, name: 'x', path: 'x/', depth: 1, population, households, agedUnder18: 0, aged65Plus,
  });

  it('derives people per household, share aged 65+ and density', () => {
    expect(layerOf('perHousehold').value(unit(700, 200))).toBe(3.5);
    expect(layerOf('perHousehold').value(unit(0, 0))).toBeNull();
    expect(layerOf('share65').value(unit(200, 50, 20))).toBe(10);
    expect(layerOf('density').value(unit(1000, 1), 50)).toBe(20);
    expect(layerOf('density').value(unit(1000, 1))).toBeNull();
    expect(layerOf('nonsense').key).toBe('population');
    expect(LAYERS.map((l) => l.key)).toContain('households');
  });

  it('makes round equal-interval classes covering every value, light to dark', () => {
    const values = [114, 129, 137, 141, 149, 175, 175, 191, 202, 210, 214];
    const classes = colorClasses(values);
    expect(classes.length).toBeGreaterThanOrEqual(3);
    expect(classes.length).toBeLessThanOrEqual(7);
    expect(classes[0].from).toBeLessThanOrEqual(114);
    expect(classes[classes.length - 1].to).toBeGreaterThanOrEqual(214);
    for (const c of classes) expect(c.from % 10).toBe(0);
    expect(colorOf(classes, 114)).toBe(classes[0].color);
    expect(colorOf(classes, 214)).toBe(classes[classes.length - 1].color);
    expect(colorOf(classes, 214)).not.toBe(colorOf(classes, 114));
    expect(colorOf(classes, null)).toBe(NO_DATA_COLOR);
    expect(colorClasses([5, 5, 5])).toHaveLength(1);
    expect(colorClasses([null, null])).toEqual([]);
  });

  it('shortens unit names for map labels', () => {
    expect(shortName('Huyện Tràng Định')).toBe('Tràng Định');
    expect(shortName('Thành phố Lạng Sơn')).toBe('TP. Lạng Sơn');
    expect(shortName('Thị xã Bỉm Sơn')).toBe('TX. Bỉm Sơn');
  });
});

describe('geometry for d3-geo', () => {
  const square = (x: number, y: number, s: number, ccw: boolean): GeoJSON.Position[] => {
    const r = [[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]];
    return ccw ? r : r.reverse();
  };
  const feature = (id: string, ring: GeoJSON.Position[], bbox?: number[]): UnitFeature => ({
    type: 'Feature', id, geometry: { type: 'Polygon', coordinates: [ring] },
    properties: { code: id, parentCode: '20', level: 'district', type: null, name: `Huyện ${id}`, path: `20/${id}/`, depth: 1, population: 1, households: 1, agedUnder18: 0, aged65Plus: 0, bbox },
  });

  it('turns counter-clockwise (RFC 7946) polygons so d3 does not read them as the rest of the globe', () => {
    const ccw = feature('a', square(106, 21, 1, true));
    expect(geoArea(ccw)).toBeGreaterThan(2 * Math.PI);
    expect(geoArea(rewind(ccw))).toBeLessThan(0.01);
    const cw = feature('b', square(106, 21, 1, false));
    expect(rewind(cw).geometry).toEqual(cw.geometry);
  });

  it('fits the features into the view box, from their bounding boxes or from their vertices alike', () => {
    const a = rewind(feature('a', square(106, 21, 1, true), [106, 21, 107, 22]));
    const b = rewind(feature('b', square(107, 21.5, 0.5, true), [107, 21.5, 107.5, 22]));
    const fitted = fitFeatures([a, b], 1000, 10);
    expect(fitted.paths).toHaveLength(2);
    expect(fitted.paths[0]).toMatch(/^M\d/);
    // 1.5° wide, 1° tall near 21.5°N: Mercator stretches latitude by 1/cos(21.5°) ≈ 1.075.
    expect(fitted.height).toBeGreaterThan(700);
    expect(fitted.height).toBeLessThan(740);
    const [[x0, y0], [x1, y1]] = [fitted.projection([106, 22])!, fitted.projection([107.5, 21])!];
    expect(x0).toBeCloseTo(10, 0);
    expect(x1).toBeCloseTo(990, 0);
    expect(y0).toBeCloseTo(10, 0);
    // The height is rounded up to whole units: the bottom margin is 10 to 11.
    expect(fitted.height - y1).toBeGreaterThanOrEqual(10);
    expect(fitted.height - y1).toBeLessThan(11);
    expect(fitted.widths[0]).toBeCloseTo(980 / 1.5 / 1000, 2);
    for (const [x, y] of fitted.anchors) {
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(1);
      expect(y).toBeGreaterThan(0);
      expect(y).toBeLessThan(1);
    }
    const noBox = fitFeatures([{ ...a, properties: { ...a.properties, bbox: undefined } }, { ...b, properties: { ...b.properties, bbox: undefined } }], 1000, 10);
    expect(noBox.height).toBe(fitted.height);
    expect(noBox.paths).toEqual(fitted.paths);
  });
});
