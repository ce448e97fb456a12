#!/usr/bin/env bash
# sipanchor against Kamailio, in one run on this machine: the highest SIPp call rate each target completes with zero
# failed calls, as a ratio to Kamailio's, then a flood at twice that rate (admission control: goodput, 503s, set-up
# time, sessions left).
#
# Targets, in this order, each against a fresh rtpengine (Kamailio leaks the sessions of the calls it fails):
#   kamailio  Kamailio 5.6 (Debian `kamailio`, installed here when missing) with bench/kamailio/kamailio.cfg:
#             registrar, record_route, rtpengine offer/answer/delete, -m 512
#   proxy     the bundled sipanchor proxy (app.mode: proxy)
#   b2bua     the bundled sipanchor B2BUA (app.mode: b2bua)
# Every call: SIPp INVITE with SDP to bob, who registered at the target from a SIPp callee (the registrar is in the
# path), 180, 200 with SDP, ACK and BYE along the Record-Route, 500 ms of call, every call anchored on rtpengine.
# A 100 or 180 that reaches the caller up to 20 ms after its 200 is not a failure: a target that relays on several
# processes or threads may reorder them (UDP allows it, a phone drops it). Kamailio reorders a 180 in about 1 call in
# 2,000 at 400 cps; sipanchor's proxy did with a 100 Trying sent by jain-sip's timer (about 1 in 3,000 at 200 cps)
# until it sent its 100 at once.
#
#   bench/compare.sh [--quick] [--seconds=15] [--rates=200,400,...] [--targets=kamailio,proxy,b2bua]
#                    [--flood|--no-flood] [--flood-base=N] [--max-rate=3000] [--profile] [--keep] [--dist=DIR]
#
# --seconds   length of each rate step (default 15; --quick: 5, and a coarser rate list)
# --rates     the rates to try in order; past the last one the sweep goes on in steps of 100 until a call fails,
#             up to --max-rate (a target that reaches it is reported as ">=" that rate)
# --flood     after a target's sweep, offer twice its zero-failure rate for --seconds (on by default)
# --flood-base=N  flood at twice N instead, whatever the sweep found (to compare builds at the same offered rate)
# --profile   record a JFR profile of each sipanchor target (bench/PROFILE.md says how to read it); kept in the work dir
# --keep      leave the work folder (configs, SIPp statistics, logs) in place
# --dist=DIR  run sipanchor from this distribution (a copy of target/sipanchor; absolute, or relative to the
#             repository) instead of building one: to compare two builds, alternate runs of each at one rate
#             (a new process's first steps carry the JIT's work)
# Per step it prints: calls, good, failed, SIPp retransmissions, p50/p99 set-up (INVITE to 200), rtpengine sessions
# left, datagrams the kernel dropped for a full UDP receive buffer (any socket), and the CPU share (% of one core, from /proc) of the SIPp processes, the target and rtpengine over the step.
# Needs: rtpengine, rtpengine-ctl, sipp; a JDK (sipanchor runs on the launcher's: JAVA, else JAVA_HOME, else java on the PATH);
# kamailio (apt-get install -y kamailio, done here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=15
rates=""
targets="kamailio,proxy,b2bua"
flood=true
flood_base=0
profile=false
keep=false
dist=""
max_rate=3000
quick=false
for arg in "$@"; do
  case "$arg" in
    --quick) quick=true ;;
    --seconds=*) seconds=${arg#--seconds=} ;;
    --rates=*) rates=${arg#--rates=} ;;
    --targets=*) targets=${arg#--targets=} ;;
    --flood) flood=true ;;
    --no-flood) flood=false ;;
    --flood-base=*) flood_base=${arg#--flood-base=} ;;
    --profile) profile=true ;;
    --keep) keep=true ;;
    --dist=*) dist=$(cd "${arg#--dist=}" && pwd) ;;
    --max-rate=*) max_rate=${arg#--max-rate=} ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done
warmup_seconds=15
if [ "$quick" = true ]; then
  warmup_seconds=8
  [[ " $* " == *" --seconds="* ]] || seconds=5
  [ -n "$rates" ] || rates="100,200,400,600,700,800,900,1000,1100,1200"
fi
[ -n "$rates" ] || rates="100,200,300,400,500,600,700,750,800,850,900,950,1000,1100,1200"

for tool in rtpengine rtpengine-ctl sipp; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (scripts/install-deps installs it)" >&2; exit 1; }
done
if [[ ",$targets," == *",kamailio,"* ]] && ! command -v kamailio >/dev/null; then
  echo "installing kamailio (Debian package) for the reference target..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q kamailio >/dev/null
fi
if [[ ",$targets," == *",proxy,"* || ",$targets," == *",b2bua,"* ]]; then
  if [ -z "$dist" ]; then
    scripts/build-dist
    dist=$root/target/sipanchor
  fi
fi

source bench/work.sh
open_work compare
sip_port=$(free_port); uas_port=$(free_port); uac_port=$(free_port); reg_port=$(free_port)
hz=$(getconf CLK_TCK)

# ------------------------------------------------------------------ SIPp scenarios (the test suite's, 500 ms calls)
sipp_dir=src/test/resources/sipp
fill() { # template placeholder sdp-file > out
  awk -v key="{{$2}}" -v file="$3" '
    index($0, key) { while ((getline line < file) > 0) print "      " line; close(file); next }
    { print }' "$1"
}
fill "$sipp_dir/uac-call.xml" offer "$sipp_dir/sdp/pcmu-offer.sdp" \
  | sed 's/<pause milliseconds="{{ack_to_bye_ms}}"\/>/<recv response="100" optional="true" timeout="20" ontimeout="talk"\/><recv response="180" timeout="20" ontimeout="talk"\/><label id="talk"\/><pause milliseconds="500"\/>/' \
  >"$work/uac.xml"
grep -q 'milliseconds="500"' "$work/uac.xml" || { echo "uac-call.xml changed: no 500 ms pause" >&2; exit 1; }
fill "$sipp_dir/uas-answer.xml" answer "$sipp_dir/sdp/pcmu-answer.sdp" | sed "s/{{contact_port}}/[local_port]/" >"$work/uas.xml"
sed "s/{{contact_port}}/$uas_port/" "$sipp_dir/register.xml" >"$work/register.xml"
# The flood's caller: a 503 (with or without Retry-After) is an expected answer, acknowledged, and counted apart.
awk '
  /<recv response="200" rtd="true" rrs="true"\/>/ {
    print "  <recv response=\"503\" optional=\"true\" next=\"rejected\" rtd=\"reject\"/>"
    print "  <recv response=\"200\" rtd=\"setup\" rrs=\"true\"/>"; next }
  /<recv response="200" crlf="true"\/>/ {
    print "  <recv response=\"200\" crlf=\"true\" next=\"done\"/>"
    print "  <label id=\"rejected\"/>"
    print "  <send><![CDATA["
    print "      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0"
    print "      [last_Via:]"
    print "      From: \"alice\" <sip:alice@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]"
    print "      [last_To:]"
    print "      Call-ID: [call_id]"
    print "      CSeq: 1 ACK"
    print "      Max-Forwards: 70"
    print "      Content-Length: 0"
    print "    ]]></send>"
    print "  <label id=\"done\"/>"; next }
  { print }' "$work/uac.xml" >"$work/uac-flood.xml"

# ------------------------------------------------------------------ processes
rtpengine_start() { # target
  ng_port=$(free_port); cli_port=$(free_port)
  local rtp_min=$(( (RANDOM % 50) * 100 + 40000 ))
  # notice level: at info it writes several lines per call and its logging dominates its CPU
  rtpengine --config-file=none --foreground --table=-1 --interface=127.0.0.1 \
    --listen-ng=127.0.0.1:$ng_port --listen-cli=127.0.0.1:$cli_port \
    --port-min=$rtp_min --port-max=$((rtp_min + 19999)) --delete-delay=0 --log-level=5 --log-stderr \
    >"$work/rtpengine-$1.log" 2>&1 &
  rtpengine_pid=$!
  pids+=("$rtpengine_pid")
  for _ in $(seq 100); do [ "$(sessions)" = "0" ] && return 0; sleep 0.1; done
  echo "rtpengine did not start:"; cat "$work/rtpengine-$1.log"; exit 1
}
rtpengine_stop() {
  kill "$rtpengine_pid" 2>/dev/null || true
  wait "$rtpengine_pid" 2>/dev/null || true
}

target_start() { # target
  case "$1" in
    kamailio)
      sed "s/@SIP_PORT@/$sip_port/; s/@NG_PORT@/$ng_port/" bench/kamailio/kamailio.cfg >"$work/kamailio.cfg"
      # -DD: no daemon, stays in this process group; -E: log to stderr; -m: shared memory, MB
      kamailio -f "$work/kamailio.cfg" -DD -E -m 512 -M 16 -P "$work/kamailio.pid" >"$work/kamailio.log" 2>&1 &
      target_pid=$!
      pids+=("$target_pid")
      for _ in $(seq 100); do
        ss -Hlun "sport = :$sip_port" 2>/dev/null | grep -q . && return 0
        kill -0 "$target_pid" 2>/dev/null || break
        sleep 0.1
      done
      echo "kamailio did not start:"; cat "$work/kamailio.log"; exit 1 ;;
    proxy|b2bua)
      cat >"$work/$1.yaml" <<EOF
