// The contact graph's pure steps (no browser needed): filtering the server's columns, the bubble-tree
// layout, colours and the legend, and the 20,000-case / 100,000-contact size the page must handle.
import { describe, expect, it } from 'vitest';
import {
  BECAME_CASE_BORDER,
  buildGraph,
  buildModel,
  CASE_STATUS_COLORS,
  clusterColor,
  DEGREE_COLORS,
  legendFor,
  linksOf,
  NODE_SIZES,
  makeSyntheticPayload,
  nameLabel,
  nodeColourBytes,
  recolour,
  rgbBytes,
  type ContactGraphModel,
  type GraphPayload,
} from '../../web/src/cases/graphData.ts';
import { between, fitCamera, MAX_CASE_PX, MIN_CASE_PX, NodeGrid, panBy, radiusScale, toLayout, toScreen, zoomAround, type Camera } from '../../web/src/cases/graphView.ts';
import vi from '../../web/src/i18n/vi.json';
import en from '../../web/src/i18n/en.json';

function tiny(): GraphPayload {
  // Case 1 (commune A) exposed 2 and 3; 3 exposed 4 (F2); case 5 (commune B) alone with contact 6.
  return {
    person: [1, 2, 3, 4, 5, 6],
    name: ['An', 'Bình', 'Chi', 'Dũng', 'Hà', 'Lan'],
    degree: [0, 1, 1, 2, 0, 1],
    status: ['confirmed', 'traced', 'became_case', 'proposed', 'recovered', 'traced'],
    commune: ['A', 'A', 'B', 'A', 'B', 'B'],
    date: ['2021-07-10', '2021-07-09', '2021-07-10', '2021-07-12', '2021-07-20', '2021-07-19'],
    cluster: [7, null, null, null, null, null],
    edges: [0, 1, 0, 2, 2, 3, 4, 5],
    truncated: false,
  };
}

/** Connected components of the built graph, as lists of node keys. */
function components(graph: ContactGraphModel): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  graph.forEachNode((start) => {
    if (seen.has(start)) return;
    const comp = [start];
    seen.add(start);
    for (let i = 0; i < comp.length; i++)
      graph.forEachNeighbor(comp[i], (w) => {
        if (!seen.has(w)) {
          seen.add(w);
          comp.push(w);
        }
      });
    out.push(comp);
  });
  return out;
}

