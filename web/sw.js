// Driftlab's service worker: after one visit the app opens and runs with no network (a
// classroom without internet). Registered by index.html; its scope is the folder it is
// served from, so the app works under any sub-path.
//
// - On install, the page (index.html) and every file it names (the hashed .js, .wasm and
//   .css that Trunk writes, the manifest, the icons) are fetched into the cache.
// - A page load asks the network first (a new build shows at once) and falls back to the
//   cached page when there is no network.
// - Any other file of the app comes from the cache, else from the network (and is then
//   cached): Trunk's file names carry a hash of their content, so a cached copy is never
//   stale.
// - The companion's live time API (/api/) is never cached.
// - When a newer page is cached, files named by no cached page are deleted.
const CACHE = 'driftlab-app';
const scope = new URL(self.registration.scope);

/** The same-origin files a page names in `href="…"` or `src="…"`, as absolute URLs. */
function namedFiles(html, base) {
  const urls = new Set();
  for (const m of html.matchAll(/\b(?:href|src)="([^"#?]+)"/g)) {
    const url = new URL(m[1], base);
    if (url.origin === scope.origin && url.pathname.startsWith(scope.pathname)) urls.add(url.href);
  }
  return urls;
}

/** Caches the page at `pageUrl` and every file it names; deletes files no longer named. */
async function cachePage(cache, pageUrl, response) {
  const html = await response.clone().text();
  const named = namedFiles(html, pageUrl);
  await cache.put(pageUrl, response);
  await Promise.all(
    [...named].map(async (url) => {
      if (await cache.match(url)) return;
      const res = await fetch(url, { cache: 'no-cache' });
      if (res.ok) await cache.put(url, res);
    }),
  );
  const keep = new Set([pageUrl, ...named]);
  for (const req of await cache.keys()) {
    if (!keep.has(req.url)) await cache.delete(req);
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const page = await fetch(scope.href, { cache: 'no-cache' });
      if (!page.ok) throw new Error(`cannot fetch the page: ${page.status}`);
      await cachePage(cache, scope.href, page);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  if (url.pathname.startsWith(`${scope.pathname}api/`)) return;
  if (req.mode === 'navigate') {
    event.respondWith(
      (async () => {
        const cache = await caches.open(CACHE);
        try {
          const res = await fetch(req);
          if (res.ok) event.waitUntil(cachePage(cache, scope.href, res.clone()));
          return res;
        } catch (err) {
          // Every page of the app is the same index.html; the query picks the view.
          const cached = await cache.match(scope.href);
          if (cached) return cached;
          throw err;
        }
      })(),
    );
    return;
  }
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const cached = await cache.match(req, { ignoreSearch: true });
      if (cached) return cached;
      const res = await fetch(req);
      if (res.ok) event.waitUntil(cache.put(req, res.clone()));
      return res;
    })(),
  );
});
