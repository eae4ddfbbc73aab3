// The account audit's Web Worker (started by loader.js's
// policySentryStartWorker; wasm/app/README.md): it runs the app's wasm,
// which the page has already compiled and posts as its first message.
// With no document, the app's main serves the account panel's requests
// (wasm/app/platform_worker_wasm.go) instead of drawing the UI. The
// offline bundle runs this file from a Blob, with wasm_exec.js before it.
"use strict";
if (typeof Go === "undefined") { importScripts("wasm_exec.js"); }
(function () {
  var early = []; // requests that came while the module was instantiated
  function fatal(e) { self.postMessage({ error: String((e && e.message) || e) }); }
  async function start(module) {
    try {
      var go = new Go();
      var instance = await WebAssembly.instantiate(module, go.importObject);
      // main runs until it waits for a message: by then it has set
      // self.policySentryServe. The promise settles if it ever exits.
      go.run(instance).then(function () { fatal("the app's wasm exited"); }, fatal);
      if (typeof self.policySentryServe !== "function") { throw new Error("the app's wasm does not serve the worker"); }
      early.splice(0).forEach(function (m) { self.policySentryServe(m); });
    } catch (e) {
      fatal(e);
    }
  }
  self.onmessage = function (e) {
    if (e.data && e.data.module) { start(e.data.module); return; }
    if (typeof self.policySentryServe === "function") { self.policySentryServe(e.data); } else { early.push(e.data); }
  };
})();
