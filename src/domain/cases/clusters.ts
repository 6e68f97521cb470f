// Cluster proposal (ổ dịch / chùm ca bệnh): cases linked by the contact graph (directly, through a
// shared contact, or along a chain of contacts), by a household or by a venue, split where the
// report dates leave a gap longer than the window. Union–find over people, linear in the input.

export interface ClusterCase {
  id: number;
  personId: number;
  reportDate: string;
  householdId: string | null;
}

export interface ClusterEdge {
  sourcePersonId: number;
  personId: number;
}

/** A case at a venue on a date (from check-ins), when the check-in area provides them. */
export interface VenueVisit {
  caseId: number;
  venue: string;
}

export type ClusterLink = 'contacts' | 'household' | 'venue' | 'mixed';

export interface ProposedCluster {
  caseIds: number[];
  firstDate: string;
  lastDate: string;
  link: ClusterLink;
}

class UnionFind {
  private parent = new Map<string, string>();
  find(x: string): string {
    let root = x;
    for (let p = this.parent.get(root); p !== undefined && p !== root; p = this.parent.get(root)) root = p;
    // Path compression.
    for (let cur = x, p = this.parent.get(cur); p !== undefined && p !== root; cur = p, p = this.parent.get(cur)) this.parent.set(cur, root);
    if (!this.parent.has(x)) this.parent.set(x, x);
    return root;
  }
  union(a: string, b: string) {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

export function proposeClusters(cases: ClusterCase[], edges: ClusterEdge[], opts: { windowDays: number; minSize?: number; venues?: VenueVisit[] }): ProposedCluster[] {
  const minSize = opts.minSize ?? 2;
  const uf = new UnionFind();
  const links = new Map<string, Set<ClusterLink>>();
  const mark = (key: string, link: ClusterLink) => {
    let s = links.get(key);
    if (!s) links.set(key, (s = new Set()));
    s.add(link);
  };
  const p = (id: number) => `p${id}`;
  for (const e of edges) {
    uf.union(p(e.sourcePersonId), p(e.personId));
    mark(p(e.personId), 'contacts');
  }
  for (const c of cases) {
    if (c.householdId) {
      uf.union(p(c.personId), `h${c.householdId}`);
      mark(p(c.personId), 'household');
    }
  }
  const byCase = new Map(cases.map((c) => [c.id, c]));
  for (const v of opts.venues ?? []) {
    const c = byCase.get(v.caseId);
    if (!c) continue;
    uf.union(p(c.personId), `v${v.venue}`);
    mark(p(c.personId), 'venue');
  }

  // Group the cases by component, then split each component at gaps longer than the window.
  const groups = new Map<string, ClusterCase[]>();
  for (const c of cases) {
    const root = uf.find(p(c.personId));
    const g = groups.get(root);
    if (g) g.push(c);
    else groups.set(root, [c]);
  }
  const out: ProposedCluster[] = [];
  for (const g of groups.values()) {
    if (g.length < minSize) continue;
    g.sort((a, b) => (a.reportDate < b.reportDate ? -1 : a.reportDate > b.reportDate ? 1 : a.id - b.id));
    let run: ClusterCase[] = [];
    const flush = () => {
      if (run.length >= minSize) {
        const kinds = new Set<ClusterLink>();
        for (const c of run) for (const k of links.get(p(c.personId)) ?? []) kinds.add(k);
        const link: ClusterLink = kinds.size === 1 ? [...kinds][0] : kinds.size === 0 ? 'contacts' : 'mixed';
        out.push({ caseIds: run.map((c) => c.id), firstDate: run[0].reportDate, lastDate: run[run.length - 1].reportDate, link });
      }
      run = [];
    };
    for (const c of g) {
      if (run.length && dayNumber(c.reportDate) - dayNumber(run[run.length - 1].reportDate) > opts.windowDays) flush();
      run.push(c);
    }
    flush();
  }
  return out.sort((a, b) => b.caseIds.length - a.caseIds.length || a.firstDate.localeCompare(b.firstDate));
}
