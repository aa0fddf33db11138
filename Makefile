# WhatsApp Contact Processor API — health function.
# `make` or `make help` lists the targets.

SHELL = /usr/bin/env bash -o pipefail
.SHELLFLAGS = -ec

GO        ?= go
SAM       ?= sam
ADDR      ?= 127.0.0.1:3000
# Lambda runs the function on arm64 (template.yaml: Architectures).
GOARCH    ?= arm64
FUNCTIONS := $(notdir $(wildcard functions/*))
# lambda.norpc drops the legacy RPC runtime; CGO off makes a static binary
# that provided.al2023 can run. SAM's go1.x builder sets neither.
# The version and release id appear in the detailed health view, to token holders only.
# (sam build copies the source without .git: its builds say "dev" unless VERSION is set.)
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
RELEASE_ID ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo dev)
VERSION_PKG := github.com/whatsapp-contact-processor/health/internal/version
VERSION_LDFLAGS := -X $(VERSION_PKG).Version=$(VERSION) -X $(VERSION_PKG).ReleaseID=$(RELEASE_ID)
BUILD_FLAGS := -tags lambda.norpc -trimpath -ldflags "-s -w $(VERSION_LDFLAGS)"
# The race detector needs cgo and a C compiler; without them tests still run.
RACE := $(shell [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v "$$($(GO) env CC)" >/dev/null 2>&1 && echo -race)
# The event for `make invoke` and `make invoke-rie` (see events/).
EVENT     ?= events/rest-get.json
# Extra flags for `sam deploy`, e.g. DEPLOY_FLAGS=--guided the first time.
DEPLOY_FLAGS ?=
# `make tools` installs the Python tools some checks need into a venv here
# (scripts/tools.sh); its bin comes first so the tests and make lint find them.
TOOLS_DIR := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/whatsapp-health
export PATH := $(TOOLS_DIR)/venv/bin:$(PATH)

# Targets that drive the sam CLI stop here, saying what is missing, when it is not
# installed; `sam local` also needs a running Docker engine.
define require-sam
	@command -v $(SAM) >/dev/null 2>&1 || { \
	  echo "sam CLI not found: install it from https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html (and Docker for start-api/invoke)"; \
	  echo "Without them: 'make run' serves the function locally, 'make invoke-rie EVENT=...' invokes it under the Lambda runtime emulator."; \
	  exit 1; }
endef
define require-docker
	@command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 || { \
	  echo "Docker not found or not running: sam local runs the function in a container (https://docs.docker.com/engine/install/)."; \
	  echo "Without Docker: 'make run' serves the function locally, 'make invoke-rie EVENT=...' invokes it under the Lambda runtime emulator."; \
	  exit 1; }
endef

.PHONY: all
all: help

##@ General

# Lines with `##` after a target are its help text; `##@` starts a section.
.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage:\n  make \033[36m<target>\033[0m\n"} /^[a-zA-Z_0-9%-]+:.*?##/ { printf "  \033[36m%-22s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ Development

# FUNCTION narrows `make run` to one directory under functions/ (default: every function);
# RUN_FLAGS go to local mode, e.g. RUN_FLAGS="-parameter-overrides Drain=true" (docs/local.md).
FUNCTION ?=
RUN_FLAGS ?=
RUN_FUNCTIONS = $(or $(FUNCTION),$(FUNCTIONS))
.PHONY: run
run: ## Serve every function (or FUNCTION=name) as sam local start-api would, on ADDR (default 127.0.0.1:3000); Ctrl-C stops it.
	@for f in $(RUN_FUNCTIONS); do test -d functions/$$f || { echo "FUNCTION=$$f: no functions/$$f; functions: $(FUNCTIONS)"; exit 1; }; done
	@mkdir -p bin/local
	@rm -f $(addprefix bin/local/,$(RUN_FUNCTIONS))
	@# One go build for local mode and every function (built as Lambda builds them, for this
	@# machine) shares every compiled package. If it fails, each alone: a function that does
	@# not build answers 502 on its routes (the log says why) while the others serve.
	@$(RUN_BUILD) -o bin/local/ ./cmd/localapi $(addprefix ./functions/,$(RUN_FUNCTIONS)) 2>/dev/null || { \
	  $(RUN_BUILD) -o bin/local/ ./cmd/localapi; \
	  for f in $(RUN_FUNCTIONS); do $(RUN_BUILD) -o bin/local/$$f ./functions/$$f || \
	    echo "make run: functions/$$f did not build: its routes answer 502"; done; }
	@exec bin/local/localapi -addr $(ADDR) $(if $(FUNCTION),-function $(FUNCTION)) $(RUN_FLAGS) $(addprefix bin/local/,$(RUN_FUNCTIONS))
RUN_BUILD = CGO_ENABLED=0 $(GO) build -tags lambda.norpc -ldflags "$(VERSION_LDFLAGS)"

.PHONY: test
test: ## Run every Go test (-race with a C compiler; the real bootstrap under the runtime emulator); ends listing each skipped test and why.
	@[ -n "$(RACE)" ] || echo "note: no C compiler for cgo, so no race detector: tests run without -race"
	@# go test runs vet's high-confidence checks itself; make lint runs all of vet.
	@# Several test binaries build the emulator and the Lambda bootstrap at once; building
	@# them once first turns those builds into cache hits (a minute on a fresh machine).
	$(GO) build -o /dev/null github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie
	CGO_ENABLED=0 $(GO) build -tags lambda.norpc -o /dev/null ./functions/... ./cmd/...
	@# gotestsum: one line per package, then every skipped test with its reason.
	$(GO) tool gotestsum --format pkgname --format-hide-empty-pkg -- $(RACE) -count=1 ./...
	@scripts/tools.sh status

.PHONY: tools
tools: ## Install what the optional checks need (cfn-guard with Control Tower's rules, dynalite, fauxqs, Node.js 22 from npm; cfn-lint, aws-sam-translator in a venv) into ~/.cache/whatsapp-health.
	@scripts/tools.sh install

.PHONY: lint
lint: ## gofmt, go vet, staticcheck, cfn-lint (template.yaml) and actionlint (CI workflow).
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	@if command -v cfn-lint >/dev/null 2>&1; then \
	  echo "cfn-lint template.yaml"; cfn-lint template.yaml; \
	else \
	  echo "cfn-lint not found: template.yaml not linted (make tools installs it)"; \
	fi
	$(GO) tool actionlint

# `go test -fuzz` takes one package and one target per run, hence one line
# per target. Crashers are written to internal/<pkg>/testdata/fuzz/<Target>/
# and then run as regression cases by every plain `go test`: commit them.
FUZZTIME ?= 30s
SOAK_N   ?= 10000

.PHONY: fuzz
fuzz: ## Fuzz each target for FUZZTIME (default 30s): Lambda payloads, local mode's requests and answers, templates, HEALTH_CHECKS.
	$(GO) test -run '^$$' -fuzz '^FuzzInvoke$$' -fuzztime $(FUZZTIME) ./internal/lambdahttp
	$(GO) test -run '^$$' -fuzz '^FuzzEventFromRequest$$' -fuzztime $(FUZZTIME) ./internal/localapi
	$(GO) test -run '^$$' -fuzz '^FuzzParseProxyResponse$$' -fuzztime $(FUZZTIME) ./internal/localapi
	$(GO) test -run '^$$' -fuzz '^FuzzFunction$$' -fuzztime $(FUZZTIME) ./internal/samlocal
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/checks/probe

.PHONY: fuzz-short
fuzz-short: ## The CI fuzz run: each target for 60s.
	$(MAKE) --no-print-directory fuzz FUZZTIME=60s

.PHONY: soak
soak: ## SOAK_N (default 10,000) invocations of the real bootstrap under the runtime emulator; prints restarts, RSS and rate.
	$(GO) test -count=1 -run '^TestSoak$$' -v ./functions/health -soak -soak.n $(SOAK_N)

# Runs the real bootstrap (built for this machine) under AWS's Runtime Interface
# Emulator, a Go tool dependency: the Lambda Runtime API without Docker or sam.
.PHONY: invoke-rie
invoke-rie: ## Invoke FUNCTION (default health) under the Lambda runtime emulator with EVENT (default events/rest-get.json) and its template environment; no Docker.
	@scripts/invoke-rie.sh $(EVENT) $(or $(FUNCTION),health)

##@ Performance (figures are ratios to a hand-written floor measured in the same run)

BENCH_COUNT ?= 6
.PHONY: bench
bench: ## Benchmark one invocation per front, ours vs the floor: ns/op, B/op, allocs/op side by side (benchstat).
	@mkdir -p bin
	$(GO) test -run '^$$' -bench Invoke -benchmem -count $(BENCH_COUNT) ./internal/perf | tee bin/bench.txt
	$(GO) tool benchstat -col /impl bin/bench.txt

.PHONY: bench-instructions
bench-instructions: ## Instructions per invocation, ours vs the floor, under valgrind callgrind (needs valgrind).
	@scripts/bench-instructions.sh $(N)

.PHONY: coldstart
coldstart: ## Cold start under the runtime emulator (ours vs floor, 30 each), warm RSS, binary sizes.
	PERF_COLDSTART=1 $(GO) test -run '^TestColdStart$$' -count=1 -v -timeout 20m ./internal/perf

##@ Build

.PHONY: build
build: ## Build every function under functions/ to bin/<name>/bootstrap (linux/arm64; GOARCH= to change).
	@for f in $(FUNCTIONS); do \
	  echo "build $$f -> bin/$$f/bootstrap (linux/$(GOARCH))"; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=$(GOARCH) $(GO) build $(BUILD_FLAGS) -o bin/$$f/bootstrap ./functions/$$f; \
	done

# SAM's makefile builder (Metadata: BuildMethod: makefile) calls build-<LogicalId>
# with ARTIFACTS_DIR set; the binary must be named bootstrap for provided.al2023.
# build-HealthFunction builds functions/health: the logical id is the directory
# name, capitalised, plus "Function".
build-%Function: ## What `sam build` runs for <Name>Function, e.g. build-HealthFunction (needs ARTIFACTS_DIR).
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set: this target is for sam build (try: make $@ ARTIFACTS_DIR=/tmp/out)"; exit 1; }
	@dir=functions/$$(echo '$*' | tr '[:upper:]' '[:lower:]'); \
	  test -d "$$dir" || { echo "$@: no $$dir for logical id $*Function"; exit 1; }; \
	  echo "build ./$$dir -> $(ARTIFACTS_DIR)/bootstrap (linux/$(GOARCH))"; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=$(GOARCH) $(GO) build $(BUILD_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./$$dir

.PHONY: clean
clean: ## Remove build outputs (bin/, .aws-sam/).
	rm -rf bin .aws-sam

##@ SAM (needs the sam CLI; start-api and invoke also Docker)

# The samconfig.toml config environment deploy, drain and undrain use: default, or one
# region of a multi-region setup (primary, secondary; docs/operations.md).
ENV ?= default

# Stops with the list of config environments when ENV names none of them.
define require-config-env
	@grep -q '^\[$(ENV)\.deploy\.parameters\]' samconfig.toml || { \
	  echo "ENV=$(ENV): samconfig.toml has no [$(ENV).deploy.parameters]; config environments: $$(sed -n 's/^\[\([A-Za-z0-9_-]*\)\.deploy\.parameters\]$$/\1/p' samconfig.toml | tr '\n' ' ')"; \
	  exit 1; }
endef

.PHONY: sam-build
sam-build: ## sam build (needs the sam CLI, no Docker): runs make build-<Name>Function for each function into .aws-sam/build.
	$(require-sam)
	$(SAM) build

.PHONY: start-api
start-api: ## sam build, then sam local start-api on 127.0.0.1:3000 (REST API events, as deployed).
	$(require-sam)
	$(require-docker)
	$(SAM) build
	$(SAM) local start-api

.PHONY: invoke
invoke: ## sam build, then sam local invoke HealthFunction -e EVENT.
	$(require-sam)
	$(require-docker)
	$(SAM) build
	$(SAM) local invoke HealthFunction -e $(EVENT)

.PHONY: deploy
deploy: ## sam build, then sam deploy --config-env ENV (default, primary, secondary); DEPLOY_FLAGS=--guided the first time.
	$(require-sam)
	$(require-config-env)
	$(SAM) build
	$(SAM) deploy --config-env $(ENV) $(DEPLOY_FLAGS)

# --parameter-overrides on the command line replaces samconfig's list; sam deploy keeps
# every parameter it does not name at the stack's previous value, so only Drain changes.
.PHONY: drain
drain: ## Take ENV's region out of rotation: Drain=true, /health, /health/ready and /health/details answer 503 draining.
	$(require-sam)
	$(require-config-env)
	$(SAM) build
	$(SAM) deploy --config-env $(ENV) --parameter-overrides Drain=true $(DEPLOY_FLAGS)

.PHONY: undrain
undrain: ## Put ENV's region back: Drain=false.
	$(require-sam)
	$(require-config-env)
	$(SAM) build
	$(SAM) deploy --config-env $(ENV) --parameter-overrides Drain=false $(DEPLOY_FLAGS)

.PHONY: route53-cidrs
route53-cidrs: ## Print Route 53's health-checker ranges (ip-ranges.json, aws partition) as a Route53CheckerCidrs value; needs network.
	@scripts/route53-cidrs.sh
