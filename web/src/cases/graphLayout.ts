// Layout of a large, sparse, tree-like graph (transmission chains) in near-linear time, so 120,000 nodes
// are placed in a fraction of a second on the main thread, where a force layout would take minutes.
//
// Two levels:
// 1. Stars. Every contact hangs from its nearest hub (a case), found by a breadth-first search from all
//    hubs at once. Each hub's tree is drawn as a small bubble tree: leaves (F1 with no one after them) on a
//    tight ring round the case, contacts with contacts of their own further out with their F2 fanned
//    beyond. A star fits in a disc.
// 2. Generations. Hubs linked by any edge form a graph; each connected group is drawn as a layered tree of
//    star discs, root = its earliest hub (the index case), one row per generation, subtrees pushed together
//    along their contours (Reingold–Tilford style) so the tree stays narrow.
// The groups' bounding boxes are then packed in rows, tallest first. Edges outside the spanning trees
// (a contact exposed by two cases, a second infector) are simply drawn longer.

/** Radius a node occupies in layout units. */
const NODE_R = 1;
/** Extra space between neighbouring discs within a star. */
const GAP = 0.6;
/** Sector of a star left free towards a node's parent, so the edge from the parent does not cross the children. */
const PARENT_GAP = Math.PI / 2;
/** Space between stars side by side, and between generations. */
const H_GAP = 2;
const V_GAP = 4;
/** Space between packed groups. */
const MARGIN = 4;

export interface Layout {
  x: Float64Array;
  y: Float64Array;
  /** The hub each node hangs from (itself for a hub). */
  hubOf: Int32Array;
  /** Parent in the hub's star tree (-1 for a hub). */
  parent: Int32Array;
  /** Number of separately packed groups (connected components). */
  componentCount: number;
}

/** Undirected adjacency in compressed rows: the neighbours of v are adj[start[v]] … adj[start[v + 1] - 1]. */
function adjacency(n: number, edges: Int32Array | number[]) {
  const start = new Int32Array(n + 1);
  for (let i = 0; i < edges.length; i++) start[edges[i] + 1]++;
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const fill = start.slice(0, n);
  const adj = new Int32Array(edges.length);
  for (let i = 0; i < edges.length; i += 2) {
    const a = edges[i];
    const b = edges[i + 1];
    adj[fill[a]++] = b;
    adj[fill[b]++] = a;
  }
  return { start, adj };
}

/**
 * Lays out n nodes joined by `edges` (flat pairs of node indices, no self-loops). `hub` marks the nodes
 * that stars form round (cases); `rank` orders hubs in time (smaller = earlier) to pick each group's root
 * and the left-to-right order of a hub's successors. Deterministic: the same input gives the same layout.
 */
