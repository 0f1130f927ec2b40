# kafka-chaos: see README.md for what each target does.
SHELL := /bin/bash
GO ?= go
# Scenario selection by Ginkgo label expression, e.g. LABELS='process && !nightly'.
# Unset, make chaos runs the default matrix: every scenario not labelled
# extended (those that do not fit its 20-minute budget; the nightly shards,
# which name their labels, run them).
LABELS ?=
# Profiles (names from scenarios/profiles/*.yaml, comma-separated) added to
# every scenario file's comparison, e.g. PROFILES=mine.
PROFILES ?=
export KAFKA_CHAOS_PROFILES ?= $(PROFILES)
# make repeat: which scenario, how many times.
SCENARIO ?= leader-kill
N ?= 5
KAFKA_VERSION ?= $(shell sed -n 's/^const DefaultKafkaVersion = "\(.*\)"/\1/p' cluster/config.go)
# Offline images: the pinned version, and 3.9 for the version comparison.
KAFKA_VERSIONS ?= $(KAFKA_VERSION) 3.9.1
GINKGO_FLAGS ?= -ginkgo.v -ginkgo.no-color
# make cross: the other hosts the harness must build on (GOOS/GOARCH).
CROSS_PLATFORMS ?= darwin/arm64 linux/arm64
UNIT_PKGS = $(shell $(GO) list ./... | grep -v '^github.com/kafka-chaos/kafka-chaos$$')

# Offline images cannot include Ryuk, testcontainers' reaper: the harness
# sweeps its own resources by label instead.
ifeq ($(KAFKA_CHAOS_OFFLINE),1)
export TESTCONTAINERS_RYUK_DISABLED ?= true
endif
# When dockerd runs on this very machine, published ports are on loopback
# even if this machine is itself a container (where testcontainers would
# otherwise guess the bridge gateway). 127.0.0.1, not localhost: a port
# published on every address has separate IPv4 and IPv6 host ports, and
# localhost may resolve to ::1 first.
ifneq ($(shell pgrep -x dockerd),)
export TESTCONTAINERS_HOST_OVERRIDE ?= 127.0.0.1
endif

.PHONY: all test unit cross smoke chaos price report bench bench-cluster time-start images-offline docker-up clean lint
all: lint test

## test: unit tests, then the smoke scenarios against a real cluster
test: unit smoke

## unit: tests of pure logic (verifier, parsers, lossy filesystem)
unit:
	$(GO) test -count=1 $(UNIT_PKGS)

## cross: vet every package and build the commands and the suite for each of CROSS_PLATFORMS, no cluster
cross:
	@set -e; for p in $(CROSS_PLATFORMS); do \
		echo "cross: $$p"; \
		export GOOS=$${p%/*} GOARCH=$${p#*/}; \
		$(GO) vet ./...; \
		$(GO) build ./cmd/...; \
		$(GO) test -c -o /dev/null .; \
	done

## smoke: the scenarios labelled smoke, a few minutes
smoke:
	$(GO) test -v -count=1 -timeout 30m . $(GINKGO_FLAGS) -ginkgo.label-filter='smoke'

## chaos: the default matrix (every scenario but the extended ones, or those matching LABELS)
chaos:
	$(GO) test -v -count=1 -timeout 120m . $(GINKGO_FLAGS) -ginkgo.label-filter='$(or $(LABELS),!extended)'

## price: price producer profiles alone on a healthy cluster (PROFILES=a,b; default every profile of scenarios/profiles), then calibrate against kafka-producer-perf-test
price:
	KAFKA_CHAOS_PRICE_PROFILES=$(or $(PROFILES),all) $(GO) test -v -count=1 -timeout 60m . $(GINKGO_FLAGS) -ginkgo.label-filter='price'

## report: render report.md, report.html and junit.xml from a run's results.json (RUN=<run-dir>, default the latest)
report:
	$(GO) run ./cmd/kafka-chaos report $(or $(RUN),reports/runs/latest)

## repeat: run SCENARIO (a name or regexp) N times and summarise each profile's loss
repeat:
	KAFKA_CHAOS_REPEAT=$(N) $(GO) test -v -count=1 -timeout 240m . $(GINKGO_FLAGS) -ginkgo.focus='$(SCENARIO)'

## bench: verifier benchmarks (one million messages, no cluster)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./verify

## bench-cluster: on a real cluster, audit and verify one million messages (production and cluster start untimed)
bench-cluster:
	$(GO) test -run '^$$' -bench BenchmarkAudit1M -benchtime 1x -benchmem -timeout 30m .

## time-start: start a three-node cluster N times, print how long each took to be ready, remove it
time-start:
	for i in $$(seq $(N)); do $(GO) run ./cmd/kafka-chaos up -hold 1ms | grep cluster_start_seconds || exit 1; done

## images-offline: build the Kafka and toxiproxy images without a registry
images-offline:
	scripts/images-offline.sh $(KAFKA_VERSIONS)

## docker-up: start a Docker engine if none answers
docker-up:
	scripts/docker-up.sh

## clean: remove every container and network the harness created
clean:
	$(GO) run ./cmd/kafka-chaos sweep -all

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
