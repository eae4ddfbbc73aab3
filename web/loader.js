// Boots the app: downloads the WebAssembly with a progress bar, then runs
// it. File names come from assets.json, written by `make dist`, so the
// content-hashed names live in one place.
(function () {
  "use strict";
  // Vugu installs its DOM helper with eval(), which the Content Security
  // Policy forbids. vugu-helper.js has already defined it, so the eval
  // call can be skipped safely.
  var realEval = window.eval;
  window.eval = function (src) {
    if (window.vuguRender) { return undefined; }
    return realEval(src);
  };

  var bar = document.getElementById("boot-progress");
  var status = document.getElementById("boot-status");
  var retry = document.getElementById("boot-retry");

  function fail(msg) {
    status.textContent = "error: " + msg;
    retry.hidden = false;
  }

  async function fetchWithProgress(url, label) {
    var resp = await fetch(url);
    if (!resp.ok) { throw new Error(url + ": HTTP " + resp.status); }
    var total = Number(resp.headers.get("Content-Length")) || 0;
    if (!resp.body || !resp.body.getReader) { return new Uint8Array(await resp.arrayBuffer()); }
    var reader = resp.body.getReader();
    var chunks = [], got = 0;
    for (;;) {
      var r = await reader.read();
      if (r.done) { break; }
      chunks.push(r.value);
      got += r.value.length;
      if (total > 0) { bar.value = Math.min(100, Math.round(got * 100 / total)); }
      status.textContent = label + " " + Math.round(got / 1024) + " KB";
    }
    var out = new Uint8Array(got), off = 0;
    chunks.forEach(function (c) { out.set(c, off); off += c.length; });
    return out;
  }

  async function boot() {
    retry.hidden = true;
    try {
      var assets = window.policySentryAssets;
      if (!assets) {
        var a = await fetch("assets.json", { cache: "no-cache" });
        if (!a.ok) { throw new Error("assets.json: HTTP " + a.status); }
        assets = await a.json();
      }
      var bytes = assets.wasmBytes || await fetchWithProgress(assets.wasm, "loading the app…");
      if (typeof bytes === "function") { bytes = await bytes(); }
      status.textContent = "starting…";
      var go = new Go();
      var result = await WebAssembly.instantiate(bytes, go.importObject);
      go.run(result.instance);
      offline(assets);
    } catch (e) {
      fail(e.message || String(e));
    }
  }
  // Offline support (web/sw.js): once the app is ready, and only over
  // http(s) (a saved file:// bundle has no service worker), register the
  // service worker for the running build. If a newer build is deployed,
  // registering its script URL installs it; when it takes over, the page
  // says a new version is ready.
  function offline(assets) {
    if (!("serviceWorker" in navigator) || !/^https?:$/.test(location.protocol) || !assets.build) { return; }
    var start = async function () {
      var build = assets.build;
      try {
        var r = await fetch("assets.json?latest", { cache: "no-store" });
        if (r.ok) { build = (await r.json()).build || build; }
      } catch (e) { /* offline: keep the running build */ }
      if (build !== assets.build) {
        navigator.serviceWorker.addEventListener("controllerchange", function () {
          document.getElementById("update-banner").hidden = false;
        });
      }
      await navigator.serviceWorker.register("sw.js?build=" + encodeURIComponent(build));
    };
    var run = function () { start().catch(function (e) { console.warn("service worker:", e); }); };
    if (document.body.hasAttribute("data-ready")) { run(); return; }
    var mo = new MutationObserver(function () {
      if (document.body.hasAttribute("data-ready")) { mo.disconnect(); run(); }
    });
    mo.observe(document.body, { attributes: true, attributeFilter: ["data-ready"] });
  }
  document.getElementById("update-reload").addEventListener("click", function () { location.reload(); });
  retry.addEventListener("click", boot);
  window.policySentryBoot = boot;
  if (!window.policySentryManualBoot) { boot(); }
})();