sip:
  listen:
    - { transport: udp, address: "127.0.0.1:$sip_port" }
app:
  mode: $1
  auth: off                   # as the Kamailio reference: no digest
media:
  rtpengine:
    address: "127.0.0.1:$ng_port"
log:
  level: info                 # the launcher's ready line is at info; nothing is logged per call
EOF
      local opts=""
      if [ "$profile" = true ]; then
        opts="-XX:StartFlightRecording=filename=$work/$1.jfr,settings=profile,dumponexit=true"
      fi
      JAVA_OPTS="${JAVA_OPTS:-} $opts" "$dist/bin/sipanchor" --config "$work/$1.yaml" >"$work/$1.log" 2>&1 &
      target_pid=$!
      pids+=("$target_pid")
      await_ready "$target_pid" "$work/$1.log" "$1" ;;
  esac
}
target_stop() {
  kill -TERM "$target_pid" 2>/dev/null || true
  wait "$target_pid" 2>/dev/null || true
}

uas_start() { # target
  sipp -sf "$work/uas.xml" -i 127.0.0.1 -p "$uas_port" -t u1 -nostdin -buff_size 4194304 \
    >"$work/uas-$1.out" 2>&1 &
  uas_pid=$!
  pids+=("$uas_pid")
  sleep 0.3
  register_bob "$1"
}
# bob registers his callee's address at the target: every call then goes through the registrar's lookup. Again
# before each step: the registration lasts 300 s, less than a long sweep, and calls to bob would then get 404.
register_bob() { # target
  (cd "$work" && sipp -sf "$work/register.xml" -i 127.0.0.1 -p "$reg_port" -t u1 -s bob -m 1 -nostdin \
      -timeout 10s -timeout_error "127.0.0.1:$sip_port" >"$work/register-$1.out" 2>&1) \
    || { echo "registering bob at $1 failed:"; tail -20 "$work/register-$1.out"; exit 1; }
}
uas_stop() {
  kill "$uas_pid" 2>/dev/null || true
  wait "$uas_pid" 2>/dev/null || true
}

