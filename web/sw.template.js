// The service worker: keeps the app shell (the page and its hashed files) so the app opens
// without a network. API requests are never cached here: the app's data lives in IndexedDB.
// scripts/build.mjs fills in VERSION and SHELL from the build.
const VERSION = "__VERSION__";
const SHELL = __SHELL__;
const CACHE = "mirubato-shell-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("mirubato-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (/^\/(api|ops|dev)(\/|$)/.test(url.pathname)) return;
  if (req.mode === "navigate") {
    // The page: the network first (a deploy shows at once), the shell when offline.
    event.respondWith(fetch(req).catch(() => caches.match("/index.html", { cacheName: CACHE })));
    return;
  }
  // Hashed files never change: the cache first.
  event.respondWith(
    caches.match(req, { cacheName: CACHE }).then(
      (hit) =>
        hit ||
        fetch(req).then((resp) => {
          if (resp.ok && url.pathname.startsWith("/assets/")) {
            const copy = resp.clone();
            caches.open(CACHE).then((c) => c.put(req, copy));
          }
          return resp;
        }),
    ),
  );
});
