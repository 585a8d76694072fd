#!/bin/bash
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"  # run npm run build first
# CPU of taskmaster with 100 health-checked processes: $1 = http|cmd|tcp
D=$(mktemp -d); KIND=$1
node -e "require('http').createServer((q,r)=>r.end('ok')).listen(18931,'127.0.0.1')" & SRV=$!
{
echo "programs:"
echo "  svc: { cmd: \"sleep 1000\", numprocs: 100, starttime: 0, stdout: discard, stderr: discard,"
case $KIND in
  http) echo "    healthcheck: { http: \"http://127.0.0.1:18931/\", interval: 1s } }";;
  cmd) echo "    healthcheck: { cmd: \"true\", interval: 1s } }";;
  tcp) echo "    healthcheck: { tcp: \"127.0.0.1:18931\", interval: 1s } }";;
esac
} > $D/t.yaml
cd $D; node $ROOT/dist/src/cli/taskmaster.js -c t.yaml --no-shell -s $D/s.sock -l $D/tm.log 2>/dev/null & TM=$!
sleep 5; T0=$(awk '{print $14+$15}' /proc/$TM/stat); sleep 30; T1=$(awk '{print $14+$15}' /proc/$TM/stat)
echo "$KIND: 100 processes checked every 1 s: supervisor CPU $(( (T1-T0) * 100 / 30 / 100 ))% of a core ($(( T1-T0 )) ticks in 30 s); healthy: $(node $ROOT/dist/src/cli/taskmasterctl.js -s $D/s.sock --json status | grep -o '"health": "healthy"' | wc -l)"
kill $TM; wait $TM; kill $SRV; cd /; rm -rf $D
