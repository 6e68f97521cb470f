// Answers to requests started by /early.js (web/public) before the app's code had loaded. Each is
// handed out once, only to the same request (GET, same language) and only soon after the page
// opened; anything else goes to the network as usual.

interface Early {
  lang: string;
  at: number;
  response: Promise<Response>;
}

declare global {
  interface Window {
    __chongdichEarly?: Record<string, Early | undefined>;
  }
}

/** Older answers are not used: the app asks again. */
const FRESH_MS = 10_000;

/** The early answer for `path` (as given to api(), without /api), or undefined. */
export function takeEarly(path: string, lang: string): Promise<Response> | undefined {
  const table = typeof window === 'undefined' ? undefined : window.__chongdichEarly;
  const early = table?.[path];
  if (!early) return undefined;
  table[path] = undefined;
  if (early.lang !== lang || Date.now() - early.at > FRESH_MS) return undefined;
  return early.response;
}