# Datagrams the kernel dropped because a UDP socket's receive buffer was full (all sockets on the machine): a failed
# call with drops in its step was lost on the wire, not refused
udp_drops() { awk '/^Udp:/ && $2 ~ /^[0-9]+$/ {print $6}' /proc/net/snmp; }
# The same per socket, to tell whose buffer overflowed: "port inode drops" for each IPv4 UDP socket that dropped any
socket_drops() {
  awk 'function hex(s,  i, n) { n = 0; for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1; return n }
    NR > 1 && $NF > 0 { split($2, a, ":"); print hex(a[2]), $10, $NF }' /proc/net/udp
}
# What dropped during a step, by socket, from two socket_drops samples: "rtpengine's NG 500, the target's port 41234 29"
drops_by_socket() { # target before after
  local target=$1 port inode n before name owner pid
  local tpids; tpids=$(target_pids "$target")
  while read -r port inode n; do
    before=$(awk -v i="$inode" '$2 == i {print $3}' <<<"$2"); n=$(( n - ${before:-0} ))
    [ "$n" -gt 0 ] || continue
    case $port in
      "$sip_port") name="$target's SIP" ;;
      "$ng_port") name="rtpengine's NG" ;;
      "$uac_port") name="SIPp caller's" ;;
      "$uas_port") name="SIPp callee's" ;;
      *) owner=other
         for pid in $tpids; do
           ls -l "/proc/$pid/fd" 2>/dev/null | grep -q "socket:\[$inode\]" && owner="the target's"
         done
         name="$owner port $port" ;;
    esac
    printf '%s %s, ' "$name" "$n"
  done <<<"$3" | sed 's/, $//'
}

