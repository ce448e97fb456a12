#!/usr/bin/env bash
# Call set-up capacity of the bundled B2BUA next to the bundled proxy, measured in one run on this machine, each
# anchoring every call on the same real rtpengine (started here, on loopback ports of its own), with SIPp calling
# SIPp straight as the reference. For each target and each rate, SIPp places calls (INVITE with SDP, 200, ACK,
# 200 ms of call, BYE) and the script prints: calls placed, failed, p50/p99 call set-up time (INVITE to 200, from
# SIPp's -trace_rtt) and the sessions rtpengine still holds afterwards (rtpengine-ctl). A target's rates stop
# rising at its first rate with a failed call; the last line is the highest rate with zero failed calls for each.
# Then a mixed load goes through the proxy and the B2BUA at once per target: answered calls, calls refused 486 by
# a registered busy callee, and calls cancelled while ringing, each with its own SIPp, and rtpengine's session
# count afterwards (it must be zero).
#
#   bench/b2bua-vs-proxy.sh [--rates=25,50,100,200,400,600,800,1000] [--calls=300] [--seconds=3] [--mixed=100,50,30] [--keep]
#
# --calls is the least number of calls per rate; each rate runs at least --seconds of calls (rate x seconds).
# --mixed gives the mixed load's rates (answered, busy, cancelled cps; 10 s each; --mixed=0 skips it).
# --keep leaves the work folder (configs, SIPp traces, server and rtpengine logs) in place.
# Needs: rtpengine, rtpengine-ctl and sipp on the PATH; the distribution is built (or rebuilt when stale) here.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

rates="25,50,100,200,400,600,800,1000"
min_calls=300
seconds=3
keep=false
mixed="100,50,30"
for arg in "$@"; do
  case "$arg" in
    --rates=*) rates=${arg#--rates=} ;;
    --calls=*) min_calls=${arg#--calls=} ;;
    --seconds=*) seconds=${arg#--seconds=} ;;
    --mixed=*) mixed=${arg#--mixed=} ;;
    --keep) keep=true ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

for tool in rtpengine rtpengine-ctl sipp; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (scripts/install-deps installs it)" >&2; exit 1; }
done
scripts/build-dist

source bench/work.sh
open_work b2bua-bench

ng_port=$(free_port); cli_port=$(free_port); sip_port=$(free_port); uas_port=$(free_port); uac_port=$(free_port)
busy_port=$(free_port); ringing_port=$(free_port)
# a wide media port range: rtpengine 10.5's random port walk can report "Ran out of ports" in a small one under load
rtp_min=$(( (RANDOM % 50) * 100 + 40000 )); rtp_max=$(( rtp_min + 19999 ))

# rtpengine at notice level: at info it writes several lines per call and its logging dominates its CPU
rtpengine --config-file=none --foreground --table=-1 --interface=127.0.0.1 \
  --listen-ng=127.0.0.1:$ng_port --listen-cli=127.0.0.1:$cli_port \
  --port-min=$rtp_min --port-max=$rtp_max --delete-delay=0 --log-level=5 --log-stderr \
  >"$work/rtpengine.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ "$(sessions)" = "0" ] && break; sleep 0.1; done
[ "$(sessions)" = "0" ] || { echo "rtpengine did not start:"; cat "$work/rtpengine.log"; exit 1; }

# The test suite's scenarios, with their SDP filled in
fill() { # template placeholder sdp-file > out
  awk -v key="{{$2}}" -v file="$3" '
    index($0, key) { while ((getline line < file) > 0) print "      " line; close(file); next }
    { print }' "$1"
}
sipp_dir=src/test/resources/sipp
fill "$sipp_dir/uac-call.xml" offer "$sipp_dir/sdp/pcmu-offer.sdp" | sed "s/{{ack_to_bye_ms}}/200/" >"$work/uac.xml"
fill "$sipp_dir/uas-answer.xml" answer "$sipp_dir/sdp/pcmu-answer.sdp" | sed "s/{{contact_port}}/[local_port]/" >"$work/uas.xml"
fill "$sipp_dir/uac-expect-status.xml" offer "$sipp_dir/sdp/pcmu-offer.sdp" | sed 's/{{status}}/486/' >"$work/uac-busy.xml"
fill "$sipp_dir/uac-cancel.xml" offer "$sipp_dir/sdp/pcmu-offer.sdp" >"$work/uac-cancel.xml"
sed 's/{{status}}/486/; s/{{reason}}/Busy Here/' "$sipp_dir/uas-reject.xml" >"$work/uas-busy.xml"
# a callee cancelled behind the proxy answers 487 with two Vias, behind the B2BUA with one
cp "$sipp_dir/uas-cancelled.xml" "$work/uas-ringing-proxy.xml"
cp "$sipp_dir/uas-cancelled-b2bua.xml" "$work/uas-ringing-b2bua.xml"

