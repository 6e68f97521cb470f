// A jurisdiction is a subtree of admin units, identified by the path of its root ('20/178/').
// A unit (or a person living in it) is inside when its path starts with the jurisdiction's path.

export function isWithin(jurisdictionPath: string, unitPath: string): boolean {
  return unitPath.startsWith(jurisdictionPath);
}

/** Escapes a path for use as a LIKE prefix: paths hold digits and '/', but be safe. */
export function likePrefix(path: string): string {
  return path.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}
