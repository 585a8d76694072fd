#!/bin/bash
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"  # run npm run build first
# How late a scheduled job starts after its tick, over 60 one-second ticks.
D=$(mktemp -d); printf 'programs:\n  tick: { cmd: "true", schedule: "* * * * * *" }\n' > $D/t.yaml
cd $D; node $ROOT/dist/src/cli/taskmaster.js -c t.yaml --no-shell -s $D/s.sock -l $D/tm.log 2>/dev/null & TM=$!
sleep 62; kill $TM; wait $TM
grep "spawned: 'tick'" $D/tm.log | awk '{split($2,a,","); print a[2]+0}' | sort -n | awk '{v[NR]=$1} END {print "ticks:", NR, "median lateness", v[int((NR+1)/2)], "ms, worst", v[NR], "ms"}'
cd /; rm -rf $D