start_server() { # mode
  local config="$work/$1.yaml"
  cat >"$config" <<EOF
sip:
  listen:
    - { transport: udp, address: "127.0.0.1:$sip_port" }
app:
  mode: $1
  next_hop: "sip:127.0.0.1:$uas_port"
media:
  rtpengine:
    address: "127.0.0.1:$ng_port"
log:
  level: info                 # the launcher's ready line is at info; nothing is logged per call
EOF
  target/sipanchor/bin/sipanchor --config "$config" >"$work/$1.log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  await_ready "$server_pid" "$work/$1.log" "$1"
}

stop_server() {
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}

start_uas() {
  sipp -sf "$work/uas.xml" -i 127.0.0.1 -p "$uas_port" -t u1 -nostdin >"$work/uas-$1.out" 2>&1 &
  uas_pid=$!
  pids+=("$uas_pid")
  sleep 0.5
}

stop_uas() {
  kill "$uas_pid" 2>/dev/null || true
  wait "$uas_pid" 2>/dev/null || true
}

# One rate against one target: prints "calls ok failed p50 p99 left"
run_rate() { # target rate remote
  local target=$1 rate=$2 remote=$3
  local calls=$(( rate * seconds )); [ "$calls" -lt "$min_calls" ] && calls=$min_calls
  local dir="$work/$target-$rate"
  mkdir -p "$dir"
  (cd "$dir" && sipp -sf "$work/uac.xml" -i 127.0.0.1 -p "$uac_port" -t u1 -s bob -r "$rate" -m "$calls" \
      -l $(( rate * 4 )) -nostdin -timeout 120s -timeout_error \
      -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 1 -trace_err -error_file errors.log \
      "$remote" >screen.log 2>&1) || true
  local ok failed
  ok=$(awk -F';' 'NR==1 {for (i=1;i<=NF;i++) if ($i=="SuccessfulCall(C)") s=i} END {print $s+0}' "$dir/stat.csv")
  failed=$(awk -F';' 'NR==1 {for (i=1;i<=NF;i++) if ($i=="FailedCall(C)") f=i} END {print $f+0}' "$dir/stat.csv")
  local missing=$(( calls - ok ))   # calls SIPp never completed count as failed too
  [ "$missing" -gt "$failed" ] && failed=$missing
  local p50 p99
  read -r p50 p99 < <(cat "$dir"/*_rtt.csv 2>/dev/null | awk -F';' '$2 ~ /^[0-9.]+$/ {print $2}' | sort -n \
    | awk '{v[NR]=$1} END {if (NR==0) {print "- -"; exit} i50=int(NR*0.50+0.999); i99=int(NR*0.99+0.999); printf "%.1f %.1f\n", v[i50], v[i99]}')
  local left="-"
  if [ "$target" != direct ]; then
    for _ in $(seq 50); do left=$(sessions); [ "$left" = "0" ] && break; sleep 0.1; done
  fi
  echo "$calls $ok $failed $p50 $p99 $left"
}

# Answered, busy and cancelled calls at once; prints one line per kind and the sessions left
mixed_load() { # target remote
  local target=$1 remote=$2 answered busy cancelled
  IFS=, read -r answered busy cancelled <<<"$mixed"
  local dir="$work/$target-mixed"
  mkdir -p "$dir"
  sipp -sf "$work/uas-busy.xml" -i 127.0.0.1 -p "$busy_port" -t u1 -nostdin >"$dir/busy-uas.out" 2>&1 &
  local busy_pid=$!
  sipp -sf "$work/uas-ringing-$target.xml" -i 127.0.0.1 -p "$ringing_port" -t u1 -nostdin >"$dir/ringing-uas.out" 2>&1 &
  local ringing_pid=$!
  pids+=("$busy_pid" "$ringing_pid")
  sleep 0.5
  for user in busy:$busy_port ringing:$ringing_port; do
    sed "s/{{contact_port}}/${user#*:}/" "$sipp_dir/register.xml" >"$dir/register-${user%%:*}.xml"
    sipp -sf "$dir/register-${user%%:*}.xml" -i 127.0.0.1 -p "$uac_port" -t u1 -s "${user%%:*}" -m 1 -nostdin \
      "$remote" >"$dir/register-${user%%:*}.out" 2>&1 || { echo "registering ${user%%:*} failed"; return; }
  done
  local kinds=("answered:uac.xml:bob:$answered" "busy:uac-busy.xml:busy:$busy" "cancelled:uac-cancel.xml:ringing:$cancelled")
  local i=0 run_pids=()
  for kind in "${kinds[@]}"; do
    IFS=: read -r name scenario user rate <<<"$kind"
    i=$((i + 1))
    (cd "$dir" && sipp -sf "$work/$scenario" -i 127.0.0.1 -p $((uac_port + i)) -t u1 -s "$user" -r "$rate" \
        -m $((rate * 10)) -nostdin -timeout 120s -timeout_error -trace_stat -stf "$name.csv" -fd 1 \
        "$remote" >"$name.screen" 2>&1) &
    run_pids+=($!)
  done
  wait "${run_pids[@]}" 2>/dev/null || true
  local left="?"
  for _ in $(seq 50); do left=$(sessions); [ "$left" = "0" ] && break; sleep 0.1; done
  for kind in "${kinds[@]}"; do
    IFS=: read -r name scenario user rate <<<"$kind"
    local ok failed
    ok=$(awk -F';' 'NR==1 {for (i=1;i<=NF;i++) if ($i=="SuccessfulCall(C)") s=i} END {print $s+0}' "$dir/$name.csv")
    failed=$(awk -F';' 'NR==1 {for (i=1;i<=NF;i++) if ($i=="FailedCall(C)") f=i} END {print $f+0}' "$dir/$name.csv")
    printf "%-7s %6s %6s %6s %7s %9s %9s %14s   mixed: %s\n" "$target" "$rate" $((rate * 10)) "$ok" "$failed" "-" "-" "$left" "$name"
  done
  kill "$busy_pid" "$ringing_pid" 2>/dev/null || true
  wait "$busy_pid" "$ringing_pid" 2>/dev/null || true
}

printf "sipanchor B2BUA vs proxy vs SIPp direct, %s, %s CPUs, %s\n" "$(date -u +%FT%TZ)" "$(nproc)" "$(java -version 2>&1 | head -1)"
printf "rtpengine %s at notice level; SIPp %s; calls of 200 ms; rates %s cps\n\n" \
  "$(rtpengine --version 2>&1 | head -1 | awk '{print $NF}')" "$({ sipp -v 2>&1 || true; } | awk '/SIPp v/ {print $2}')" "$rates"
printf "%-7s %6s %6s %6s %7s %9s %9s %14s\n" target cps calls ok failed "p50 ms" "p99 ms" "sessions left"

declare -A best
for target in direct proxy b2bua; do
  start_uas "$target"
  if [ "$target" = direct ]; then
    remote=127.0.0.1:$uas_port
  else
    start_server "$target"
    remote=127.0.0.1:$sip_port
    run_rate "$target-warmup" 50 "$remote" >/dev/null   # JIT warm-up, not reported
  fi
  best[$target]=0
  for rate in ${rates//,/ }; do
    read -r calls ok failed p50 p99 left < <(run_rate "$target" "$rate" "$remote")
    printf "%-7s %6s %6s %6s %7s %9s %9s %14s\n" "$target" "$rate" "$calls" "$ok" "$failed" "$p50" "$p99" "$left"
    if [ "$failed" -ne 0 ] || [ "$ok" -ne "$calls" ]; then break; fi
    best[$target]=$rate
  done
  if [ "$target" != direct ] && [ "$mixed" != 0 ]; then
    mixed_load "$target" "$remote"
  fi
  [ "$target" = direct ] || stop_server
  stop_uas
done

printf "\nhighest rate with zero failed calls: direct %s cps, proxy %s cps, b2bua %s cps (rtpengine sessions now: %s)\n" \
  "${best[direct]}" "${best[proxy]}" "${best[b2bua]}" "$(sessions)"
if [ "$(sessions)" != 0 ]; then
  # name them, so that --keep's server logs tell what became of those calls
  echo "sessions rtpengine still holds:"
  rtpengine-ctl -ip 127.0.0.1 -port "$cli_port" list sessions all 2>/dev/null | sed 's/^/  /'
fi