# CPU ticks (user + system) of a process and its threads; children of kamailio are its processes
ticks() { # pid...
  local total=0 pid t
  for pid in "$@"; do
    t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + t))
  done
  echo "$total"
}
# context switches (voluntary and not) of every thread of the given processes so far: each is a thread put to sleep
# or woken, which on two vCPUs costs about what a small piece of work handed to another thread does (bench/PROFILE.md)
switches() { # pid...
  local p
  for p in "$@"; do cat /proc/"$p"/task/*/status 2>/dev/null; done \
    | awk '/^(non)?voluntary_ctxt_switches:/ {n += $2} END {print n + 0}'
}

target_pids() {
  if [ "$1" = kamailio ]; then
    echo "$target_pid" $(pgrep -P "$target_pid" 2>/dev/null || true)
  else
    echo "$target_pid"
  fi
}

# ------------------------------------------------------------------ one step
# Runs one rate for $seconds; prints "calls good failed retrans p50 p99 rejected rej99 left sipp% target% rtpengine%
# drops switches-per-call"
run_step() { # target rate scenario label
  local target=$1 rate=$2 scenario=$3 label=$4
  local calls=$(( rate * seconds ))
  local dir="$work/$target-$label-$rate"
  mkdir -p "$dir"
  local tpids; tpids=$(target_pids "$target")
  local t0 s0 r0 u0 w0
  local d0 sd0 sd1=""; d0=$(udp_drops); sd0=$(socket_drops)
  t0=$(date +%s%N); s0=$(ticks $tpids); r0=$(ticks "$rtpengine_pid"); u0=$(ticks "$uas_pid"); w0=$(switches $tpids)
  (cd "$dir" && exec sipp -sf "$work/$scenario" -i 127.0.0.1 -p "$uac_port" -t u1 -s bob -r "$rate" -m "$calls" \
      -l $(( rate * 8 )) -nostdin -timeout $(( seconds + 60 ))s -timeout_error -buff_size 4194304 \
      -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 1 -trace_counts -trace_err \
      "127.0.0.1:$sip_port" >screen.log 2>&1) &
  local uac_pid=$! uac_ticks=0 t
  local t1="" s1 r1 u1 w1 uac1 load_end=$(( t0 + seconds * 1000000000 ))
  # the caller's own CPU: read from /proc until it exits. The CPU columns cover the step's $seconds of offered load
  # only: a failing step's SIPp lingers up to a minute on calls that time out, and counting that idle time made
  # saturated steps look half idle.
  # the end-of-load sample, taken once: when the offered load ends, or when SIPp exits before that
  sample_end() {
    t1=$(date +%s%N); tpids=$(target_pids "$target"); s1=$(ticks $tpids); r1=$(ticks "$rtpengine_pid")
    u1=$(ticks "$uas_pid"); w1=$(switches $tpids); uac1=$uac_ticks; sd1=$(socket_drops)
  }
  while kill -0 "$uac_pid" 2>/dev/null; do
    t=$(ticks "$uac_pid"); [ "$t" -gt 0 ] && uac_ticks=$t
    if [ -z "$t1" ] && [ "$(date +%s%N)" -ge "$load_end" ]; then sample_end; fi
    sleep 0.2
  done
  wait "$uac_pid" 2>/dev/null || true
  if [ -z "$t1" ]; then sample_end; fi
  uac_ticks=$uac1
  local wall_ms=$(( (t1 - t0) / 1000000 ))
  pct() { awk -v t="$1" -v hz="$hz" -v ms="$wall_ms" 'BEGIN {printf "%.0f", 100 * t / hz / (ms / 1000)}'; }
  col() { awk -F';' -v name="$1" 'NR==1 {for (i=1;i<=NF;i++) if ($i==name) c=i} END {print (c ? $c : 0) + 0}' "$dir/stat.csv"; }
  local good failed retrans
  good=$(col "SuccessfulCall(C)"); failed=$(col "FailedCall(C)"); retrans=$(col "Retransmissions(C)")
  local rejected=0
  if [ "$scenario" = uac-flood.xml ]; then
    # the 503 line of the scenario's message counts (it sits right after the optional 183)
    rejected=$(awk -F';' 'NR==1 {for (i=1;i<=NF;i++) if ($i ~ /_503_Recv$/) c=i} END {print (c ? $c : 0) + 0}' \
      "$(ls "$dir"/*_counts.csv 2>/dev/null | head -1)" 2>/dev/null || echo 0)
    # a rejected call ends at its ACK and counts as successful in SIPp's terms
    good=$(( good - rejected ))
  fi
  local missing=$(( calls - good - rejected ))
  [ "$missing" -gt "$failed" ] && failed=$missing
  if [ "$failed" -gt 0 ]; then # why, in SIPp's words: the calls it aborted by cause, and its other errors, most frequent first
    # (its log's entries are not on lines of their own, and a tab follows each one's date; its "receive timeout"
    # entries are the scenario's pauses)
    { grep -ho "Aborting call on [^$(printf '\t')]*" "$dir"/*_errors.log 2>/dev/null \
        | sed "s/Aborting call on unexpected message.*received 'SIP\/2.0 \([0-9]* [A-Za-z ]*\).*/unexpected \1/; s/Aborting call on \(.*\) for Call-I[Dd].*/\1/"
      grep -ho "Call-Id: [^,]*, [^0-9]*" "$dir"/*_errors.log 2>/dev/null | sed 's/^Call-Id: [^,]*, //' | grep -v "^receive timeout on message"
    } | sort | uniq -c | sort -rn | head -3 | sed "s/^ */  $target $rate $label, SIPp: /" >&2 || true
    grep -m3 -i "unable\|cannot\|can't\|exiting\|abort" "$dir/screen.log" 2>/dev/null \
      | sed "s/^/  $target $rate $label, SIPp said: /" >&2 || true
    local dropped; dropped=$(drops_by_socket "$target" "$sd0" "$sd1")
    [ -z "$dropped" ] || echo "  $target $rate $label, datagrams dropped (full receive buffer) by socket: $dropped" >&2
  fi
  local p50 p99
  read -r p50 p99 < <(cat "$dir"/*_rtt.csv 2>/dev/null | awk -F';' '$2 ~ /^[0-9.]+$/ && $3 != "reject" {print $2}' \
    | sort -n | awk '{v[NR]=$1} END {if (NR==0) {print "- -"; exit} i50=int(NR*0.50+0.999); i99=int(NR*0.99+0.999); printf "%.0f %.0f\n", v[i50], v[i99]}')
  local rej99="-"
  if [ "$rejected" -gt 0 ]; then
    rej99=$(cat "$dir"/*_rtt.csv 2>/dev/null | awk -F';' '$2 ~ /^[0-9.]+$/ && $3 == "reject" {print $2}' | sort -n \
      | awk '{v[NR]=$1} END {if (NR==0) {print "-"; exit} printf "%.0f\n", v[int(NR*0.99+0.999)]}')
  fi
  local left="?"
  for _ in $(seq 30); do left=$(sessions); [ "$left" = "0" ] && break; sleep 0.1; done
  echo "$calls $good $failed $retrans $p50 $p99 $rejected $rej99 $left $(pct $((uac_ticks + u1 - u0))) $(pct $((s1 - s0))) $(pct $((r1 - r0))) $(( $(udp_drops) - d0 ))" \
    "$(awk -v w=$((w1 - w0)) -v c="$calls" 'BEGIN {printf "%.1f", w / c}')"
}

# ------------------------------------------------------------------ the run
printf "sipanchor vs Kamailio, %s, %s CPUs, load before the run %s\n" "$(date -u +%FT%TZ)" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
printf "%s; kamailio %s; rtpengine %s (notice level); SIPp %s; 500 ms calls; %s s per step; rates %s\n" \
  "sipanchor on $("${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}" -version 2>&1 | head -1)" "$(kamailio -v 2>/dev/null | awk '/^version/ {print $3}')" \
  "$(rtpengine --version 2>&1 | head -1 | awk '{print $NF}')" "$({ sipp -v 2>&1 || true; } | awk '/SIPp v/ {print $2}')" \
  "$seconds" "$rates"
printf "CPU columns: %% of one core over the step (%s cores = %s%%): SIPp caller+callee, the target, rtpengine; sw/call: the target's context switches per call offered\n\n" \
  "$(nproc)" "$(( $(nproc) * 100 ))"
header() {
  printf "%-8s %5s %6s %6s %6s %7s %6s %6s %5s %5s %6s %5s %5s %7s %5s\n" \
    target cps calls good failed retrans p50ms p99ms left sipp% target% rtpe% drops sw/call "$1"
}
row() { # target rate calls good failed retrans p50 p99 left sipp target rtpe drops switches [extra]
  printf "%-8s %5s %6s %6s %6s %7s %6s %6s %5s %5s %6s %5s %5s %7s %5s\n" "$@"
}
header ""

declare -A best best_sipp best_target best_left flood_line capped
for target in ${targets//,/ }; do
  rtpengine_start "$target"
  target_start "$target"
  uas_start "$target"
  # warm-up, not reported: the JVM compiles the stack's hot paths during its first thousand calls (its compiler
  # threads then take a core), which would count against the first rate; Kamailio gets the same calls
  step_seconds=$seconds; seconds=$warmup_seconds
  run_step "$target" 100 uac.xml warmup >/dev/null
  seconds=$step_seconds
  best[$target]=0; best_sipp[$target]="-"; best_target[$target]="-"; capped[$target]=""
  # the listed rates, then on in steps of 100 until a call fails: a target that passes every listed rate has no
  # zero-failure rate yet, and a ratio against its last listed rate would flatter the other targets
  sweep=(${rates//,/ }); step=0
  while :; do
    if [ "$step" -lt ${#sweep[@]} ]; then rate=${sweep[$step]}; else rate=$(( rate + 100 )); fi
    step=$(( step + 1 ))
    [ "$rate" -le "$max_rate" ] || { capped[$target]=">="; break; }
    register_bob "$target"
    read -r calls good failed retrans p50 p99 _ _ left sippc targetc rtpec drops sw < <(run_step "$target" "$rate" uac.xml sweep)
    row "$target" "$rate" "$calls" "$good" "$failed" "$retrans" "$p50" "$p99" "$left" "$sippc" "$targetc" "$rtpec" "$drops" "$sw" ""
    if [ "$failed" -ne 0 ] || [ "$good" -ne "$calls" ]; then break; fi
    best[$target]=$rate; best_sipp[$target]=$sippc; best_target[$target]=$targetc
  done
  best_left[$target]=$(sessions)
  base=${best[$target]}
  [ "$flood_base" -eq 0 ] || base=$flood_base
  if [ "$flood" = true ] && [ "$base" -gt 0 ]; then
    sleep 2
    offered=$(( base * 2 ))
    register_bob "$target"
    read -r calls good failed retrans p50 p99 rejected rej99 left sippc targetc rtpec drops sw \
      < <(run_step "$target" "$offered" uac-flood.xml flood)
    # what is still anchored with the target running: releases that wait for RTPEngine (deletes retried while the
    # NG client's in-flight bound is full, unanswered 2xx released after 64 x T1) land within a minute; a leak does not
    if [ "$left" != "0" ]; then
      waited=0; now=$left
      while [ "$now" != "0" ] && [ "$waited" -lt 60 ]; do sleep 1; waited=$(( waited + 1 )); now=$(sessions); done
      left="$left ($now after $waited s more)"
    fi
    flood_line[$target]=$(awk -v g="$good" -v s="$seconds" -v b="$base" -v o="$offered" -v r="$rejected" \
      -v f="$failed" -v p50="$p50" -v p99="$p99" -v r99="$rej99" -v left="$left" -v rt="$retrans" -v d="$drops" \
      -v sc="$sippc" -v tc="$targetc" -v rc="$rtpec" -v sw="$sw" 'BEGIN {
        printf "offered %d cps: goodput %.0f cps = %.0f%% of %d; 503 %d (p99 %s ms); failed %d; set-up p50 %s p99 %s ms; retrans %d; UDP drops %d; sessions left %s; CPU%% sipp %s target %s rtpe %s; switches per call %s",
          o, g / s, 100 * g / s / b, b, r, r99, f, p50, p99, rt, d, left, sc, tc, rc, sw }')
    printf "%-8s flood  %s\n" "$target" "${flood_line[$target]}"
  fi
  uas_stop
  target_stop
  sleep 1
  best_left[$target]=$(sessions)
  rtpengine_stop
  if [ "$profile" = true ] && [ -f "$work/$target.jfr" ]; then
    echo "$target: JFR profile in $work/$target.jfr"
    keep=true
  fi
done

printf "\n%-8s %18s %10s %14s %10s %12s\n" target "zero-failure cps" "vs kamailio" "sessions left" "sipp cpu%" "target cpu%"
for target in ${targets//,/ }; do
  ratio="-"
  if [ -n "${best[kamailio]:-}" ] && [ "${best[kamailio]}" -gt 0 ]; then
    ratio=$(awk -v a="${best[$target]}" -v k="${best[kamailio]}" 'BEGIN {printf "%.2fx", a / k}')
    [ -z "${capped[kamailio]:-}" ] || [ "$target" = kamailio ] || ratio="<=$ratio" # Kamailio's rate is a floor
  fi
  printf "%-8s %18s %10s %14s %10s %12s\n" "$target" "${capped[$target]}${best[$target]}" "$ratio" "${best_left[$target]}" \
    "${best_sipp[$target]}" "${best_target[$target]}"
done
