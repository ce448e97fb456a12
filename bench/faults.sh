#!/usr/bin/env bash
# Faults while calls flow, on loopback: the packaged server (proxy and B2BUA), SIPp and a real rtpengine. Per mode and
# per fault, a fresh rtpengine and server take a mixed load for --seconds (answered calls of 2 s, calls re-INVITEd
# then hung up, calls cancelled while ringing, calls rejected 486 by a busy callee), and the fault strikes 3 s in:
#
#   rtpengine-sigstop   rtpengine frozen (SIGSTOP) for --freeze seconds, long enough to fill the NG client's bound on
#                       requests in flight at this rate, then resumed (SIGCONT)
#   sipanchor-sigkill   sipanchor killed with SIGKILL and started again at once with the same configuration
#   rtpengine-restart   rtpengine killed and started again on the same ports: it forgets its calls
#   ng-loss             20% of the NG datagrams dropped each way for the whole run (LossyNgRelay)
#
# and none (the same load without a fault) as the reference. Per line: calls made, calls failed, the sessions
# rtpengine holds right after the load, and the seconds until it holds none (reconciliation every 5 s with a grace of
# 10 s here, so that what no call owns any more goes within the run; "-" if still some after --settle seconds).
#
#   bench/faults.sh [--seconds=12] [--rates=20,5,5,5] [--freeze=6] [--settle=60] [--modes=proxy,b2bua] [--keep]
#
# --rates: answered, re-INVITEd, cancelled and rejected calls per second. --keep leaves the work folder in place.
# Needs rtpengine, rtpengine-ctl and sipp on the PATH; the distribution and test classes are built here if stale.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=12
rates="20,5,5,5"
freeze=6
settle=60
modes="proxy,b2bua"
faults="none,rtpengine-sigstop,sipanchor-sigkill,rtpengine-restart,ng-loss"
keep=false
for arg in "$@"; do
  case "$arg" in
    --seconds=*) seconds=${arg#--seconds=} ;;
    --rates=*) rates=${arg#--rates=} ;;
    --freeze=*) freeze=${arg#--freeze=} ;;
    --settle=*) settle=${arg#--settle=} ;;
    --modes=*) modes=${arg#--modes=} ;;
    --faults=*) faults=${arg#--faults=} ;;
    --keep) keep=true ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

for tool in rtpengine rtpengine-ctl sipp java; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (scripts/install-deps installs it)" >&2; exit 1; }
done
scripts/build-dist
if [ ! -f target/test-classes/org/sipanchor/bench/LossyNgRelay.class ] \
    || [ -n "$(find src/test/java -newer target/test-classes/org/sipanchor/bench/LossyNgRelay.class -print -quit)" ]; then
  echo "building the test classes..." >&2
  mvn -B -q -ntp -Dstyle.color=never test-compile
fi

source bench/work.sh
open_work faults

ng_port=$(free_port); cli_port=$(free_port); sip_port=$(free_port); uac_port=$(free_port)
uas_port=$(free_port); reinvite_port=$(free_port); busy_port=$(free_port); ringing_port=$(free_port)
rtp_min=$(( (RANDOM % 50) * 100 + 40000 )); rtp_max=$(( rtp_min + 9999 ))

start_rtpengine() {
  rtpengine --config-file=none --foreground --table=-1 --interface=127.0.0.1 \
    --listen-ng=127.0.0.1:$ng_port --listen-cli=127.0.0.1:$cli_port \
    --port-min=$rtp_min --port-max=$rtp_max --delete-delay=0 --log-level=5 --log-stderr \
    >>"$run/rtpengine.log" 2>&1 &
  rtpengine_pid=$!
  pids+=("$rtpengine_pid")
  for _ in $(seq 100); do [ "$(sessions)" = "0" ] && return; sleep 0.1; done
  echo "rtpengine did not start:"; cat "$run/rtpengine.log"; exit 1
}
stop_rtpengine() {
  kill -CONT "$rtpengine_pid" 2>/dev/null || true
  kill "$rtpengine_pid" 2>/dev/null || true
  wait "$rtpengine_pid" 2>/dev/null || true
}

fill() { # template placeholder sdp-file > out
  awk -v key="{{$2}}" -v file="$3" '
    index($0, key) { while ((getline line < file) > 0) print "      " line; close(file); next }
    { print }' "$1"
}
sipp_dir=src/test/resources/sipp
fill "$sipp_dir/uac-call.xml" offer "$sipp_dir/sdp/pcmu-offer.sdp" \
  | sed 's/<pause milliseconds="{{ack_to_bye_ms}}"\/>/<pause milliseconds="2000"\/>/' >"$work/uac-answered.xml"
