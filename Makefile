# ctxrl: two commands set up a fresh Debian machine that has the Swift toolchain.
#
#   make run    install missing Debian packages, build in release mode, run the main job
#               (make build stops after building .build/release/ctxrl)
#   make test   install missing Debian packages, build, start a single-node Slurm cluster,
#               run the test suite (the Slurm sweep tests included), stop the cluster

DEBIAN_PACKAGES := libopenblas-dev libsqlite3-dev libsdl2-dev libsdl2-ttf-dev fonts-dejavu-core libpng-dev libgif-dev pkg-config
SWIFT ?= swift
# The main job's environment and context set, and any further options of 'ctxrl train',
# for example: make run ENV=acrobot ARGS="--budget 3 --seed 1"
ENV ?= cartpole
CONTEXTS ?= grid
ARGS ?=
# The folder of the single-node Slurm cluster that make test starts and stops.
SLURM_DIR ?= /tmp/ctxrl-slurm-test
# On an x86-64 CPU with AVX2 and FMA (Haswell, Zen and later) the release build targets them:
# eight-lane arithmetic instead of SSE2's four, 10 to 13% faster PPO training, and the same
# results bit for bit (Swift fuses no multiply-adds; checked on one CartPole training, not by
# the tests). Give CPU_FLAGS= for a portable binary, for example for a cluster whose nodes have
# older CPUs than the machine that builds.
CPU_FLAGS ?= $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo \
    && echo "-Xswiftc -target-cpu -Xswiftc haswell")

.PHONY: run test build deps clean

# Installs only what dpkg reports missing, so a machine that has everything skips apt-get.
deps:
	@missing=""; \
	for package in $(DEBIAN_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" \
	        || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO="sudo"; \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product ctxrl $(CPU_FLAGS)

run: build
	.build/release/ctxrl train --env $(ENV) --contexts $(CONTEXTS) $(ARGS)

# The cluster is stopped whether the tests pass or fail, and the tests' status is kept.
test: deps
	$(SWIFT) build --build-tests
	scripts/slurm/install.sh
	scripts/slurm/start-cluster.sh $(SLURM_DIR)
	. $(SLURM_DIR)/env.sh && CTXRL_REQUIRE_SLURM=1 $(SWIFT) test --skip-build --parallel; \
	    status=$$?; scripts/slurm/stop-cluster.sh $(SLURM_DIR); exit $$status

clean:
	rm -rf .build
