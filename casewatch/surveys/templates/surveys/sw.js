/* casewatch survey service worker: keeps the form pages and their two static files so that a
   form opened once can be reloaded without a connection. Answers never pass through here: the
   page queues them in localStorage and posts them itself (POST requests are not intercepted). */
var CACHE = "{{ version }}";
var ASSETS = {{ assets|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var isForm = /^\/surveys\/(t|p)\//.test(url.pathname);
  var isAsset = ASSETS.indexOf(url.pathname) >= 0;
  if (!isForm && !isAsset) { return; }
  if (isAsset) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  // Form pages: the network first (the invitation may have been used meanwhile), the copy offline.
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () { return caches.match(request); }));
});