fill "$sipp_dir/uac-reinvite.xml" offer "$sipp_dir/sdp/pcmu-offer.sdp" >"$work/uac-reinvite.tmp"
fill "$work/uac-reinvite.tmp" reoffer "$sipp_dir/sdp/pcmu-reoffer.sdp" \
  | sed '0,/<pause milliseconds="200"\/>/s//<pause milliseconds="1500"\/>/' >"$work/uac-reinvited.xml"
fill "$sipp_dir/uac-expect-status.xml" offer "$sipp_dir/sdp/pcmu-offer.sdp" | sed 's/{{status}}/486/' >"$work/uac-rejected.xml"
fill "$sipp_dir/uac-cancel.xml" offer "$sipp_dir/sdp/pcmu-offer.sdp" >"$work/uac-cancelled.xml"
fill "$sipp_dir/uas-answer.xml" answer "$sipp_dir/sdp/pcmu-answer.sdp" | sed "s/{{contact_port}}/[local_port]/" >"$work/uas-answer.xml"
fill "$sipp_dir/uas-answer-reinvite.xml" answer "$sipp_dir/sdp/pcmu-answer.sdp" >"$work/uas-reinvite.xml"
sed 's/{{status}}/486/; s/{{reason}}/Busy Here/' "$sipp_dir/uas-reject.xml" >"$work/uas-busy.xml"
cp "$sipp_dir/uas-cancelled.xml" "$work/uas-ringing-proxy.xml"
cp "$sipp_dir/uas-cancelled-b2bua.xml" "$work/uas-ringing-b2bua.xml"

start_server() { # mode ng-address
  cat >"$run/sipanchor.yaml" <<CONF
sip:
  listen:
    - { transport: udp, address: "127.0.0.1:$sip_port" }
app:
  mode: $1
  auth: off
  next_hop: "sip:127.0.0.1:$busy_port"   # a call to a user not registered (yet) is refused 486 at once
  no_answer_timeout_secs: 8   # below the reconciliation grace, as the configuration requires
media:
  node_id: "faults"
  rtpengine:
    address: "$2"
    timeout_ms: 500
  health_check_interval_secs: 1
  reconcile:
    interval_secs: 5
    grace_secs: 10
log:
  level: info
CONF
  target/sipanchor/bin/sipanchor --config "$run/sipanchor.yaml" >>"$run/sipanchor.log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  local before=$3
  for _ in $(seq 400); do
    local ready
    ready=$(grep -c "ready in" "$run/sipanchor.log" 2>/dev/null || true)
    [ "${ready:-0}" -gt "${before:-0}" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "sipanchor ($1) did not start:"; tail -50 "$run/sipanchor.log"; exit 1
}

# Callees, each a SIPp that stays for the whole run, each registered as its user (the registrar lives in memory: after
# a restart, calls to a user not registered again yet go to next_hop, the busy callee, and fail at once)
start_callees() { # mode
  local ringing=$work/uas-ringing-$1.xml
  for callee in "answer:$uas_port:$work/uas-answer.xml" "reinvite:$reinvite_port:$work/uas-reinvite.xml" \
      "busy:$busy_port:$work/uas-busy.xml" "ringing:$ringing_port:$ringing"; do
    IFS=: read -r name port scenario <<<"$callee"
    sipp -sf "$scenario" -i 127.0.0.1 -p "$port" -t u1 -nostdin >"$run/uas-$name.out" 2>&1 &
    pids+=($!)
    callee_pids+=($!)
  done
  sleep 0.5
  for user in bob:$uas_port reinvite:$reinvite_port busy:$busy_port ringing:$ringing_port; do
    sed "s/{{contact_port}}/${user#*:}/" "$sipp_dir/register.xml" >"$run/register-${user%%:*}.xml"
    sipp -sf "$run/register-${user%%:*}.xml" -i 127.0.0.1 -p "$uac_port" -t u1 -s "${user%%:*}" -m 1 -nostdin \
      -timeout 10s -timeout_error "127.0.0.1:$sip_port" >"$run/register-${user%%:*}.out" 2>&1 \
      || { echo "registering ${user%%:*} failed"; cat "$run/register-${user%%:*}.out"; exit 1; }
  done
}

strike() { # fault mode
  case "$1" in
    rtpengine-sigstop)
      kill -STOP "$rtpengine_pid"; sleep "$freeze"; kill -CONT "$rtpengine_pid" ;;
    sipanchor-sigkill)
      kill -KILL "$server_pid"; wait "$server_pid" 2>/dev/null || true
      local started
      started=$(grep -c "ready in" "$run/sipanchor.log" 2>/dev/null || true)
      start_server "$2" "$ng_address" "${started:-0}"
      # a restarted registrar starts empty: the callees register again
      for user in bob:$uas_port reinvite:$reinvite_port busy:$busy_port ringing:$ringing_port; do
        sipp -sf "$run/register-${user%%:*}.xml" -i 127.0.0.1 -p "$uac_port" -t u1 -s "${user%%:*}" -m 1 -nostdin \
          -timeout 10s "127.0.0.1:$sip_port" >>"$run/register-${user%%:*}.out" 2>&1 || true
      done ;;
    rtpengine-restart)
      kill -KILL "$rtpengine_pid"; wait "$rtpengine_pid" 2>/dev/null || true
      start_rtpengine ;;
    *) ;;
  esac
}

