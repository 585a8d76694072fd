#!/bin/bash
# Supervisor CPU per GB of output: N programs running CMD into their own files or one shared file, for SECONDS.
# usage: output-cpu.sh N own|shared SECONDS CMD...   e.g. output-cpu.sh 10 shared 3 cat /dev/zero
# TASKMASTER_ROOT=another/checkout compares a build against this one (alternate A B A B ...); run npm run build first.
set -eu
count=$1; files=$2; seconds=$3; shift 3
root=${TASKMASTER_ROOT:-"$(cd "$(dirname "$0")/../.." && pwd)"}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
{
  echo "programs:"
  for index in $(seq 0 $((count - 1))); do
    file=$dir/flood$index.log; [ "$files" = shared ] && file=$dir/flood.log
    echo "  flood$index: { cmd: \"$*\", autostart: false, stdout: $file, stdout_maxbytes: 0, stderr: discard }"
  done
} > "$dir/t.yaml"
node "$root/dist/src/cli/taskmaster.js" -c "$dir/t.yaml" --no-shell -s "$dir/s.sock" -l "$dir/tm.log" 2>/dev/null &
supervisor=$!
for _ in $(seq 100); do [ -S "$dir/s.sock" ] && break; sleep 0.1; done
node "$root/dist/src/cli/taskmasterctl.js" -s "$dir/s.sock" start all > /dev/null
sleep 0.3
ticks() { awk '{print $14 + $15}' "/proc/$supervisor/stat"; }
cpu0=$(ticks); bytes0=$(du -cb "$dir"/flood*.log | tail -1 | cut -f1); start=$(date +%s%N)
sleep "$seconds"
cpu1=$(ticks); bytes1=$(du -cb "$dir"/flood*.log | tail -1 | cut -f1); end=$(date +%s%N)
node "$root/dist/src/cli/taskmasterctl.js" -s "$dir/s.sock" stop all > /dev/null
kill -INT $supervisor; wait $supervisor || true
awk -v b=$((bytes1 - bytes0)) -v ns=$((end - start)) -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
  'BEGIN { printf "%.0f MB/s, %.3f s of supervisor CPU per GB (load %s)\n", b / (ns / 1e9) / 1e6, (t / hz) / (b / 1e9), load }'
