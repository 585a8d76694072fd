#!/bin/bash
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"  # run npm run build first
# A one-minute flood: ten `yes` children with the default rotation, and a victim killed at the end.
D=$(mktemp -d)
cat > $D/t.yaml <<EOF
programs:
  flood: { cmd: "yes a line of output much like a busy service would log", numprocs: 10, starttime: 0 }
  victim: { cmd: "sleep 1000", starttime: 0 }
EOF
cd $D; node $ROOT/dist/src/cli/taskmaster.js -c t.yaml --no-shell -s $D/s.sock -l $D/tm.log 2>/dev/null & TM=$!
for t in 10 20 30 40 50 60; do sleep 10; echo -n "t=${t}s rss=$(grep VmRSS /proc/$TM/status | awk '{print $2/1024}')MB; "; done; echo
V=$(node $ROOT/dist/src/cli/taskmasterctl.js -s $D/s.sock pid victim); kill -9 $V; sleep 0.5
S=$(date +%s%N); node $ROOT/dist/src/cli/taskmasterctl.js -s $D/s.sock status victim; E=$(date +%s%N); echo "status took $(( (E-S)/1000000 )) ms during the flood"
grep -E "exited: victim|spawned: 'victim'" $D/tm.log | tail -2
du -sh $D/logs; ls $D/logs | wc -l
kill $TM; wait $TM; cd /; rm -rf $D