one_run() { # mode fault
  local mode=$1 fault=$2
  run=$work/$mode-$fault
  mkdir -p "$run"
  callee_pids=()
  start_rtpengine
  ng_address=127.0.0.1:$ng_port
  local relay_pid=""
  if [ "$fault" = ng-loss ]; then
    java -cp target/test-classes org.sipanchor.bench.LossyNgRelay "127.0.0.1:$ng_port" 0.2 >"$run/relay.out" 2>&1 &
    relay_pid=$!
    pids+=("$relay_pid")
    for _ in $(seq 100); do [ -s "$run/relay.out" ] && break; sleep 0.05; done
    ng_address=127.0.0.1:$(head -1 "$run/relay.out")
  fi
  start_server "$mode" "$ng_address" 0
  start_callees "$mode"
  IFS=, read -r answered reinvited cancelled rejected <<<"$rates"
  local kinds=("answered:bob:$answered" "reinvited:reinvite:$reinvited" "cancelled:ringing:$cancelled" "rejected:busy:$rejected")
  local i=0 run_pids=()
  for kind in "${kinds[@]}"; do
    IFS=: read -r name user rate <<<"$kind"
    i=$((i + 1))
    (cd "$run" && sipp -sf "$work/uac-$name.xml" -i 127.0.0.1 -p $((uac_port + i)) -t u1 -s "$user" -r "$rate" \
        -m $((rate * seconds)) -nostdin -recv_timeout 15000 -timeout $((seconds + 60))s -timeout_error \
        -trace_stat -stf "$name.csv" -fd 1 -trace_err -error_file "$name-errors.log" \
        "127.0.0.1:$sip_port" >"$name.screen" 2>&1) &
    run_pids+=($!)
  done
  sleep 3
  strike "$fault" "$mode"
  wait "${run_pids[@]}" 2>/dev/null || true
  local made=0 failed=0
  for kind in "${kinds[@]}"; do
    IFS=: read -r name user rate <<<"$kind"
    local ok bad
    ok=$(awk -F';' 'NR==1 {for (i=1;i<=NF;i++) if ($i=="SuccessfulCall(C)") s=i} END {print $s+0}' "$run/$name.csv" 2>/dev/null || echo 0)
    bad=$(( rate * seconds - ok ))
    made=$(( made + rate * seconds )); failed=$(( failed + bad ))
  done
  local left since=$SECONDS until="-"
  left=$(sessions)
  while [ $(( SECONDS - since )) -le "$settle" ]; do
    [ "$(sessions)" = "0" ] && { until=$(( SECONDS - since )); break; }
    sleep 0.5
  done
  printf "%-6s %-18s %6s %7s %14s %16s\n" "$mode" "$fault" "$made" "$failed" "$left" "$until"
  if [ "$until" = "-" ]; then
    rtpengine-ctl -ip 127.0.0.1 -port "$cli_port" list sessions all >"$run/sessions-left.txt" 2>&1 || true
  fi
  for pid in "${callee_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true
  [ -n "$relay_pid" ] && { kill "$relay_pid" 2>/dev/null || true; wait "$relay_pid" 2>/dev/null || true; }
  stop_rtpengine
  wait "${callee_pids[@]}" 2>/dev/null || true
}

printf "sipanchor under faults, %s, %s CPUs, %s; rtpengine %s, SIPp %s\n" "$(date -u +%FT%TZ)" "$(nproc)" \
  "$(java -version 2>&1 | head -1)" "$(rtpengine --version 2>&1 | head -1 | awk '{print $NF}')" \
  "$({ sipp -v 2>&1 || true; } | awk '/SIPp v/ {print $2}')"
printf "load: %s s of answered (2 s), re-INVITEd, cancelled, rejected calls at %s cps; fault at 3 s\n\n" "$seconds" "$rates"
printf "%-6s %-18s %6s %7s %14s %16s\n" mode fault calls failed "sessions left" "s until zero"
for mode in ${modes//,/ }; do
  for fault in ${faults//,/ }; do
    one_run "$mode" "$fault"
  done
done
