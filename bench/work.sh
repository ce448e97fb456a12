# Sourced by the benchmark scripts: a work folder removed on exit (kept with keep=true), the processes started
# into it stopped on exit (pids+=(...); resumed first, in case a fault left one stopped), and free loopback ports.
#
#   keep=false; source bench/work.sh; open_work compare   # $work is /tmp/sipanchor-compare.XXXXXX

pids=()

open_work() {
  work=$(mktemp -d "/tmp/sipanchor-$1.XXXXXX")
  trap close_work EXIT
  # a command that fails where the script expected none ends it under set -e: say which, rather than stop mute
  # (set -E: in functions too)
  set -E
  trap 'echo "$0: line $LINENO: a command failed (status $?)" >&2' ERR
}

close_work() {
  for pid in "${pids[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${keep:-false}" = true ]; then echo "work folder kept: $work"; else rm -rf "$work"; fi
}

# The sessions the RTPEngine whose CLI listens on $cli_port holds, or "?" when its CLI does not answer (a busy
# RTPEngine after a flood): never a failed command, which under set -e would end the script without a word.
sessions() {
  { rtpengine-ctl -ip 127.0.0.1 -port "$cli_port" list numsessions 2>/dev/null || true; } \
    | awk -F: '/Current sessions total/ {gsub(/ /, "", $2); print $2; found=1} END {if (!found) print "?"}'
}

# A port nothing listens on (TCP or UDP), outside the kernel's ephemeral range and clear of the tests' fixtures.
free_port() {
  local port
  while :; do
    port=$(( (RANDOM % 20000) + 20000 ))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && ! ss -Hlun "sport = :$port" 2>/dev/null | grep -q .; then
      echo "$port"; return
    fi
  done
}

# Waits up to 30 s for a sipanchor launched in the background to log "ready"; shows its log and exits if it does not.
await_ready() { # pid log label
  for _ in $(seq 300); do
    grep -q "ready in" "$2" && return 0
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  echo "sipanchor ($3) did not start:"; cat "$2"; exit 1
}
