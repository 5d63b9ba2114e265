#!/usr/bin/env bash
# The main job: a local Flux regtest network on loopback, with FluxNodes of all three tiers.
#
# Installs missing system packages, builds fluxd, flux-cli, flux-util and the default plugins (plugins.toml:
# chainstats in C, addressindex and fluxnodes in Swift) in release mode, then starts NODES nodes (default 4), each
# with its own RocksDB data folder, free ports and plugins.toml, connected in a line. Node 0 mines with Equihash
# (48,5) and pays node 1 (relayed, mined by node 1). From node 0's wallet it funds three collaterals, 1,000 FLUX
# (Cumulus), 12,500 (Nimbus) and 40,000 (Stratus), and sends their STARTs naming the operator keys of nodes 0, 1 and
# 2, which then confirm themselves. Every block pays the three nodes their shares. From PON_HEIGHT the FluxNodes
# produce the blocks themselves (Proof of Node, signed with their operator keys). The last node starts late and syncs
# the whole chain, FluxNode list included. Logs and data stay in the printed folder.
# Settings: NODES (≥ 4), PON_HEIGHT, BLOCKS, KEEP=1 (leave the nodes running).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
for product in fluxd flux-cli flux-util FluxPluginChainStats FluxPluginAddressIndex FluxPluginFluxNodes; do
  swift build -c release --product "$product"