describe('buildGraph', () => {
  it('keeps every person and link of the payload', () => {
    const g = buildGraph(tiny(), { colourBy: 'status' });
    expect(g.order).toBe(6);
    expect(g.size).toBe(4);
    expect(g.hasDirectedEdge('1', '3')).toBe(true);
    expect(g.hasDirectedEdge('3', '1')).toBe(false);
    expect(g.getNodeAttribute('4', 'personId')).toBe(4);
    expect(g.getNodeAttribute('4', 'label')).toBe('Dũng · F2');

    const p = makeSyntheticPayload(300, 5, 7);
    const big = buildGraph(p, { colourBy: 'degree' });
    expect(p.person.length).toBe(300 * 6);
    expect(big.order).toBe(p.person.length);
    expect(big.size).toBe(p.edges.length / 2);
  });

  it('drops links that are repeated, loop or point outside the arrays, and repeated people', () => {
    const p = tiny();
    p.edges.push(0, 1, 3, 3, 0, 99, -1, 2);
    p.person.push(1);
    p.name!.push('An again');
    p.degree.push(0);
    p.status.push('confirmed');
    p.commune.push('A');
    p.date.push('2021-07-10');
    p.cluster.push(null);
    const g = buildGraph(p, { colourBy: 'status' });
    expect(g.order).toBe(6);
    expect(g.size).toBe(4);
    expect(g.getNodeAttribute('1', 'label')).toBe('An · F0');
  });

  it('filters by commune of residence and keeps only links inside the selection', () => {
    const g = buildGraph(tiny(), { colourBy: 'status', communes: new Set(['A']) });
    expect(g.nodes().sort()).toEqual(['1', '2', '4']);
    expect(g.size).toBe(1); // 1 → 2; 1 → 3 and 3 → 4 lose person 3 (commune B)

    const p = makeSyntheticPayload(500, 5, 3);
    const keep = new Set([p.commune[0], p.commune[7]]);
    const f = buildGraph(p, { colourBy: 'status', communes: keep });
    const expected = p.commune.filter((c) => keep.has(c)).length;
    expect(f.order).toBe(expected);
    let links = 0;
    for (let i = 0; i < p.edges.length; i += 2) if (keep.has(p.commune[p.edges[i]]) && keep.has(p.commune[p.edges[i + 1]])) links++;
    expect(f.size).toBe(links);
    expect(buildGraph(p, { colourBy: 'status', communes: null }).order).toBe(p.person.length);
  });

  it('filters by date, both ends included', () => {
    const g = buildGraph(tiny(), { colourBy: 'status', from: '2021-07-10', to: '2021-07-19' });
    expect(g.nodes().sort()).toEqual(['1', '3', '4', '6']);
    expect(g.size).toBe(2);
    expect(buildGraph(tiny(), { colourBy: 'status', from: '2021-07-20' }).nodes()).toEqual(['5']);
    expect(buildGraph(tiny(), { colourBy: 'status', to: '2021-07-09' }).nodes()).toEqual(['2']);

    const p = makeSyntheticPayload(500, 5, 4);
    const f = buildGraph(p, { colourBy: 'status', from: '2021-07-15', to: '2021-07-31' });
    expect(f.order).toBe(p.date.filter((d) => d >= '2021-07-15' && d <= '2021-07-31').length);
    f.forEachNode((_, a) => {
      const d = p.date[a.personId - 1];
      expect(d >= '2021-07-15' && d <= '2021-07-31').toBe(true);
    });
  });

  it('gives every node finite, distinct coordinates and packs components apart', () => {
    const p = makeSyntheticPayload(400, 5, 11);
    const g = buildGraph(p, { colourBy: 'status' });
    const pts: [number, number][] = [];
    g.forEachNode((_, a) => {
      expect(Number.isFinite(a.x) && Number.isFinite(a.y)).toBe(true);
      pts.push([a.x, a.y]);
    });
    let closest = Infinity;
    for (let i = 0; i < pts.length; i++)
      for (let j = i + 1; j < pts.length; j++) closest = Math.min(closest, Math.hypot(pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]));
    expect(closest).toBeGreaterThan(1.5); // nodes are 1 unit in radius in the layout

    const boxes = components(g).map((nodes) => {
      const xs = nodes.map((n) => g.getNodeAttribute(n, 'x'));
      const ys = nodes.map((n) => g.getNodeAttribute(n, 'y'));
      return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
    });
    expect(boxes.length).toBeGreaterThan(10);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const overlap = a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
        expect(overlap, `components ${i} and ${j} overlap`).toBe(false);
      }
  });

  it('keeps contacts close to their case and draws generations top down from the earliest case', () => {
    const p = makeSyntheticPayload(300, 5, 9);
    const g = buildGraph(p, { colourBy: 'status' });
    g.forEachNode((node, a) => {
      if (a.degree !== 1) return;
      const near = g.inNeighbors(node).some((c) => {
        const b = g.getNodeAttributes(c);
        return b.degree === 0 && Math.hypot(a.x - b.x, a.y - b.y) < 12;
      });
      expect(near, `F1 ${node} is far from every case that exposed it`).toBe(true);
    });

    // Chain C (reported last) ← B ← A (reported first), each with one contact: A on top, then B, then C.
    const chain: GraphPayload = {
      person: [1, 2, 3, 4, 5, 6],
      name: ['C', 'B', 'A', 'c1', 'b1', 'a1'],
      degree: [0, 0, 0, 1, 1, 1],
      status: ['confirmed', 'confirmed', 'recovered', 'traced', 'traced', 'traced'],
      commune: ['X', 'X', 'X', 'X', 'X', 'X'],
      date: ['2021-07-09', '2021-07-05', '2021-07-01', '2021-07-09', '2021-07-05', '2021-07-01'],
      cluster: [1, 1, 1, null, null, null],
      edges: [2, 1, 1, 0, 0, 3, 1, 4, 2, 5],
      truncated: false,
    };
    const c = buildGraph(chain, { colourBy: 'status' });
    const y = (key: string) => c.getNodeAttribute(key, 'y');
    expect(y('3')).toBeGreaterThan(y('2'));
    expect(y('2')).toBeGreaterThan(y('1'));
  });

  it('lays out the same payload the same way every time', () => {
    const a = buildGraph(makeSyntheticPayload(200, 4, 5), { colourBy: 'status' });
    const b = buildGraph(makeSyntheticPayload(200, 4, 5), { colourBy: 'status' });
    expect(b.nodes()).toEqual(a.nodes());
    a.forEachNode((n, attrs) => {
      expect(b.getNodeAttribute(n, 'x')).toBe(attrs.x);
      expect(b.getNodeAttribute(n, 'y')).toBe(attrs.y);
    });
  });

  it('copes with an empty payload and with people without links', () => {
    const empty: GraphPayload = { person: [], name: [], degree: [], status: [], commune: [], date: [], cluster: [], edges: [], truncated: true };
    const g = buildGraph(empty, { colourBy: 'status' });
    expect(g.order).toBe(0);
    expect(g.getAttribute('truncated')).toBe(true);
    const lonely = buildGraph({ ...tiny(), edges: [] }, { colourBy: 'status' });
    expect(lonely.order).toBe(6);
    lonely.forEachNode((_, a) => expect(Number.isFinite(a.x) && Number.isFinite(a.y)).toBe(true));
  });

  it('keeps the model\'s links as arrays in the graph\'s edge order, with each node\'s links at hand', () => {
    const p = makeSyntheticPayload(300, 5, 7);
    const asEdges = buildGraph(p, { colourBy: 'status' });
    const model = buildModel(p, {});
    const { links } = model;
    expect(model.n).toBe(asEdges.order);
    expect(links.source.length).toBe(asEdges.size);
    const key = (v: number) => String(model.person[v]);
    for (let i = 0; i < links.source.length; i++) {
      const [s, t] = asEdges.extremities(`e${i}`);
      expect([key(links.source[i]), key(links.target[i])]).toEqual([s, t]);
      expect(links.transmission[i] === 1).toBe(asEdges.getEdgeAttribute(`e${i}`, 'transmission'));
    }
    asEdges.forEachNode((node, a) => {
      expect(key(a.index)).toBe(node);
      expect([model.x[a.index], model.y[a.index]]).toEqual([Math.fround(a.x), Math.fround(a.y)]);
      const mine = Array.from(linksOf(links, a.index));
      expect(mine.length).toBe(asEdges.degree(node));
      for (const i of mine) expect(links.source[i] === a.index || links.target[i] === a.index).toBe(true);
    });
    const box = model.box;
    for (let v = 0; v < model.n; v++) {
      expect(model.x[v] >= box.x0 && model.x[v] <= box.x1 && model.y[v] >= box.y0 && model.y[v] <= box.y1).toBe(true);
    }
    expect(model.extent).toBe(Math.max(box.x1 - box.x0, box.y1 - box.y0));
  });

  it('gives the renderer each node\'s colours as bytes, the ring only for contacts who became cases', () => {
    const model = buildModel(tiny(), {});
    const status = nodeColourBytes(model, 'status');
    const at = (bytes: Uint8Array, v: number) => Array.from(bytes.subarray(4 * v, 4 * v + 4));
    expect(at(status.fill, 0)).toEqual([...rgbBytes(CASE_STATUS_COLORS.confirmed), 255]);
    expect(at(status.ring, 0)).toEqual(at(status.fill, 0));
    expect(at(status.fill, 2)).toEqual([...rgbBytes(DEGREE_COLORS[1]), 255]);
    expect(at(status.ring, 2)).toEqual([...rgbBytes(BECAME_CASE_BORDER), 255]);
    const byCluster = nodeColourBytes(model, 'cluster');
    for (const v of [0, 1, 2, 3]) expect(at(byCluster.fill, v)).toEqual([...rgbBytes(clusterColor(7)), 255]);
    expect(at(byCluster.ring, 2)).toEqual(at(byCluster.fill, 2));
    expect(at(byCluster.fill, 4)).toEqual([...rgbBytes(clusterColor(null)), 255]);
    expect(rgbBytes('#e03131')).toEqual([0xe0, 0x31, 0x31]);
  });

  it('builds the 20,000-case, 100,000-contact graph', () => {
    const p = makeSyntheticPayload(20_000, 5, 1);
    const g = buildGraph(p, { colourBy: 'status' });
    expect(g.order).toBe(120_000);
    expect(g.size).toBe(p.edges.length / 2);
    g.forEachNode((_, a) => {
      if (!Number.isFinite(a.x) || !Number.isFinite(a.y)) throw new Error(`node ${a.personId} has no position`);
    });
  }, 60_000);
});

