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
// I/O object is used from another request's context, and a request never
// awaits a promise another request settles (see waitFor).
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

// The live instance {binding, context, pending, ready}; undefined before
// the first request and after the Go program exited.
let current;

// A request whose answer is not ready when handleRequest returns waits by
// polling every POLL_MS for at most MAX_WAIT_MS (see serve).
const POLL_MS = 2;
const MAX_WAIT_MS = 30_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// start instantiates the Go program. It runs inside a request (Workers
// forbid random values, which Go's start needs, at global scope). The Go
// side registers its handler and calls ready before go.run returns.
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
  const inst = { binding, context, pending: new Set(), ready: false, exited: null };
  globalThis.context = context; // read by the Go side when it starts
  const go = new Go();
  let exitCode;
  go.exit = (code) => {
    exitCode = code;
  };
  const wasm = new WebAssembly.Instance(mod, {
    ...go.importObject,
    workers: {
      ready: () => {
        inst.ready = true;
      },
    },
  });
  go.run(wasm).then(
    () => exited(inst, new Error(`the Go program exited with code ${exitCode}`)),
    (err) => exited(inst, err),
  );
  return inst;
}

// exited forgets a stopped instance, so that the next request starts a
// new one, and fails the requests it was serving.
function exited(inst, err) {
  if (current === inst) {
    current = undefined;
  }
  inst.exited = err;
  for (const box of inst.pending) {
    box.err = err;
    box.done = true;
  }
  inst.pending.clear();
}

// waitFor polls until done() holds. Workers cancel a request that awaits
// a promise only another request's I/O can settle ("code had hung"), so a
// request that waits on work started by another (the first dataset load)
// keeps a timer of its own pending instead.
async function waitFor(done, what) {
  for (let waited = 0; !done(); waited += POLL_MS) {
    if (waited >= MAX_WAIT_MS) {
      throw new Error(`gave up after ${MAX_WAIT_MS} ms waiting for ${what}`);
    }
    await sleep(POLL_MS);
  }
}

async function getInstance(env, ctx) {
  if (current === undefined) {
    current = start(env, ctx);
  }
  const inst = current;
  await waitFor(() => inst.ready || inst.exited, "the Go program to start");
  if (inst.exited) {
    throw inst.exited;
  }
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
  const box = { done: false, err: null, res: null };
  inst.pending.add(box);
  inst.binding.handleRequest(plain, (err, res) => {
    inst.pending.delete(box);
    box.err = err;
    box.res = res;
    box.done = true;
  });
  // Go runs every runnable goroutine before handleRequest returns, so the
  // box is usually filled by now; it is not when the request waits on
  // another's I/O (the dataset load of the instance's first request).
  await waitFor(() => box.done, "the Go handler");
  if (box.err != null) {
    throw box.err instanceof Error ? box.err : new Error(String(box.err));
  }
  const res = box.res;
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
