#!/bin/bash
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"  # run npm run build first
# Seconds until a 20 MB burst of 99-character lines reaches the output file, on pipes and under tty: true.
D=$(mktemp -d)
BURST="sh -c 'head -c 20000000 /dev/zero | tr \\\"\\\\\\\\000\\\" a | fold -w 99; exec sleep 1000'"
for KIND in pipes tty; do
  TTY=$([ $KIND = tty ] && echo true || echo false)
  echo "programs: { burst: { cmd: \"$BURST\", starttime: 0, tty: $TTY, stdout: $D/$KIND.out } }" > $D/$KIND.yaml
  # Under a terminal each \n becomes \r\n: 202,020 lines add as many bytes.
  SIZE=$([ $KIND = tty ] && echo 20404020 || echo 20202020)
  START=$(date +%s.%N)
  node $ROOT/dist/src/cli/taskmaster.js -c $D/$KIND.yaml --no-shell -s $D/$KIND.sock -l $D/$KIND.log 2>/dev/null & TM=$!
  until [ "$(stat -c %s $D/$KIND.out 2>/dev/null || echo 0)" -ge $SIZE ]; do sleep 0.02; done
  echo "$KIND $(echo "$(date +%s.%N) - $START" | bc) s"
  kill $TM; wait $TM 2>/dev/null
done
rm -rf $D
