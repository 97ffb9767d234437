#!/usr/bin/env bash
# Installs the Debian packages for a single-node Slurm cluster: slurmctld, slurmd,
# slurm-client and munge. Packages that dpkg already reports as installed are skipped, and
# apt-get update runs only when something is missing, so a second run does nothing.
#
# Usage: scripts/slurm/install.sh
#
# Runs apt-get through sudo unless the caller is root. The packages start no daemons where
# systemd is missing or /usr/sbin/policy-rc.d denies service starts, as in Docker images, and
# scripts/slurm/start-cluster.sh starts its own. With systemd, Debian's scripts enable and
# may start munge.service, slurmctld.service and slurmd.service, which read /etc/munge and
# /etc/slurm, so they do not share keys, sockets or config with start-cluster.sh.
set -euo pipefail

packages=(slurmctld slurmd slurm-client munge)

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    if [ "$status" != "install ok installed" ]; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "Slurm packages already installed: ${packages[*]}"
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
fi

echo "Installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
