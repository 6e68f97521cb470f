// Geometry helpers for the SVG choropleth (d3-geo): winding, area, and a projection fitted to
// the features so the map fills its width whatever the province.
import { geoArea, geoMercator, geoPath, type GeoPermissibleObjects, type GeoProjection } from 'd3-geo';
import type { UnitFeature } from '../lib/types.ts';

const EARTH_RADIUS_KM = 6371.0088;
type Ring = GeoJSON.Position[];

/** Twice the signed planar area of a ring in lon/lat: positive when it runs counter-clockwise. */
function signedArea(ring: Ring): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return s;
}

/**
 * d3-geo reads polygons on the sphere: an exterior ring must run clockwise, or d3 takes the
 * polygon to be the rest of the globe. GeoJSON (RFC 7946) runs counter-clockwise, so polygons
 * whose exterior ring runs counter-clockwise are turned around (holes with them). A planar test
 * is exact enough for units far from the poles and the antimeridian, and much cheaper than geoArea.
 */
export function rewind(feature: UnitFeature): UnitFeature {
  const fix = (rings: Ring[]): Ring[] => (rings.length && signedArea(rings[0]) > 0 ? rings.map((r) => [...r].reverse()) : rings);
  const g = feature.geometry;
  const geometry: UnitFeature['geometry'] = g.type === 'Polygon' ? { type: 'Polygon', coordinates: fix(g.coordinates) } : { type: 'MultiPolygon', coordinates: g.coordinates.map(fix) };
  return { ...feature, geometry };
}

export function areaKm2(feature: UnitFeature): number {
  return geoArea(feature) * EARTH_RADIUS_KM * EARTH_RADIUS_KM;
}

export interface FittedMap {
  width: number;
  height: number;
  projection: GeoProjection;
  /** SVG path data per feature, in the same order as the features. */
  paths: string[];
  /** Label anchor per feature, as a share (0..1) of width and height. */
  anchors: [number, number][];
  /** Projected width of each feature as a share of the map width (small shapes get no label). */
  widths: number[];
}

type BBox = [number, number, number, number];

/** The lon/lat box around all features: from their `bbox` properties when every one has it. */
function boxOf(features: UnitFeature[]): BBox | null {
  let box: BBox | null = null;
  for (const f of features) {
    const b = f.properties.bbox;
    if (!b || b.length !== 4) return null;
    box = box ? [Math.min(box[0], b[0]), Math.min(box[1], b[1]), Math.max(box[2], b[2]), Math.max(box[3], b[3])] : [b[0], b[1], b[2], b[3]];
  }
  return box;
}

/**
 * Projects features into a viewBox `width` wide, as tall as their shape needs (at most 1.5 × width).
 * Mercator maps a lon/lat box onto an upright rectangle, so the projection is fitted to the corners
 * of the features' bounding boxes (given by the API) instead of walking every vertex: the only full
 * passes over the geometry are the ones drawing the paths and placing the labels.
 */
export function fitFeatures(features: UnitFeature[], width = 1000, pad = 10): FittedMap {
  const box = boxOf(features);
  const target: GeoPermissibleObjects = box
    ? ({ type: 'MultiPoint', coordinates: [[box[0], box[1]], [box[2], box[3]]] } as GeoJSON.MultiPoint)
    : ({ type: 'FeatureCollection', features } as GeoJSON.FeatureCollection);
  // No adaptive resampling: a province is small and its boundaries are dense already.
  const projection = geoMercator().precision(0).fitWidth(width - 2 * pad, target);
  const [[, y0], [, y1]] = geoPath(projection).bounds(target);
  let height = Math.max(Math.ceil(y1 - y0) + 2 * pad, 200);
  if (height > width * 1.5) {
    height = Math.round(width * 1.5);
    projection.fitExtent([[pad, pad], [width - pad, height - pad]], target);
  } else {
    const [tx, ty] = projection.translate();
    projection.translate([tx + pad, ty + pad - y0]);
  }
  const path = geoPath(projection).digits(1);
  const paths: string[] = [];
  const anchors: [number, number][] = [];
  const widths: number[] = [];
  for (const f of features) {
    paths.push(path(f) ?? '');
    const [x, y] = path.centroid(f);
    anchors.push([x / width, y / height]);
    const b = f.properties.bbox;
    if (b && b.length === 4) widths.push((projection([b[2], b[1]])![0] - projection([b[0], b[1]])![0]) / width);
    else {
      const [[bx0], [bx1]] = path.bounds(f);
      widths.push((bx1 - bx0) / width);
    }
  }
  return { width, height, projection, paths, anchors, widths };
}