export function layoutGraph(n: number, edges: Int32Array, hub: Uint8Array, rank: Float64Array): Layout {
  const { start, adj } = adjacency(n, edges);

  // 1. Stars: multi-source BFS from the hubs. A node's children are discovered while it is dequeued,
  //    so they follow one another in `order`. Nodes no hub reaches start stars of their own.
  const hubOf = new Int32Array(n).fill(-1);
  const parent = new Int32Array(n).fill(-1);
  const order = new Int32Array(n);
  const firstChild = new Int32Array(n);
  const childCount = new Int32Array(n);
  let tail = 0;
  let head = 0;
  const spread = () => {
    while (head < tail) {
      const v = order[head++];
      for (let j = start[v]; j < start[v + 1]; j++) {
        const w = adj[j];
        if (hubOf[w] !== -1) continue;
        hubOf[w] = hubOf[v];
        parent[w] = v;
        if (childCount[v]++ === 0) firstChild[v] = tail;
        order[tail++] = w;
      }
    }
  };
  for (let v = 0; v < n; v++) {
    if (!hub[v]) continue;
    hubOf[v] = v;
    order[tail++] = v;
  }
  spread();
  for (let v = 0; v < n; v++) {
    if (hubOf[v] !== -1) continue;
    hubOf[v] = v;
    order[tail++] = v;
    spread();
  }

  // Bottom-up over the star trees: each node's disc (radius rho, centre offset ox/oy from the node) and
  // where each child goes in its parent's frame (lx, ly, rotation lr).
  const rho = new Float64Array(n);
  const ox = new Float64Array(n);
  const oy = new Float64Array(n);
  const lx = new Float64Array(n);
  const ly = new Float64Array(n);
  const lr = new Float64Array(n);
  const centreX = new Float64Array(n); // a child's disc centre relative to its parent, in the parent's frame
  const centreY = new Float64Array(n);
  const leaves: number[] = [];
  const subtrees: number[] = [];
  let minX = 0;
  let maxX = 0;
  let minY = 0;
  let maxY = 0;

  // Smallest ring radius, at least `least`, on which the discs of `kids` fit side by side within `sector`.
  const fitRing = (kids: number[], least: number, sector: number) => {
    let sum = 0;
    for (const w of kids) sum += rho[w] + GAP / 2;
    let D = Math.max(least, (2 * sum) / sector);
    for (;;) {
      let used = 0;
      for (const w of kids) used += 2 * Math.asin(Math.min(1, (rho[w] + GAP / 2) / D));
      if (used <= sector) return D;
      D *= Math.max(1.01, used / sector);
    }
  };
  // Spreads `kids` evenly over `sector` on the ring of radius D, starting at `from`.
  const placeOnRing = (kids: number[], D: number, sector: number, from: number) => {
    let used = 0;
    for (const w of kids) used += 2 * Math.asin(Math.min(1, (rho[w] + GAP / 2) / D));
    const extra = (sector - used) / kids.length;
    let cursor = from;
    for (const w of kids) {
      const half = Math.asin(Math.min(1, (rho[w] + GAP / 2) / D));
      const phi = cursor + extra / 2 + half;
      cursor += 2 * half + extra;
      const cos = Math.cos(phi);
      const sin = Math.sin(phi);
      // The child's subtree is turned so that its disc lies outward, its root on the side facing the parent.
      const d = Math.sqrt(ox[w] * ox[w] + oy[w] * oy[w]);
      lx[w] = (D - d) * cos;
      ly[w] = (D - d) * sin;
      lr[w] = phi - (d > 1e-9 ? Math.atan2(oy[w], ox[w]) : 0);
      const px = D * cos;
      const py = D * sin;
      centreX[w] = px;
      centreY[w] = py;
      minX = Math.min(minX, px - rho[w]);
      maxX = Math.max(maxX, px + rho[w]);
      minY = Math.min(minY, py - rho[w]);
      maxY = Math.max(maxY, py + rho[w]);
    }
  };

  for (let i = n - 1; i >= 0; i--) {
    const v = order[i];
    const k = childCount[v];
    rho[v] = NODE_R;
    if (k === 0) continue;
    const a = firstChild[v];
    leaves.length = 0;
    subtrees.length = 0;
    for (let j = a; j < a + k; j++) (childCount[order[j]] === 0 ? leaves : subtrees).push(order[j]);
    const isHub = parent[v] === -1;
    const sector = isHub ? 2 * Math.PI : 2 * Math.PI - PARENT_GAP;
    const from = isHub ? 0 : -sector / 2;
    minX = minY = -NODE_R;
    maxX = maxY = NODE_R;
    // Children with no one after them sit on a tight inner ring (a case's F1 close round it); children with
    // their own subtrees go on an outer ring beyond.
    let inner = NODE_R;
    if (leaves.length) {
      const D = fitRing(leaves, 2 * NODE_R + GAP, sector);
      placeOnRing(leaves, D, sector, from);
      inner = D + NODE_R;
    }
    if (subtrees.length) {
      let largest = 0;
      for (const w of subtrees) largest = Math.max(largest, rho[w]);
      placeOnRing(subtrees, fitRing(subtrees, inner + GAP + largest, sector), sector, from);
    }
    // Enclosing disc: centred on the bounding box, large enough for the node and every child disc.
    const cx = (minX + maxX) / 2;
    const cy = (minY + maxY) / 2;
    let r = Math.sqrt(cx * cx + cy * cy) + NODE_R;
    for (let j = a; j < a + k; j++) {
      const w = order[j];
      const dx = centreX[w] - cx;
      const dy = centreY[w] - cy;
      r = Math.max(r, Math.sqrt(dx * dx + dy * dy) + rho[w]);
    }
    rho[v] = r;
    ox[v] = cx;
    oy[v] = cy;
  }

  // 2. Generations: the graph of hubs, then per group a layered tree of star discs.
  const hubs: number[] = [];
  const hubIndex = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    if (hubOf[v] === v) {
      hubIndex[v] = hubs.length;
      hubs.push(v);
    }
  }
  const H = hubs.length;
  const hubPairs: number[] = [];
  for (let i = 0; i < edges.length; i += 2) {
    const a = hubIndex[hubOf[edges[i]]];
    const b = hubIndex[hubOf[edges[i + 1]]];
    if (a !== b) hubPairs.push(a, b);
  }
  const hubGraph = adjacency(H, hubPairs);
  const hubRank = (h: number) => rank[hubs[h]];
  // Successors are visited earliest first, so earlier infections sit to the left.
  // (an insertion sort in place: most stars have a handful of neighbours)
  const hubAdj = hubGraph.adj;
  for (let h = 0; h < H; h++) {
    const lo = hubGraph.start[h];
    const hi = hubGraph.start[h + 1];
    for (let i = lo + 1; i < hi; i++) {
      const q = hubAdj[i];
      const rq = hubRank(q);
      let j = i - 1;
      while (j >= lo && (hubRank(hubAdj[j]) > rq || (hubRank(hubAdj[j]) === rq && hubAdj[j] > q))) {
        hubAdj[j + 1] = hubAdj[j];
        j--;
      }
      hubAdj[j + 1] = q;
    }
  }

  const group = new Int32Array(H).fill(-1);
  const hubParent = new Int32Array(H).fill(-1);
  const depth = new Int32Array(H);
  const hubOrder = new Int32Array(H);
  const relX = new Float64Array(H); // x of a hub's disc centre relative to its tree parent's
  const X = new Float64Array(H);
  const Y = new Float64Array(H); // downwards from the top of the group
  const groupBox: { x0: number; x1: number; height: number }[] = [];
  const members: number[] = [];
  let placed = 0;
  for (let s = 0; s < H; s++) {
    if (group[s] !== -1) continue;
    const g = groupBox.length;
    // Find the group and its earliest hub, the root.
    members.length = 0;
    members.push(s);
    group[s] = g;
    let root = s;
    for (let i = 0; i < members.length; i++) {
      const h = members[i];
      if (hubRank(h) < hubRank(root) || (hubRank(h) === hubRank(root) && h < root)) root = h;
      for (let j = hubGraph.start[h]; j < hubGraph.start[h + 1]; j++) {
        const w = hubGraph.adj[j];
        if (group[w] === -1) {
          group[w] = g;
          members.push(w);
        }
      }
    }
    // BFS tree from the root: generations.
    const first = placed;
    hubOrder[placed++] = root;
    depth[root] = 0;
    const seen = new Set<number>([root]);
    for (let i = first; i < placed; i++) {
      const h = hubOrder[i];
      for (let j = hubGraph.start[h]; j < hubGraph.start[h + 1]; j++) {
        const w = hubGraph.adj[j];
        if (seen.has(w)) continue;
        seen.add(w);
        hubParent[w] = h;
        depth[w] = depth[h] + 1;
        hubOrder[placed++] = w;
      }
    }
    // Row heights: each generation as tall as its largest star.
    let levels = 0;
    for (let i = first; i < placed; i++) levels = Math.max(levels, depth[hubOrder[i]] + 1);
    const rowH = new Float64Array(levels);
    for (let i = first; i < placed; i++) {
      const h = hubOrder[i];
      rowH[depth[h]] = Math.max(rowH[depth[h]], 2 * rho[hubs[h]] + V_GAP);
    }
    const rowTop = new Float64Array(levels + 1);
    for (let d = 0; d < levels; d++) rowTop[d + 1] = rowTop[d] + rowH[d];

    // Bottom-up: each subtree's left and right contour (per generation below it, relative to its hub);
    // each next sibling is pushed right until it clears the ones before at every generation.
    const leftOf = new Map<number, number[]>();
    const rightOf = new Map<number, number[]>();
    for (let i = placed - 1; i >= first; i--) {
      const h = hubOrder[i];
      const r = rho[hubs[h]];
      const accL: number[] = [];
      const accR: number[] = [];
      const kids: number[] = [];
      for (let j = hubGraph.start[h]; j < hubGraph.start[h + 1]; j++) {
        const w = hubGraph.adj[j];
        // (parallel links between two stars repeat a neighbour; the list is sorted, so repeats are adjacent)
        if (hubParent[w] === h && kids[kids.length - 1] !== w) kids.push(w);
      }
      for (const c of kids) {
        const L = leftOf.get(c)!;
        const R = rightOf.get(c)!;
        let shift = 0;
        if (accR.length) {
          shift = -Infinity;
          for (let k = 0; k < Math.min(L.length, accR.length); k++) shift = Math.max(shift, accR[k] - L[k] + H_GAP);
        }
        relX[c] = shift;
        for (let k = 0; k < L.length; k++) {
          if (k >= accL.length) accL.push(L[k] + shift);
          if (k < accR.length) accR[k] = R[k] + shift;
          else accR.push(R[k] + shift);
        }
        leftOf.delete(c);
        rightOf.delete(c);
      }
      // The hub sits centred above its first and last child.
      const mid = kids.length ? (relX[kids[0]] + relX[kids[kids.length - 1]]) / 2 : 0;
      for (const c of kids) relX[c] -= mid;
      const left = new Array<number>(accL.length + 1);
      const right = new Array<number>(accR.length + 1);
      left[0] = -r;
      right[0] = r;
      for (let k = 0; k < accL.length; k++) left[k + 1] = accL[k] - mid;
      for (let k = 0; k < accR.length; k++) right[k + 1] = accR[k] - mid;
      leftOf.set(h, left);
      rightOf.set(h, right);
    }
    let x0 = Infinity;
    let x1 = -Infinity;
    for (let i = first; i < placed; i++) {
      const h = hubOrder[i];
      X[h] = h === root ? 0 : X[hubParent[h]] + relX[h];
      Y[h] = rowTop[depth[h]] + rowH[depth[h]] / 2;
      x0 = Math.min(x0, X[h] - rho[hubs[h]]);
      x1 = Math.max(x1, X[h] + rho[hubs[h]]);
    }
    groupBox.push({ x0, x1, height: rowTop[levels] - V_GAP });
  }

  // 3. Pack the groups' boxes: rows, and within a row columns filled top to bottom, tallest first.
  const G = groupBox.length;
  const w = groupBox.map((b) => b.x1 - b.x0 + MARGIN);
  const h = groupBox.map((b) => b.height + MARGIN);
  const byHeight = groupBox.map((_, g) => g).sort((a, b) => h[b] - h[a] || w[b] - w[a] || a - b);
  const width = Math.max(w.reduce((m, wi) => Math.max(m, wi), 0), Math.sqrt(w.reduce((s, wi, g) => s + wi * h[g], 0)) * 1.2);
  const shiftX = new Float64Array(G);
  const shiftY = new Float64Array(G);
  let rowY = 0;
  let rowHeight = -1;
  let colX = 0;
  let colW = 0;
  let colY = 0;
  for (const g of byHeight) {
    if (rowHeight < 0) {
      rowHeight = h[g];
      colW = w[g];
    } else if (colY + h[g] > rowHeight || w[g] > colW) {
      colX += colW;
      colY = 0;
      colW = w[g];
      if (colX + w[g] > width) {
        rowY += rowHeight;
        rowHeight = h[g];
        colX = 0;
      }
    }
    shiftX[g] = colX - groupBox[g].x0;
    shiftY[g] = rowY + colY;
    colY += h[g];
  }

  // 4. Absolute positions: star discs where the generations put them, nodes where their star puts them.
  //    Sigma's y axis points up, so rows and generations run downwards by negating y.
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const theta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = order[i];
    const p = parent[v];
    if (p === -1) {
      const hb = hubIndex[v];
      const g = group[hb];
      x[v] = X[hb] + shiftX[g] - ox[v];
      y[v] = -(Y[hb] + shiftY[g]) - oy[v];
      continue;
    }
    const cos = Math.cos(theta[p]);
    const sin = Math.sin(theta[p]);
    x[v] = x[p] + cos * lx[v] - sin * ly[v];
    y[v] = y[p] + sin * lx[v] + cos * ly[v];
    theta[v] = theta[p] + lr[v];
  }

  return { x, y, hubOf, parent, componentCount: G };
}
