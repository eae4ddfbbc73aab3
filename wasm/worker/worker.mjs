// Entry module of the Cloudflare Worker (wrangler.jsonc "main").
//
// github.com/syumai/workers' generated shim starts a new Go instance for
// every request, so each request paid Go's start and the dataset load.
// This module instantiates the Go program (build/app.wasm, `make worker`)
// once per isolate and hands every later request to the handler it
// registered (wasm/worker/internal/isolate), concurrently: Go runs each
// request in its own goroutine and the dataset stays loaded.
//
// The Go side reads the same global `context` object syumai/workers'
// shim provides ({env, ctx, binding, connect}), so its cloudflare
// packages (GetBinding, Getenv, fetch) keep working. `env` is the one of
// the latest request (the bindings of an isolate do not change); `ctx` is
// the latest request's too, so a waitUntil made while serving one request
// may extend a later one, which still keeps the work alive.
//
// Requests and responses cross as plain data: this module reads the body
// and builds the Response in the request's own context, so no request's
// I/O object is used from another request's context.
import "./build/wasm_exec.js";
import mod from "./build/app.wasm";
import { connect } from "cloudflare:sockets";

// syumai/workers' jsutil.TryCatch calls this global.
globalThis.tryCatch = (fn) => {
  try {
    return { result: fn() };
  } catch (error) {
    return { error };
  }
};

// The live instance, a promise of {binding, context, pending}; undefined
// before the first request and after the Go program exited.
let current;

// start instantiates the Go program and resolves once its handler is
// registered. It runs inside a request (Workers forbid random values,
// which Go's start needs, at global scope).
function start(env, ctx) {
  const binding = {};
  let latestCtx = ctx;
  const context = {
    env,
    connect,
    binding,
    get ctx() {
      return latestCtx;
    },
    set ctx(c) {
      latestCtx = c;
    },
  };
  const inst = { binding, context, pending: new Set() };
  globalThis.context = context; // read by the Go side when it starts
  const go = new Go();
  let exitCode;
  go.exit = (code) => {
    exitCode = code;
  };
  inst.promise = new Promise((resolve, reject) => {
    inst.failStart = reject;
    const wasm = new WebAssembly.Instance(mod, {
      ...go.importObject,
      workers: { ready: () => resolve(inst) },
    });
    go.run(wasm).then(
      () => exited(inst, new Error(`the Go program exited with code ${exitCode}`)),
      (err) => exited(inst, err),
    );
  });
  return inst.promise;
}

// exited forgets a stopped instance, so that the next request starts a
// new one, and fails the requests it was serving.
function exited(inst, err) {
  if (current === inst.promise) {
    current = undefined;
  }
  inst.failStart(err);
  for (const fail of inst.pending) {
    fail(err);
  }
  inst.pending.clear();
}

async function getInstance(env, ctx) {
  if (current === undefined) {
    const starting = (current = start(env, ctx));
    starting.catch(() => {
      if (current === starting) {
        current = undefined;
      }
    });
  }
  const inst = await current;
  inst.context.env = env;
  inst.context.ctx = ctx;
  return inst;
}

async function serve(request, inst) {
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const plain = {
    method: request.method,
    url: request.url,
    headers: [...request.headers],
    body: hasBody ? new Uint8Array(await request.arrayBuffer()) : null,
  };
  const res = await new Promise((resolve, reject) => {
    const fail = (err) => reject(err);
    inst.pending.add(fail);
    inst.binding.handleRequest(plain, (err, res) => {
      inst.pending.delete(fail);
      if (err != null) {
        reject(new Error(String(err)));
      } else {
        resolve(res);
      }
    });
  });
  const nullBody = [101, 204, 205, 304].includes(res.status) || request.method === "HEAD";
  return new Response(nullBody ? null : res.body, {
    status: res.status,
    headers: res.headers,
  });
}

async function fetch(request, env, ctx) {
  const answer = (async () => serve(request, await getInstance(env, ctx)))();
  // Keep the request's context alive until Go has answered, even if the
  // client goes away: the first request's dataset load runs in it.
  ctx.waitUntil(answer.catch(() => {}));
  try {
    return await answer;
  } catch (err) {
    console.error(`policy-sentry worker: ${request.method} ${new URL(request.url).pathname}: ${err?.stack ?? err}`);
    return Response.json(
      { error: { code: "internal_error", message: "the Worker failed to handle the request", line: 0, column: 0 } },
      { status: 500 },
    );
  }
}

export default { fetch };
