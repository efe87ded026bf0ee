/* Service worker of the visit form, scope /inspections/visits/ (served by the visit_service_worker
   view, which puts self.DUDAO_PRECACHE above this text).

   It keeps the new-visit form, the draft forms opened before and the static assets on the device,
   so the form opens without a connection and visit-form.js restores the draft from localStorage
   and IndexedDB. Network first, the cache only as a fallback; only GET requests of this site are
   touched: the JSON sync and the uploads always go to the network. */
var PRECACHE = self.DUDAO_PRECACHE || { version: "0", pages: [], assets: [] };
var PREFIX = "dudao-visit-form-";
var CACHE = PREFIX + PRECACHE.version;
var FORM_PAGE = /\/visits\/(add\/|\d+\/edit\/)$/;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(PRECACHE.pages.concat(PRECACHE.assets).map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return cache.put(url, response);
          return undefined;
        }).catch(function () { return undefined; });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf(PREFIX) === 0 && k !== CACHE; })
        .map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function cacheable(request, url) {
  if (request.method !== "GET" || url.origin !== self.location.origin) return false;
  if (url.pathname.indexOf("/static/") === 0) return true;
  return request.mode === "navigate" && FORM_PAGE.test(url.pathname);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (!cacheable(request, url)) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && !response.redirected && response.type === "basic") {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(url.origin + url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(CACHE).then(function (cache) {
        return cache.match(request, { ignoreSearch: true });
      }).then(function (hit) { return hit || Response.error(); });
    })
  );
});
