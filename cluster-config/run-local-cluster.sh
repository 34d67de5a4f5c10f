#!/usr/bin/env bash
# Starts a 3-node Switchyard cluster on 127.0.0.1 — node 0 runs the driver, nodes 1 and 2 host the
# ranks — runs one training job and prints its per-step metrics and `digest:` line, which equals
# `./switchyard simulate` with the same options. Job options are passed through, e.g.
#   cluster-config/run-local-cluster.sh --ranks 4 --steps 20 --seed 7
# Node logs go to target/local-cluster/. Every node is stopped on exit, Ctrl-C included. Each run
# makes fresh credentials (target/local-cluster/credentials): Akka runs mutual TLS and the data
# plane proves and seals every connection, as on a real cluster.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

# W from the job options (the driver validates everything else)
world=2
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    -W|--ranks) world="${args[i+1]:-2}" ;;
    -W=*|--ranks=*) world="${args[i]#*=}" ;;
  esac
done
if ! [[ "$world" =~ ^[0-9]+$ ]] || (( world < 1 )); then
  echo "run-local-cluster: --ranks must be a positive number, got '$world'" >&2
  exit 2
fi
first=$(( (world + 1) / 2 ))   # node 1 hosts ranks 0..first-1, node 2 the rest

logs="$root/target/local-cluster"
mkdir -p "$logs"
java_cmd=("$root/switchyard") # the launcher: the same JVM options as every other Switchyard JVM
# fresh credentials for this run: only these three nodes can talk to each other
credentials="$logs/credentials"
rm -rf "$credentials"
"${java_cmd[@]}" credentials "$credentials" >/dev/null
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ranks_of() { # first last
  if (( $1 > $2 )); then echo ""; else seq -s, "$1" "$2"; fi
}
r1=$(ranks_of 0 $((first - 1)))
r2=$(ranks_of "$first" $((world - 1)))
"${java_cmd[@]}" node --config "$here/node-1.conf" --credentials "$credentials" --role rank --host-ranks "$r1" >"$logs/node-1.log" 2>&1 &
pids+=($!)
if [[ -n "$r2" ]]; then
  "${java_cmd[@]}" node --config "$here/node-2.conf" --credentials "$credentials" --role rank --host-ranks "$r2" >"$logs/node-2.log" 2>&1 &
  pids+=($!)
fi
echo "run-local-cluster: node 1 hosts ranks [$r1], node 2 hosts ranks [$r2]; logs in $logs" >&2
# the driver runs in the foreground: its output is the job's output
"${java_cmd[@]}" train --config "$here/node-0.conf" --credentials "$credentials" "$@"
