#!/usr/bin/env bash
# Stops the single-node Slurm cluster that start-cluster.sh started in DIR: cancels every
# job, shuts down slurmctld and slurmd, stops munged, and checks that none of them runs.
#
# Usage: scripts/slurm/stop-cluster.sh [DIR]
#
# DIR defaults to /tmp/ctxrl-slurm. Running it again, or on a folder without a running
# cluster, prints what it found and exits 0. It exits 1 if a daemon still runs at the end.
# Files in DIR stay, so the logs remain readable until start-cluster.sh clears them.
set -euo pipefail

dir=${1:-/tmp/ctxrl-slurm}
if [[ $dir != /* ]]; then
    echo "error: cluster folder '$dir' is not an absolute path" >&2
    exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
    exec sudo "$0" "$dir"
fi
export SLURM_CONF=$dir/slurm.conf

# Succeeds if process $1 exists and is no zombie. A daemon's parent is pid 1 after it forks,
# and pid 1 may reap it late, so a zombie counts as exited.
is_alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    # The state follows the command name, which is in brackets and may contain spaces.
    [[ ${stat##*) } != Z* ]]
}

# Prints the pid in pid file $2 if it belongs to a live process named $1.
live_pid() {
    local pid
    pid=$(cat "$2" 2>/dev/null) || return 1
    is_alive "$pid" && [ "$(cat "/proc/$pid/comm")" = "$1" ] && echo "$pid"
}

# Waits up to $1 seconds for the processes with the remaining pids to exit.
wait_for_exit() {
    local seconds=$1 pid
    shift
    for _ in $(seq "$((seconds * 2))"); do
        for pid in "$@"; do
            if is_alive "$pid"; then
                sleep 0.5
                continue 2
            fi
        done
        return 0
    done
    return 1
}

ctld_pid=$(live_pid slurmctld "$dir/slurmctld.pid" || true)
slurmd_pid=$(live_pid slurmd "$dir/slurmd.pid" || true)
munged_pid=$(live_pid munged "$dir/munged.pid" || true)
if [ -z "$ctld_pid$slurmd_pid$munged_pid" ]; then
    echo "No Slurm daemons running in $dir"
    exit 0
fi

if [ -n "$ctld_pid" ]; then
    # %F is the array job id of an array task and the job id of any other job.
    mapfile -t jobs < <(squeue -h -o %F | sort -u)
    if [ ${#jobs[@]} -gt 0 ]; then
        echo "Cancelling jobs: ${jobs[*]}"
        scancel "${jobs[@]}"
        # Give slurmd up to 15 s to end the job steps before it shuts down.
        for _ in $(seq 30); do
            if [ -z "$(squeue -h -o %i)" ]; then
                break
            fi
            sleep 0.5
        done
    fi
fi

slurm_pids=()
for pid in "$ctld_pid" "$slurmd_pid"; do
    if [ -n "$pid" ]; then
        slurm_pids+=("$pid")
    fi
done
# scontrol shutdown stops slurmctld and every slurmd that it reaches.
if [ -z "$ctld_pid" ] || ! scontrol shutdown; then
    kill -TERM "${slurm_pids[@]}" 2>/dev/null || true
fi
if [ ${#slurm_pids[@]} -gt 0 ] && ! wait_for_exit 20 "${slurm_pids[@]}"; then
    echo "warning: slurmctld or slurmd still runs 20 s after shutdown, so it gets SIGTERM" >&2
    kill -TERM "${slurm_pids[@]}" 2>/dev/null || true
    wait_for_exit 5 "${slurm_pids[@]}" || true
fi

if [ -n "$munged_pid" ]; then
    kill -TERM "$munged_pid"
    wait_for_exit 10 "$munged_pid" || true
fi

# pgrep -x compares process names, which Linux cuts to 15 characters, and it matches nothing
# for a longer pattern such as 'munged|slurmctld|slurmd'. So it runs once per name.
left=$(for name in munged slurmctld slurmd; do pgrep -a -x "$name"; done | grep -F -e "$dir/" \
    || true)
if [ -n "$left" ]; then
    echo "error: these daemons of $dir still run:" >&2
    echo "$left" >&2
    exit 1
fi
# Zombies are left out, because pid 1 may reap the exited slurmstepd processes late.
steps=$(ps -eo pid=,stat=,args= | awk '$2 !~ /^Z/ && $3 ~ /^slurmstepd/')
if [ -n "$steps" ]; then
    echo "warning: slurmstepd processes still run, maybe from another cluster:" >&2
    echo "$steps" >&2
fi
echo "Stopped the Slurm cluster in $dir"