describe('colours and legend', () => {
  it('colours cases by status and contacts by degree, and rings contacts who became cases', () => {
    const g = buildGraph(tiny(), { colourBy: 'status' });
    expect(g.getNodeAttribute('1', 'color')).toBe(CASE_STATUS_COLORS.confirmed);
    expect(g.getNodeAttribute('5', 'color')).toBe(CASE_STATUS_COLORS.recovered);
    expect(g.getNodeAttribute('2', 'color')).toBe(DEGREE_COLORS[1]);
    expect(g.getNodeAttribute('4', 'color')).toBe(DEGREE_COLORS[2]);
    expect(g.getNodeAttribute('3', 'type')).toBe('border');
    expect(g.getNodeAttribute('3', 'borderColor')).toBe(BECAME_CASE_BORDER);
    expect(g.getNodeAttribute('2', 'type')).toBeUndefined();
  });

  it('colours whole chains by their cluster, and can recolour without a new layout', () => {
    const g = buildGraph(tiny(), { colourBy: 'cluster' });
    for (const n of ['1', '2', '3', '4']) expect(g.getNodeAttribute(n, 'color')).toBe(clusterColor(7));
    expect(g.getNodeAttribute('5', 'color')).toBe(clusterColor(null));
    expect(g.getNodeAttribute('3', 'type')).toBeUndefined();
    const x = g.getNodeAttribute('4', 'x');
    recolour(g, 'degree');
    expect(g.getNodeAttribute('5', 'color')).toBe(DEGREE_COLORS[0]);
    expect(g.getNodeAttribute('4', 'color')).toBe(DEGREE_COLORS[2]);
    expect(g.getNodeAttribute('4', 'x')).toBe(x);
    recolour(g, 'status');
    expect(g.getNodeAttribute('3', 'type')).toBe('border');
  });

  it('has a translated label for every legend entry', () => {
    const lookup = (dict: unknown, key: string) => key.split('.').reduce<unknown>((d, k) => (d as Record<string, unknown> | undefined)?.[k], dict);
    for (const by of ['status', 'degree', 'cluster'] as const) {
      const items = legendFor(by);
      expect(items.length).toBeGreaterThan(1);
      for (const item of items) {
        expect(typeof lookup(vi, item.key), item.key).toBe('string');
        expect(typeof lookup(en, item.key), item.key).toBe('string');
      }
    }
    for (const key of ['zoomIn', 'zoomOut', 'reset', 'counts', 'aria', 'tapAgain', 'empty', 'noWebgl', 'truncated', 'legend.title'])
      expect(typeof lookup(vi.graph, key) === 'string' && typeof lookup(en.graph, key) === 'string', key).toBe(true);
  });
});

