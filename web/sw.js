// Service worker: keeps one build of the app (the shell, the wasm and the
// dataset) in the Cache API so the app works with the network off after
// the first visit.
//
// loader.js registers it as sw.js?build=<build> (the build id from
// assets.json). A deploy changes the build id, so on the next visit the
// page registers a different script URL and the browser installs a new
// worker: it caches the new build, takes over and deletes the old cache;
// the page then shows "A new version is ready" (#update-banner).
"use strict";

var BUILD = new URL(self.location.href).searchParams.get("build") || "unversioned";
var PREFIX = "policy-sentry-";
var CACHE = PREFIX + BUILD;

// The shell: every file index.html loads, and the account audit's
// worker (auditworker.js). OPTIONAL files may be missing without failing
// the install.
var SHELL = ["./", "index.html", "app.css", "loader.js", "wasm_exec.js", "vugu-helper.js", "auditworker.js", "manifest.json"];
var OPTIONAL = ["icon.svg", "site.webmanifest"];

self.addEventListener("install", function (event) {
  event.waitUntil((async function () {
    // assets.json names the content-hashed wasm and dataset of this deploy.
    var resp = await fetch("assets.json", { cache: "no-cache" });
    if (!resp.ok) { throw new Error("assets.json: HTTP " + resp.status); }
    var assets = await resp.clone().json();
    var cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map(function (u) { return new Request(u, { cache: "no-cache" }); }));
    await cache.addAll([assets.wasm, assets.dataset]); // immutable: the HTTP cache may answer
    await cache.put("assets.json", resp);
    await Promise.all(OPTIONAL.map(function (u) { return cache.add(u).catch(function () {}); }));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", function (event) {
  event.waitUntil((async function () {
    var keys = await caches.keys();
    await Promise.all(keys.filter(function (k) { return k.indexOf(PREFIX) === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
    await self.clients.claim();
  })());
});

// Cache first: the page always runs the build this worker cached, so the
// shell, the wasm and the dataset never mix versions. Anything not cached
// goes to the network; so does loader.js's "assets.json?latest" check.
self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin || url.searchParams.has("latest")) { return; }
  event.respondWith((async function () {
    var cache = await caches.open(CACHE);
    var hit = await cache.match(req, { ignoreVary: true, ignoreSearch: req.mode === "navigate" });
    if (hit && hit.redirected) {
      // A host that redirects (index.html to /, say) left a redirected
      // response, which browsers refuse for a navigation: serve a copy.
      hit = new Response(hit.body, { status: hit.status, statusText: hit.statusText, headers: hit.headers });
    }
    return hit || fetch(req);
  })());
});
