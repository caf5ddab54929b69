// The service worker: keeps the app shell for offline use and sends the outbox by Background Sync.
// Served at /sw.js by companion/pwa.py, which puts CONFIG (version, assets, offline page) above this.
/* global CONFIG, companionOutbox */
importScripts("/static/sync.js");

const STATIC = "companion-static-" + CONFIG.version;
// Home and Write as the signed-in client last saw them: per person, emptied at logout.
const PAGES = "companion-pages";
const SHELL_PATHS = ["/", "/notes/new"];
const OWNER = "/__owner";
const NETWORK_WAIT = 6000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC)
    .then((cache) => cache.addAll([...CONFIG.assets, CONFIG.offline]))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys
      .filter((key) => key.startsWith("companion-static-") && key !== STATIC)
      .map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

async function owner(cache) {
  const marker = await cache.match(OWNER);
  return marker ? marker.text() : null;
}

// Keep a shell page only if the server marked it as one; forget every kept page when
// nobody, or somebody else, is signed in.
async function remember(path, response) {
  if (!(response.headers.get("Content-Type") || "").startsWith("text/html")) return;
  const user = response.headers.get("X-Companion-User");
  if (!user) {
    await caches.delete(PAGES);
    return;
  }
  let cache = await caches.open(PAGES);
  if ((await owner(cache)) !== user) {
    await caches.delete(PAGES);
    cache = await caches.open(PAGES);
    await cache.put(OWNER, new Response(user));
  }
  if (SHELL_PATHS.includes(path) && response.headers.get("X-Companion-Shell") === "1") {
    await cache.put(path, response);
  }
}

async function fallback(path) {
  const pages = await caches.open(PAGES);
  if (SHELL_PATHS.includes(path)) {
    const page = await pages.match(path);
    if (page) return page;
  }
  return (await caches.match(CONFIG.offline)) || Response.error();
}

async function navigate(event) {
  const url = new URL(event.request.url);
  const network = fetch(event.request).then(async (response) => {
    // A redirect (to the login page, say) is opaque here; the page it leads to is seen next.
    if (response.ok && response.type === "basic") {
      await remember(url.pathname, response.clone()).catch(() => {});
    }
    return response;
  });
  if (!SHELL_PATHS.includes(url.pathname)) {
    return network.catch(() => fallback(url.pathname));
  }
  // On a weak signal the kept page opens after a few seconds instead of never.
  const slow = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT));
  return Promise.race([network, slow.then(() => caches.open(PAGES)
    .then((cache) => cache.match(url.pathname))
    .then((page) => page || network))])
    .catch(() => fallback(url.pathname));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  // The API and every page with notes, agendas or reports go to the network only.
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else if (CONFIG.assets.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname, { cacheName: STATIC })
      .then((hit) => hit || fetch(request)));
  }
});

async function tellPages(result) {
  const pages = await self.clients.matchAll({ type: "window" });
  pages.forEach((page) => page.postMessage({ type: "outbox", result }));
}

self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") {
    event.waitUntil(companionOutbox.flush().then(tellPages));
  }
});

// Right after a login the client may go offline at once (a note on the train home): keep
// Home and Write now, not only after a first visit online. Each is fetched once per person.
async function warm() {
  const cache = await caches.open(PAGES);
  for (const path of SHELL_PATHS) {
    if (await cache.match(path)) continue;
    const response = await fetch(path, { credentials: "same-origin", cache: "no-store" }).catch(() => null);
    if (!response || !response.ok || response.redirected) return;
    await remember(path, response);
  }
}

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "forget") {
    event.waitUntil(caches.delete(PAGES));
  } else if (event.data && event.data.type === "warm") {
    event.waitUntil(warm().catch(() => {}));
  }
});

// A reminder from `companion remind`: a title, a line of text and where a tap leads. The
// server never puts a note, a worry or a report in one: a lock screen is not private.
self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  const actions = Array.isArray(data.actions) ? data.actions : [];
  event.waitUntil(self.registration.showNotification(data.title || "Companion", {
    body: data.body || "",
    tag: data.tag,
    icon: "/static/icons/icon-192.png",
    badge: "/static/icons/icon-192.png",
    data: { url: data.url || "/", actions },
    actions: actions.map((a) => ({ action: a.action, title: a.title })),
  }));
});

// Where a tap on a notification (or one of its buttons) leads: a page of this app only.
function notificationTarget(data, action) {
  const chosen = ((data && data.actions) || []).find((a) => a.action === action);
  const target = new URL((chosen || data || {}).url || "/", self.location.origin);
  return target.origin === self.location.origin ? target.href : new URL("/", self.location.origin).href;
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = notificationTarget(event.notification.data, event.action);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true })
    .then((pages) => {
      const same = pages.find((page) => page.url === target);
      if (same) return same.focus();
      // The app is open already: that window goes to the page (controlled ones can navigate).
      const open = pages.find((page) => "navigate" in page);
      if (!open) return self.clients.openWindow(target);
      return open.navigate(target)
        .then((page) => page && page.focus().catch(() => {}))
        .catch(() => self.clients.openWindow(target));
    }));
});