describe('makeSyntheticPayload', () => {
  it('is deterministic and consistent', () => {
    const a = makeSyntheticPayload(1000, 5, 42);
    expect(makeSyntheticPayload(1000, 5, 42)).toEqual(a);
    expect(makeSyntheticPayload(1000, 5, 43).name).not.toEqual(a.name);
    const n = a.person.length;
    expect(n).toBe(6000);
    for (const column of [a.name, a.degree, a.status, a.commune, a.date, a.cluster]) expect(column).toHaveLength(n);
    expect(a.degree.filter((d) => d === 0)).toHaveLength(1000);
    expect(a.edges.every((i) => Number.isInteger(i) && i >= 0 && i < n)).toBe(true);
    expect(a.date.every((d) => /^2021-0[78]-\d\d$/.test(d))).toBe(true);
    expect(new Set(a.cluster.filter((c) => c != null)).size).toBeGreaterThan(10);
  });
});

describe('graphs without names (large outbreaks: names are asked for as people are shown)', () => {
  it('labels people by their degree until their name is known', () => {
    const p = makeSyntheticPayload(5, 3, 7);
    delete p.name;
    const g = buildGraph(p, { colourBy: 'status' });
    const labels = g.nodes().map((n) => g.getNodeAttribute(n, 'label'));
    expect(labels.every((l) => /^F\d$/.test(l!))).toBe(true);
    expect(nameLabel('Nguyễn Văn An', 1)).toBe('Nguyễn Văn An · F1');
  });
});