done
bin=.build/release
nodes="${NODES:-4}"
pon="${PON_HEIGHT:-1130}"
blocks="${BLOCKS:-1160}"
fund=1010                     # mature coinbase value by then covers 54,500 FLUX of collateral
[ "$nodes" -ge 4 ] || { echo "NODES must be at least 4 (three FluxNodes and a late joiner)" >&2; exit 2; }
[ "$pon" -ge 1125 ] && [ "$blocks" -gt "$pon" ] || { echo "need PON_HEIGHT ≥ 1125 and BLOCKS > PON_HEIGHT" >&2; exit 2; }
work="$(mktemp -d /tmp/flux-network.XXXXXX)"
read -r -a ports <<<"$(python3 -c "
import socket
ss = [socket.socket() for _ in range(3 * $nodes)]
for s in ss: s.bind(('127.0.0.1', 0))
print(' '.join(str(s.getsockname()[1]) for s in ss))")"
p2p() { echo "${ports[$((3 * $1))]}"; }
rpcport() { echo "${ports[$((3 * $1 + 1))]}"; }
metrics() { echo "${ports[$((3 * $1 + 2))]}"; }
cli() { local n=$1; shift; "$bin/flux-cli" -regtest -datadir="$work/node$n" -rpcport="$(rpcport "$n")" "$@"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
pids=()
running=0
cleanup() {
  if [ "${KEEP:-0}" != 1 ]; then
    for i in $(seq 0 $((nodes - 1))); do cli "$i" stop >/dev/null 2>&1 || true; done
    sleep 1
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  fi
}
trap cleanup EXIT

# Keys: one benchmark key for the local network (standing in for fluxbenchd's) and an operator key per FluxNode.
read -r bench_wif bench_pub _ <<<"$("$bin/flux-util" new-key --network regtest)"
op_wif=(); op_pub=()
for i in 0 1 2; do
  read -r w p _ <<<"$("$bin/flux-util" new-key --network regtest)"
  op_wif+=("$w"); op_pub+=("$p")
done

start() {
  local i=$1
  mkdir -p "$work/node$i"
  {
    echo "[plugins.chainstats]"; echo "path = \"$PWD/$bin/libFluxPluginChainStats.so\""
    echo "[plugins.addressindex]"; echo "path = \"$PWD/$bin/libFluxPluginAddressIndex.so\""
    echo "[plugins.fluxnodes]"; echo "path = \"$PWD/$bin/libFluxPluginFluxNodes.so\""
    echo "[plugins.fluxnodes.config]"; echo "benchmark_public_key = \"$bench_pub\""
    if [ "$i" -lt 3 ]; then
      echo "operator_key = \"${op_wif[$i]}\""; echo "benchmark_key = \"$bench_wif\""; echo "ip = \"127.0.0.1:$(p2p "$i")\""
    fi
  } >"$work/node$i/plugins.toml"
  local peer=()
  [ "$i" -gt 0 ] && peer=(-addnode=127.0.0.1:"$(p2p $((i - 1)))")
  "$bin/fluxd" -regtest -datadir="$work/node$i" -port="$(p2p "$i")" -rpcport="$(rpcport "$i")" -bind=127.0.0.1 \
    -listen=1 -whitelist=127.0.0.1 -metricsport="$(metrics "$i")" -plugins="$work/node$i/plugins.toml" \
    -upgradeheight=acadia:20 -upgradeheight=kamata:30 -upgradeheight=pon:"$pon" "${peer[@]}" \
    >"$work/node$i.log" 2>&1 &
  pids+=($!)
  running=$((i + 1))
  for _ in $(seq 1 100); do cli "$i" getblockcount >/dev/null 2>&1 && break; sleep 0.1; done
  echo "node $i: P2P 127.0.0.1:$(p2p "$i"), RPC $(rpcport "$i"), metrics http://127.0.0.1:$(metrics "$i")/metrics," \
       "data $work/node$i"
}

status() {
  for i in $(seq 0 $((running - 1))); do
    if cli "$i" getblockcount >/dev/null 2>&1; then
      printf '  node %d  height %4s  tip %s  peers %s  fluxnodes %s\n' "$i" "$(cli "$i" getblockcount)" \
        "$(cli "$i" getbestblockhash | cut -c1-16)" "$(cli "$i" getconnectioncount)" \
        "$(cli "$i" fluxnodes.getfluxnodecount | json '"%d (C %d, N %d, S %d)" % (d["total"], d["cumulus-enabled"], d["nimbus-enabled"], d["stratus-enabled"])')"
    fi
  done
}

wait_converged() {
  local want=$1 deadline=$((SECONDS + 120))
  while [ $SECONDS -lt $deadline ]; do
    local tips
    tips="$(for i in $(seq 0 $((running - 1))); do cli "$i" getbestblockhash 2>/dev/null || echo down; done | sort -u)"
    if [ "$(echo "$tips" | wc -l)" = 1 ] && [ "$(cli 0 getblockcount)" -ge "$want" ]; then return 0; fi
    sleep 0.5
  done
  echo "nodes did not converge:" >&2
  status >&2
  return 1
}

# Mines on node $1 in small steps up to height $2, leaving the FluxNodes time to send their confirmations.
mine_to() {
  local n=$1 target=$2
  while [ "$(cli 0 getblockcount)" -lt "$target" ]; do
    local step=$((target - $(cli 0 getblockcount))); [ "$step" -gt 5 ] && step=5
    cli "$n" generatetoaddress "$step" "$addr0" >/dev/null
    wait_converged "$(cli "$n" getblockcount)" >/dev/null
    sleep 1
  done
}

echo "== starting $((nodes - 1)) nodes in $work (the last one joins later)"
for i in $(seq 0 $((nodes - 2))); do start "$i"; done

echo "== node 0 mines 101 blocks to its wallet (coinbase maturity is 100)"
addr0="$(cli 0 getnewaddress)"
cli 0 generatetoaddress 101 "$addr0" >/dev/null
wait_converged 101 && status

echo "== node 0 pays node 1; the transaction is relayed and node 1 mines it"
addr1="$(cli 1 getnewaddress)"
txid="$(cli 0 sendtoaddress "$addr1" 1234.5)"
echo "  txid $txid"
for _ in $(seq 1 100); do cli 1 getrawmempool | grep -q "$txid" && break; sleep 0.1; done
cli 1 getrawmempool | grep -q "$txid" && echo "  in node 1's mempool"
cli 1 generate 1 >/dev/null
wait_converged 102
echo "  node 1 balance: $(cli 1 getbalance) FLUX; confirmations on node 0: $(cli 0 getrawtransaction "$txid" 1 | json 'd["confirmations"]')"

echo "== node 0 mines to height $fund to fund the collaterals"
while [ "$(cli 0 getblockcount)" -lt "$fund" ]; do
  step=$((fund - $(cli 0 getblockcount))); [ "$step" -gt 300 ] && step=300
  cli 0 generatetoaddress "$step" "$addr0" >/dev/null
done
wait_converged "$fund" && status

echo "== collaterals from node 0's wallet: 1,000 (Cumulus), 12,500 (Nimbus), 40,000 FLUX (Stratus)"
send() {   # amount -> "txid index address"
  local address t
  address="$(cli 0 getnewaddress)"
  t="$(cli 0 sendtoaddress "$address" "$1")"
  cli 0 generatetoaddress 1 "$addr0" >/dev/null
  echo "$t $(cli 0 getrawtransaction "$t" 1 | json "[v['n'] for v in d['vout'] if v['valueZat'] == $1 * 100000000][0]") $address"
}
read -r c0 n0 a0 <<<"$(send 1000)"
read -r c1 n1 a1 <<<"$(send 12500)"
# The wallet spends its oldest (smallest) coins first: the 40,000 joins two consolidated outputs explicitly.
read -r h1 i1 _ <<<"$(send 20001)"
read -r h2 i2 _ <<<"$(send 20001)"
a2="$(cli 0 getnewaddress)"
raw="$(cli 0 createrawtransaction "[{\"txid\":\"$h1\",\"vout\":$i1},{\"txid\":\"$h2\",\"vout\":$i2}]" "{\"$a2\":40000,\"$addr0\":1.99}")"
c2="$(cli 0 sendrawtransaction "$(cli 0 signrawtransaction "$raw" | json 'd["hex"]')")"
n2="$(cli 0 getrawtransaction "$c2" 1 | json "[v['n'] for v in d['vout'] if v['valueZat'] == 4000000000000][0]")"
cli 0 generatetoaddress 100 "$addr0" >/dev/null   # collaterals need 100 confirmations
wait_converged "$(cli 0 getblockcount)"
echo "  Cumulus $c0:$n0  Nimbus $c1:$n1  Stratus $c2:$n2"

echo "== STARTs from node 0's wallet, naming the operator keys of nodes 0, 1 and 2"
cli 0 fluxnodes.startdeterministicfluxnode "$c0" "$n0" "${op_pub[0]}" | json '"  " + d["result"] + " " + d["txid"]'
cli 0 fluxnodes.startdeterministicfluxnode "$c1" "$n1" "${op_pub[1]}" | json '"  " + d["result"] + " " + d["txid"]'
cli 0 fluxnodes.startdeterministicfluxnode "$c2" "$n2" "${op_pub[2]}" | json '"  " + d["result"] + " " + d["txid"]'
cli 0 generatetoaddress 1 "$addr0" >/dev/null
wait_converged "$(cli 0 getblockcount)"
echo "  start list: $(cli 0 fluxnodes.getstartlist | json 'len(d)') nodes; each node now confirms itself"
deadline=$((SECONDS + 90))
until [ "$(cli 0 fluxnodes.getfluxnodecount | json 'd["total"]')" = 3 ]; do
  [ $SECONDS -lt $deadline ] || { echo "the FluxNodes did not confirm" >&2; status >&2; exit 1; }
  sleep 1.5
  cli 0 generatetoaddress 1 "$addr0" >/dev/null
done
wait_converged "$(cli 0 getblockcount)" && status

echo "== every block pays each tier's next node its share"
for _ in 1 2 3; do
  hash="$(cli 0 generatetoaddress 1 "$addr0" | json 'd[0]')"
  cli 0 getblock "$hash" 2 | python3 -c "
import json, sys
b = json.load(sys.stdin); tiers = {'$a0': 'Cumulus', '$a1': 'Nimbus', '$a2': 'Stratus'}
paid = ['%s %s FLUX' % (tiers[o['scriptPubKey']['addresses'][0]], o['value']) for o in b['tx'][0]['vout']
        if o['scriptPubKey'].get('addresses', [''])[0] in tiers]
print('  block %d pays: %s' % (b['height'], ', '.join(paid)))"
done
wait_converged "$(cli 0 getblockcount)"

echo "== node 0 mines to height $((pon - 1)); the FluxNodes keep confirming themselves"
mine_to 0 $((pon - 1))
status

echo "== Proof of Node from height $pon: the three FluxNodes take turns producing blocks to height $blocks or a little past"
turn=0
while [ "$(cli 0 getblockcount)" -lt "$blocks" ]; do
  n=$((turn % 3))
  cli "$n" generatetoaddress 5 "$addr0" >/dev/null
  wait_converged "$(cli "$n" getblockcount)" >/dev/null
  turn=$((turn + 1))
  sleep 1
done
cli 0 getblockheader "$(cli 0 getbestblockhash)" | json '"  tip %d: type %s, produced by %s" % (d["height"], d["type"], d.get("collateral", "-"))'
status

last=$((nodes - 1))
echo "== node $last joins late and syncs $(cli 0 getblockcount) blocks, FluxNode list included"
start "$last"
wait_converged "$blocks"
echo "== converged:"
status
echo "  upgrades: $(cli 0 getblockchaininfo | json '", ".join(v["name"]+"@"+str(v["activationheight"]) for v in d["upgrades"].values())')"
echo "  metrics of node 0: $(curl -s "http://127.0.0.1:$(metrics 0)/metrics" 2>/dev/null | grep -E '^flux_(block_height|peers) ' | tr '\n' ' ')"
echo "== plugins (plugins.toml) on node $last, which fed them every block as it synced:"
cli "$last" listplugins | json '"\n".join("  %-12s %-6s %s calls=%s faults=%s synced=%s" % (p["name"], p.get("version", "-"), p["state"], p["calls"], p["faults"], p.get("synced_height", "-")) for p in d)'
echo "  chainstats.summary: $(cli "$last" chainstats.summary | tr -d ' \n')"
echo "  addressindex.getaddressbalance node 1's address: $(cli "$last" addressindex.getaddressbalance "$addr1" | tr -d ' \n')"
echo "  fluxnodes.viewdeterministicfluxnodelist on node $last:"
cli "$last" fluxnodes.viewdeterministicfluxnodelist | json '"\n".join("    %-8s %s:%s  confirmed %d, last paid %d, pays %s" % (n["tier"], n["txhash"][:16], n["outidx"], n["confirmed_height"], n["last_paid_height"], n["payment_address"]) for n in d)'
[ "$(cli "$last" fluxnodes.viewdeterministicfluxnodelist)" = "$(cli 0 fluxnodes.viewdeterministicfluxnodelist)" ] \
  || { echo "node $last's FluxNode list differs from node 0's" >&2; exit 1; }
if [ "${KEEP:-0}" != 1 ]; then
  echo "== SIGTERM stops every node (as a supervisor's stop does): each must exit 0 within 30 s"
  tip_before="$(cli "$last" getbestblockhash)"
  stats_before="$(cli "$last" chainstats.summary)"
  list_before="$(cli "$last" fluxnodes.viewdeterministicfluxnodelist)"
  for i in $(seq 0 $last); do kill -TERM "${pids[$i]}"; done
  for i in $(seq 0 $last); do
    for _ in $(seq 1 300); do kill -0 "${pids[$i]}" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "${pids[$i]}" 2>/dev/null; then echo "node $i ignored SIGTERM" >&2; exit 1; fi
    code=0; wait "${pids[$i]}" || code=$?
    [ "$code" = 0 ] || { echo "node $i exited with status $code after SIGTERM" >&2; exit 1; }
    echo "  node $i: $(grep -o 'stopped at height [0-9]*' "$work/node$i.log" | tail -1), exit 0"
  done
  echo "== node $last restarts alone with -reindex: chain and plugin state rebuilt from its stored blocks"
  "$bin/fluxd" -regtest -datadir="$work/node$last" -port=0 -rpcport="$(rpcport "$last")" -listen=0 \
    -plugins="$work/node$last/plugins.toml" -upgradeheight=acadia:20 -upgradeheight=kamata:30 -upgradeheight=pon:"$pon" \
    -reindex >"$work/node$last-reindex.log" 2>&1 &
  pids[$last]=$!
  for _ in $(seq 1 600); do cli "$last" getblockcount >/dev/null 2>&1 && break; sleep 0.1; done
  grep -o 'reindex done.*' "$work/node$last-reindex.log" | sed 's/^/  /'
  [ "$(cli "$last" getbestblockhash)" = "$tip_before" ] || { echo "reindex ended on another tip" >&2; exit 1; }
  [ "$(cli "$last" chainstats.summary)" = "$stats_before" ] || { echo "chainstats differs after reindex" >&2; exit 1; }
  [ "$(cli "$last" fluxnodes.viewdeterministicfluxnodelist)" = "$list_before" ] \
    || { echo "FluxNode list differs after reindex" >&2; exit 1; }
  echo "  same tip, chainstats and FluxNode list as before"
  kill -TERM "${pids[$last]}"; wait "${pids[$last]}"
fi
echo "network OK: $nodes nodes on one tip, 3 FluxNodes paid and producing Proof-of-Node blocks; logs in $work"
