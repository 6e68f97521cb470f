// Answers to the requests public/boot.js started before the app loaded, each usable once.
interface BootAnswer {
  status: number;
  body: unknown;
}

declare global {
  interface Window {
    __chongdichBoot?: Record<string, Promise<BootAnswer> | undefined>;
  }
}

/** The early answer for an API path (without /api), or null when there is none (or it was taken). */
export function takeBoot(path: string): Promise<BootAnswer> | null {
  const boot = window.__chongdichBoot;
  const p = boot?.[path];
  if (!p) return null;
  delete boot[path];
  return p;
}

/** GETs through the early answer when it succeeded, otherwise through `fetcher`. */
export async function viaBoot<T>(path: string, fetcher: () => Promise<T>): Promise<T> {
  const early = takeBoot(path);
  if (early) {
    const a = await early;
    if (a.status === 200) return a.body as T;
  }
  return fetcher();
}
