#!/bin/bash
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"  # run npm run build first
# GET /metrics at $1 processes (default 1000), and supervisor CPU idle with and without a watcher.
N=${1:-1000}; D=$(mktemp -d)
printf 'programs:\n  fleet: { cmd: "sleep 100000", numprocs: %s, starttime: 0, stdout: discard, stderr: discard }\n' "$N" > $D/t.yaml
cd $D; node $ROOT/dist/src/cli/taskmaster.js -c t.yaml --no-shell -s $D/s.sock -l $D/tm.log 2>/dev/null & TM=$!
until [ "$(node $ROOT/dist/src/cli/taskmasterctl.js -s $D/s.sock status 2>/dev/null | grep -c RUNNING)" -ge "$N" ]; do sleep 2; done
scrape() { curl -s -o /dev/null -w '%{time_total}\n' --unix-socket $D/s.sock http://localhost/metrics; }
TIMES=$(for i in 1 2 3 4 5 6 7 8 9 10 11; do scrape; sleep 1.1; done | sort -n | awk '{a[NR]=$1} END {printf "median %.0f ms, worst %.0f ms", a[6]*1000, a[NR]*1000}')
echo "$N processes: GET /metrics (fresh /proc read each time): $TIMES, $(curl -s --unix-socket $D/s.sock http://localhost/metrics | wc -c) bytes"
ticks() { awk '{print $14+$15}' /proc/$TM/stat; }
sleep 2; T0=$(ticks); sleep 30; T1=$(ticks)
curl -sN --unix-socket $D/s.sock http://localhost/v1/events > /dev/null & W=$!
sleep 1; T2=$(ticks); sleep 30; T3=$(ticks); kill $W
echo "supervisor CPU over 30 s: idle $((T1-T0)) ticks; with one event stream open $((T3-T2)) ticks (100 ticks = 1 s of CPU)"
kill $TM; wait $TM; cd /; rm -rf $D
