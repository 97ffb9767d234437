#!/usr/bin/env bash
# Checks a cluster started by start-cluster.sh with a small job array: 8 tasks with at most 2
# running at once (--array=0-7%2), each writing one file. It waits for the array, then
# checks that every task COMPLETED, wrote its file in the --chdir folder with the expected
# SLURM_ARRAY_JOB_ID and SLURM_ARRAY_TASK_ID, and that no more than 2 tasks overlapped.
#
# Usage: scripts/slurm/try-array.sh [DIR]
#
# DIR is the cluster folder and defaults to /tmp/ctxrl-slurm. The task files go to a new
# folder under ${TMPDIR:-/tmp}, which is removed if every check passes and kept otherwise.
# Exits 1 if a check fails or the array takes longer than 120 s.
set -euo pipefail

dir=${1:-/tmp/ctxrl-slurm}
if [ ! -f "$dir/env.sh" ]; then
    echo "error: $dir/env.sh not found. Start a cluster with scripts/slurm/start-cluster.sh." >&2
    exit 1
fi
# Without SLURM_CONF and /etc/slurm/slurm.conf, the Slurm 22.05 clients look up the
# controller in DNS SRV records, so env.sh comes first.
# shellcheck source=/dev/null # env.sh is written by start-cluster.sh
source "$dir/env.sh"

tasks=8
work=$(mktemp -d "${TMPDIR:-/tmp}/ctxrl-try-array.XXXXXX")
cat >"$work/task.sh" <<'EOF'
#!/bin/sh
start=$(date +%s.%N)
sleep 1
echo "$SLURM_ARRAY_JOB_ID $SLURM_ARRAY_TASK_ID $start $(date +%s.%N) $(pwd)" \
    >"task-$SLURM_ARRAY_TASK_ID.txt"
EOF

started=$(date +%s.%N)
job=$(sbatch --parsable --array=0-$((tasks - 1))%2 --chdir="$work" \
    --output="$work/slurm-%A_%a.out" "$work/task.sh")
echo "Submitted array job $job, with task files in $work"

# squeue without -t lists only jobs that are pending, running or completing.
for _ in $(seq 240); do
    if [ -z "$(squeue -h -j "$job" -o %i)" ]; then
        break
    fi
    sleep 0.5
done
if [ -n "$(squeue -h -j "$job" -o %i)" ]; then
    scancel "$job"
    echo "error: array job $job timed out after 120 s and was cancelled" >&2
    exit 1
fi
elapsed=$(awk -v start="$started" -v end="$(date +%s.%N)" 'BEGIN { printf "%.1f", end - start }')

failed=0
states=$(squeue -t all -h -r -j "$job" -o "%K %T" | sort -n)
if [ "$(grep -c ' COMPLETED$' <<<"$states")" -ne "$tasks" ]; then
    echo "error: expected $tasks COMPLETED tasks in array job $job, but squeue lists:" >&2
    echo "$states" >&2
    failed=1
fi
for task in $(seq 0 $((tasks - 1))); do
    expected="$job $task"
    if ! read -r array_job array_task _ _ cwd <"$work/task-$task.txt"; then
        echo "error: task $task wrote no $work/task-$task.txt" >&2
        failed=1
    elif [ "$array_job $array_task" != "$expected" ] || [ "$cwd" != "$work" ]; then
        echo "error: task $task wrote '$array_job $array_task $cwd'," \
            "but expected '$expected $work'" >&2
        failed=1
    fi
done
if [ "$failed" -ne 0 ]; then
    echo "Kept $work for inspection" >&2
    exit 1
fi

# Each task adds 1 at its start time and subtracts 1 at its end time, so the running sum
# peaks at the maximum number of tasks that ran at once.
overlap=$(cat "$work"/task-*.txt | awk '{ print $3, 1; print $4, -1 }' | sort -g -k1,1 -k2,2n \
    | awk '{ running += $2; if (running > max) max = running } END { print max }')
if [ "$overlap" -gt 2 ]; then
    echo "error: $overlap tasks ran at once, but --array=0-7%2 allows 2" >&2
    exit 1
fi

rm -rf "$work"
echo "Array job $job: $tasks tasks COMPLETED, at most $overlap at once, in ${elapsed} s"
