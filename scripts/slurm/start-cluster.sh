#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine: munged, slurmctld and slurmd, with
# every key, socket, config, state, log and pid file inside one folder.
#
# Usage: scripts/slurm/start-cluster.sh [DIR]
#        source DIR/env.sh     # sets SLURM_CONF for sbatch, squeue, scancel and scontrol
#        scripts/slurm/stop-cluster.sh [DIR]
#
# DIR is an absolute path and defaults to /tmp/ctxrl-slurm. If a cluster already runs in DIR
# and sinfo lists its node, the script reuses it and exits 0. If only some of its daemons run,
# or sinfo does not list the node, it exits 1 with an error, and stop-cluster.sh must run first.
# It needs the packages from install.sh, and root because slurmd starts jobs as the
# submitting user. It reruns itself with sudo otherwise. The daemons listen on a loopback
# address (see CommunicationParameters below), munged listens only on its Unix socket, and
# accounting is off, so sacct does not work.
set -euo pipefail

dir=${1:-/tmp/ctxrl-slurm}
if [[ $dir != /* ]]; then
    echo "error: cluster folder '$dir' is not an absolute path" >&2
    exit 2
fi
if [[ $dir =~ [[:space:]] ]]; then
    echo "error: cluster folder '$dir' contains whitespace, which slurm.conf paths cannot contain" >&2
    exit 2
fi
# NOTE: the sudo path is untested, because the script was only run as root.
if [ "$(id -u)" -ne 0 ]; then
    exec sudo "$0" "$dir"
fi
for command in munged slurmctld slurmd sinfo; do
    if ! command -v "$command" >/dev/null; then
        echo "error: $command not found. Run scripts/slurm/install.sh first." >&2
        exit 1
    fi
done

scripts=$(cd "$(dirname "$0")" && pwd)
conf=$dir/slurm.conf
host=$(hostname -s)
export SLURM_CONF=$conf

# Succeeds if the pid in pid file $2 belongs to a live process named $1. A daemon's parent
# is pid 1 after it forks, and pid 1 may reap it late, so a zombie counts as exited.
is_running() {
    local pid stat
    pid=$(cat "$2" 2>/dev/null) || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    # The state follows the command name, which is in brackets and may contain spaces.
    [[ ${stat##*) } != Z* ]] && [ "$(cat "/proc/$pid/comm")" = "$1" ]
}

node_state() {
    sinfo -h -N -n "$host" -o %T 2>/dev/null || true
}

# Reuse a running cluster, or reject a half-running one.
running=()
for daemon in munged slurmctld slurmd; do
    if is_running "$daemon" "$dir/$daemon.pid"; then
        running+=("$daemon")
    fi
done
if [ ${#running[@]} -eq 3 ] && [ -n "$(node_state)" ]; then
    echo "Slurm cluster already running in $dir. Use it with: source $dir/env.sh." \
        "Stop it with: $scripts/stop-cluster.sh $dir"
    exit 0
fi
if [ ${#running[@]} -gt 0 ]; then
    echo "error: ${running[*]} of an earlier cluster run in $dir, but the cluster is" \
        "incomplete or sinfo does not list node $host. Run $scripts/stop-cluster.sh $dir first." >&2
    exit 1
fi
if [ -e "$dir" ] && [ ! -f "$conf" ] && [ -n "$(ls -A "$dir")" ]; then
    echo "error: $dir is not empty and contains no slurm.conf, so it is not a cluster" \
        "folder. Choose another path." >&2
    exit 1
fi

# Free ports for slurmctld and slurmd, starting at Slurm's defaults 6817 and 6818.
port_in_use() {
    [ -n "$(ss -Htln "sport = :$1")" ]
}
ctld_port=6817
while port_in_use "$ctld_port" || port_in_use "$((ctld_port + 1))"; do
    ctld_port=$((ctld_port + 2))
    if [ "$ctld_port" -gt 6917 ]; then
        echo "error: no two free TCP ports between 6817 and 6918" >&2
        exit 1
    fi
done
slurmd_port=$((ctld_port + 1))

# Slurm binds to the address that the host name resolves to when CommunicationParameters
# contains NoCtldInAddrAny and NoInAddrAny. Read it from /etc/hosts so that no DNS query
# leaves the machine, and bind to it only if it is a loopback address.
addr=$(awk -v host="$host" '!/^#/ { for (i = 2; i <= NF; i++) if ($i == host) { print $1; exit } }' \
    /etc/hosts)
if [[ $addr == 127.* ]]; then
    comm_params="CommunicationParameters=NoCtldInAddrAny,NoInAddrAny"
else
    # NOTE: this path is untested, because the test machine maps its host name to 127.0.0.1.
    echo "warning: /etc/hosts maps $host to no 127.x.x.x address, so slurmctld and slurmd" \
        "listen on all addresses, protected only by MUNGE" >&2
    addr=127.0.0.1
    comm_params=""
fi

rm -rf "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
# munged 0.5.15 rejects a socket folder without execute permission for all, so it gets 0755.
chmod 0755 "$dir" "$dir/munge"

key=$dir/munge/munge.key
if command -v mungekey >/dev/null; then
    mungekey --create --keyfile="$key"
else
    dd if=/dev/urandom of="$key" bs=1 count=1024 status=none
fi
chmod 0600 "$key"

cat >"$conf" <<EOF
# scripts/slurm/start-cluster.sh writes this single-node cluster configuration on every start.
ClusterName=ctxrl
SlurmctldHost=$host($addr)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
$comm_params
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# CR_Core counts cores only. With CR_Core_Memory each job takes all memory, so tasks
# would run one at a time.
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
MailProg=/bin/true
# With accounting off, squeue -t all and scontrol show job are the only record of a finished
# job, and they list it for MinJobAge seconds (300 is Slurm's default).
MinJobAge=300
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
$(slurmd -C | head -n 1) NodeAddr=$addr State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

echo "export SLURM_CONF=$conf" >"$dir/env.sh"

# Prints message $1 and the log tails, stops what started, and exits 1.
fail() {
    echo "error: $1" >&2
    for log in "$dir/munge/munged.log" "$dir/log/slurmctld.log" "$dir/log/slurmd.log"; do
        if [ -s "$log" ]; then
            echo "--- last lines of $log" >&2
            tail -n 15 "$log" >&2
        fi
    done
    "$scripts/stop-cluster.sh" "$dir" >&2 || true
    exit 1
}

munged --key-file="$key" --socket="$dir/munge/munge.socket" \
    --log-file="$dir/munge/munged.log" --pid-file="$dir/munged.pid" \
    --seed-file="$dir/munge/munged.seed" --origin=127.0.0.1 \
    || fail "munged failed to start"
slurmctld -c -f "$conf" || fail "slurmctld failed to start"
slurmd -f "$conf" -N "$host" || fail "slurmd failed to start"

# Wait up to 30 s for the node to register with slurmctld.
# The daemons write their pid files after they fork, so the liveness check waits 2 s.
for attempt in $(seq 60); do
    state=$(node_state)
    if [ "$state" = idle ]; then
        break
    fi
    if [ "$attempt" -gt 4 ]; then
        for daemon in munged slurmctld slurmd; do
            if ! is_running "$daemon" "$dir/$daemon.pid"; then
                fail "$daemon exited during startup"
            fi
        done
    fi
    sleep 0.5
done
if [ "$state" != idle ]; then
    fail "node $host is not idle after 30 s (state: '${state:-no answer from slurmctld}')"
fi

echo "Slurm cluster running in $dir (node $host, slurmctld on $addr:$ctld_port)." \
    "Use it with: source $dir/env.sh. Stop it with: $scripts/stop-cluster.sh $dir"