describe('the large-graph view: camera and node grid', () => {
  const viewport = { width: 800, height: 600 };

  it('fits the whole layout with its padding and maps layout points to pixels and back', () => {
    const box = { x0: -100, x1: 300, y0: 0, y1: 100 };
    const cam = fitCamera(box, viewport, 30);
    expect(cam.scale).toBeCloseTo((800 - 60) / 400);
    const [lx, ty] = toScreen(cam, viewport, box.x0, box.y1);
    const [rx, by] = toScreen(cam, viewport, box.x1, box.y0);
    expect(lx).toBeCloseTo(30);
    expect(rx).toBeCloseTo(770);
    // y points up in the layout, down on screen; the box is centred vertically.
    expect(ty).toBeLessThan(by);
    expect((ty + by) / 2).toBeCloseTo(300);
    const [x, y] = toLayout(cam, viewport, 123, 456);
    expect(toScreen(cam, viewport, x, y).map((c) => Math.round(c * 1e6) / 1e6)).toEqual([123, 456]);
  });

  it('zooms around the pointer, within limits, and pans with it', () => {
    const cam: Camera = { cx: 10, cy: 20, scale: 2 };
    const under = toLayout(cam, viewport, 600, 100);
    const zoomed = zoomAround(cam, viewport, 3, 600, 100, 0.5, 100);
    expect(zoomed.scale).toBe(6);
    const still = toLayout(zoomed, viewport, 600, 100);
    expect(still[0]).toBeCloseTo(under[0]);
    expect(still[1]).toBeCloseTo(under[1]);
    expect(zoomAround(cam, viewport, 1000, 600, 100, 0.5, 100).scale).toBe(100);
    expect(zoomAround(cam, viewport, 1e-6, 600, 100, 0.5, 100).scale).toBe(0.5);
    const panned = panBy(cam, 40, -20);
    const [sx, sy] = toScreen(panned, viewport, under[0], under[1]);
    expect(sx).toBeCloseTo(640);
    expect(sy).toBeCloseTo(80);
    const half = between(cam, zoomed, 0.5);
    expect(half.scale).toBeCloseTo(Math.sqrt(2 * 6));
    expect(between(cam, zoomed, 1)).toEqual(zoomed);
  });

  it('keeps cases between MIN_CASE_PX and MAX_CASE_PX on screen however far out or in', () => {
    expect(radiusScale({ cx: 0, cy: 0, scale: 0.01 }) * NODE_SIZES[0]).toBe(MIN_CASE_PX);
    expect(radiusScale({ cx: 0, cy: 0, scale: 10 })).toBe(10);
    expect(radiusScale({ cx: 0, cy: 0, scale: 500 }) * NODE_SIZES[0]).toBe(MAX_CASE_PX);
  });

  it('finds the nodes in a box and the node under a point, the one drawn on top first', () => {
    const model = buildModel(makeSyntheticPayload(400, 5, 3), {});
    const grid = new NodeGrid(model.x, model.y, model.box);
    const box = { x0: model.box.x0 + 50, x1: model.box.x0 + 120, y0: model.box.y0 + 10, y1: model.box.y0 + 90 };
    const found: number[] = [];
    grid.forEachIn(box, (v) => void found.push(v));
    const expected: number[] = [];
    for (let v = 0; v < model.n; v++) if (model.x[v] >= box.x0 && model.x[v] <= box.x1 && model.y[v] >= box.y0 && model.y[v] <= box.y1) expected.push(v);
    expect(found.sort((a, b) => a - b)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(5);
    let stopped = 0;
    grid.forEachIn(model.box, () => ++stopped < 3);
    expect(stopped).toBe(3);

    // Every node is found at its own position; a point between nodes finds nobody without slop.
    const rank = new Int32Array(model.n).map((_, v) => model.n - model.degree[v] * model.n + v);
    const radius = (v: number) => NODE_SIZES[Math.min(model.degree[v], 2)];
    for (let v = 0; v < model.n; v += 7) expect(grid.pick(model.x[v], model.y[v], radius, NODE_SIZES[0], 0, rank)).toBe(v);
    expect(grid.pick(model.box.x1 + 50, model.box.y1 + 50, radius, NODE_SIZES[0], 0, rank)).toBe(-1);
    const v = 0;
    expect(grid.pick(model.x[v] + radius(v) + 0.5, model.y[v], radius, NODE_SIZES[0], 0, rank)).not.toBe(v);
    expect(grid.pick(model.x[v] + radius(v) + 0.05, model.y[v], radius, NODE_SIZES[0], 0.1, rank)).toBe(v);
    // Overlapping discs (zoomed out, discs are larger than the layout spacing): the one drawn last wins.
    const big = () => 50;
    const hit = grid.pick(model.x[v], model.y[v], big, 50, 0, rank);
    let top = -1;
    for (let w = 0; w < model.n; w++) if (Math.hypot(model.x[w] - model.x[v], model.y[w] - model.y[v]) <= 50 && (top < 0 || rank[w] > rank[top])) top = w;
    expect(hit).toBe(top);
  });
});
