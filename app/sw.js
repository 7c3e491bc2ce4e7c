// Jifen's service worker: keeps the app shell for weak networks; never caches the API.
// `cargo xtask web` fills in the version and the shell's hashed file names.
const VERSION = "{{VERSION}}";
const CACHE = "jifen-shell-" + VERSION;
const SHELL = {{SHELL}};
// How long a page load waits for the network before the cached shell is shown.
const NAVIGATION_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("jifen-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function isNeverCached(url) {
  return url.pathname.startsWith("/api/") || url.pathname === "/healthz" || url.pathname === "/readyz" || url.pathname === "/metrics";
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || isNeverCached(url)) return;
  if (request.mode === "navigate") {
    // Network first (a new release shows at once), the cached shell when the network is slow or gone.
    const network = fetch(request);
    const timeout = new Promise((resolve) => setTimeout(resolve, NAVIGATION_TIMEOUT_MS));
    // A proxy's error page (5xx during a deploy) is no better than no answer.
    const usable = network.then((response) => (response.ok ? response : undefined), () => undefined);
    event.respondWith(
      Promise.race([usable, timeout])
        .then((response) => response || caches.match("/index.html"))
        .then((response) => response || network),
    );
    return;
  }
  // Shell files: cache first. Hashed assets never change, and the cache's name carries a hash
  // of every other shell file, so a changed icon or manifest arrives with a new worker.
  event.respondWith(caches.match(request).then((cached) => cached || fetch(request)));
});
