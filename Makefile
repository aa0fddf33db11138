# WhatsApp Contact Processor API — health function.
# `make` or `make help` lists the targets.

SHELL = /usr/bin/env bash -o pipefail
.SHELLFLAGS = -ec

GO        ?= go
ADDR      ?= 127.0.0.1:3000
# Lambda runs the function on arm64 (template.yaml: Architectures).
GOARCH    ?= arm64
FUNCTIONS := $(notdir $(wildcard functions/*))
# lambda.norpc drops the legacy RPC runtime; CGO off makes a static binary
# that provided.al2023 can run. SAM's go1.x builder sets neither.
BUILD_FLAGS := -tags lambda.norpc -trimpath -ldflags "-s -w"

.PHONY: all
all: help

##@ General

# Lines with `##` after a target are its help text; `##@` starts a section.
.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage:\n  make \033[36m<target>\033[0m\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-22s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ Development

.PHONY: run
run: ## Serve the function locally on ADDR (default 127.0.0.1:3000), no Docker needed.
	$(GO) run ./functions/health -addr $(ADDR)

.PHONY: test
test: ## Run every test with the race detector (builds the bootstrap and runs it under the Lambda runtime emulator).
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

.PHONY: lint
lint: ## gofmt, go vet and staticcheck.
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

##@ Build

.PHONY: build
build: ## Build every function under functions/ to bin/<name>/bootstrap (linux/$(GOARCH)).
	@for f in $(FUNCTIONS); do \
	  echo "build $$f -> bin/$$f/bootstrap (linux/$(GOARCH))"; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=$(GOARCH) $(GO) build $(BUILD_FLAGS) -o bin/$$f/bootstrap ./functions/$$f; \
	done

# SAM's makefile builder (Metadata: BuildMethod: makefile) calls this with
# ARTIFACTS_DIR set; the binary must be named bootstrap for provided.al2023.
.PHONY: build-HealthFunction
build-HealthFunction: ## What `sam build` runs for HealthFunction (needs ARTIFACTS_DIR).
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set: this target is for sam build"; exit 1; }
	CGO_ENABLED=0 GOOS=linux GOARCH=$(GOARCH) $(GO) build $(BUILD_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/health

.PHONY: clean
clean: ## Remove build outputs.
	rm -rf bin .aws-sam
