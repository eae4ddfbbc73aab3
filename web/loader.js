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
  var retryLine = document.getElementById("boot-retry-line");
  var datasetNote = "";

  function fail(msg) {
    status.textContent = "error: could not start the app (" + msg + "). Check the connection and retry.";
    retryLine.hidden = false;
  }

  function showProgress(got, total, label) {
    if (total > 0) { bar.value = Math.min(100, Math.round(got * 100 / total)); }
    status.textContent = label + " " + Math.round(got / 1024) + " KB" + datasetNote;
  }

  // loadWasm downloads and instantiates the app. Served as
  // application/wasm it compiles while downloading (and the browser can
  // cache the compiled code); a clone of the response drives the progress
  // bar. total is the raw size from assets.json: a compressed response's
  // Content-Length is not.
  async function loadWasm(url, total, importObject) {
    var resp = await fetch(url);
    if (!resp.ok) { throw new Error(url + ": HTTP " + resp.status); }
    total = total || Number(resp.headers.get("Content-Length")) || 0;
    var label = "loading the app…";
    if (WebAssembly.instantiateStreaming && resp.body && /^application\/wasm/.test(resp.headers.get("Content-Type") || "")) {
      // The bytes are counted on their way to the compiler: reading a
      // clone of the response instead made cold start-up slower.
      var got = 0;
      var counted = resp.body.pipeThrough(new TransformStream({
        transform: function (chunk, ctl) {
          got += chunk.length;
          showProgress(got, total, label);
          ctl.enqueue(chunk);
        }
      }));
      var streamed = await WebAssembly.instantiateStreaming(new Response(counted, { headers: { "Content-Type": "application/wasm" } }), importObject);
      return streamed;
    }
    var bytes = await readBytes(resp, function (got) { showProgress(got, total, label); });
    return WebAssembly.instantiate(bytes, importObject);
  }

  // prefetchDataset downloads the dataset while the wasm downloads and
  // compiles, and computes its sha256 with the browser's SubtleCrypto
  // (native code, off the main thread) so that the app, once running,
  // only compares it with the manifest (platform_wasm.go) and decodes.
  // The app reports any error with a Retry; while it waits it may set
  // window.policySentryDatasetProgress(done, total) to show progress.
  function prefetchDataset() {
    var p = fetch("manifest.json", { cache: "no-cache" }).then(function (r) {
      if (!r.ok) { throw new Error("fetching manifest.json: HTTP " + r.status); }
      return r.json();
    }).then(async function (m) {
      var resp = await fetch(m.file);
      if (!resp.ok) { throw new Error("fetching " + m.file + ": HTTP " + resp.status); }
      var bytes = await readBytes(resp, function (done) {
        if (typeof window.policySentryDatasetProgress === "function") { window.policySentryDatasetProgress(done, m.size || 0); }
      });
      return { manifest: m, bytes: bytes, sha256: await sha256Hex(bytes) };
    });
    p.catch(function () {}); // reported by the app
    window.policySentryDataset = p;
  }

  // readBytes reads a response body, calling progress(bytes so far).
  async function readBytes(resp, progress) {
    if (!resp.body || !resp.body.getReader) { return new Uint8Array(await resp.arrayBuffer()); }
    var reader = resp.body.getReader();
    var chunks = [], got = 0;
    for (;;) {
      var r = await reader.read();
      if (r.done) { break; }
      chunks.push(r.value);
      got += r.value.length;
      progress(got);
    }
    if (chunks.length === 1) { return chunks[0]; }
    var out = new Uint8Array(got), off = 0;
    chunks.forEach(function (c) { out.set(c, off); off += c.length; });
    return out;
  }

  // sha256Hex is the hex sha256 of bytes, or "" where SubtleCrypto is
  // missing (a page served over plain http from another host): the app
  // then computes it itself.
  async function sha256Hex(bytes) {
    if (!window.crypto || !crypto.subtle || !crypto.subtle.digest) { return ""; }
    try {
      var d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      var hex = "";
      for (var i = 0; i < d.length; i++) { hex += (d[i] < 16 ? "0" : "") + d[i].toString(16); }
      return hex;
    } catch (e) {
      return "";
    }
  }

  async function boot() {
    retryLine.hidden = true;
    if (performance.mark) { performance.mark("loader-start"); }
    try {
      var assets = window.policySentryAssets;
      var inline = document.getElementById("ps-assets"); // written by make dist
      if (!assets && inline) { assets = JSON.parse(inline.textContent); }
      if (!assets) {
        var a = await fetch("assets.json", { cache: "no-cache" });
        if (!a.ok) { throw new Error("assets.json: HTTP " + a.status); }
        assets = await a.json();
      }
      if (assets.version) { datasetNote = " (IAM dataset " + assets.version + ")"; }
      prefetchDataset();
      var go = new Go();
      var loaded;
      if (assets.wasmBytes) {
        var bytes = assets.wasmBytes;
        if (typeof bytes === "function") { bytes = await bytes(); }
        loaded = await WebAssembly.instantiate(bytes, go.importObject);
      } else {
        loaded = await loadWasm(assets.wasm, assets.wasmSize, go.importObject);
      }
      var instance = loaded.instance;
      workers(loaded.module);
      status.textContent = "starting…" + datasetNote;
      if (performance.mark) { performance.mark("wasm-instantiated"); }
      go.run(instance);
      offline(assets);
    } catch (e) {
      fail(e.message || String(e));
    }
  }
  // workers lets the app start a dedicated Web Worker that runs the same
  // module, already compiled (posted to it: no second download or
  // compile), for the account audit (wasm/app/platform_worker_wasm.go).
  // The worker's script is auditworker.js, or in the offline bundle its
  // inlined copy (#ps-worker, run from a Blob URL).
  function workers(module) {
    var blobURL = "";
    window.policySentryStartWorker = function () {
      var inline = document.getElementById("ps-worker");
      if (inline && !blobURL) { blobURL = URL.createObjectURL(new Blob([inline.textContent], { type: "text/javascript" })); }
      var w = new Worker(blobURL || "auditworker.js");
      w.postMessage({ module: module });
      return w;
    };
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
    // The app says ready just before its first render: the service
    // worker's install (which reads every file of the build) waits until
    // the page is idle, not to compete with that render.
    var whenIdle = function () {
      if (window.requestIdleCallback) { requestIdleCallback(run, { timeout: 3000 }); } else { setTimeout(run, 0); }
    };
    if (document.body.hasAttribute("data-ready")) { whenIdle(); return; }
    var mo = new MutationObserver(function () {
      if (document.body.hasAttribute("data-ready")) { mo.disconnect(); whenIdle(); }
    });
    mo.observe(document.body, { attributes: true, attributeFilter: ["data-ready"] });
  }
  document.getElementById("update-reload").addEventListener("click", function () { location.reload(); });
  retry.addEventListener("click", boot);
  window.policySentryBoot = boot;
  if (!window.policySentryManualBoot) { boot(); }
})();
