#!/usr/bin/env bash
# The main job: a local Flux regtest network on loopback.
#
# Installs missing system packages, builds fluxd and flux-cli in release mode, then starts NODES nodes (default 3),
# each with its own RocksDB data folder and free ports, connected in a line. It mines with Equihash (48,5) through
# the RPC, sends a wallet transaction that is relayed and mined by another node, crosses from proof of work into
# Proof of Node, starts the last node late so it has to sync the whole chain, and shows every node converging on
# the same tip. Every node loads the default plugins of plugins.toml (chainstats in C, addressindex in Swift). Logs and data stay in the printed folder. Settings: NODES, BLOCKS, PON_HEIGHT, KEEP=1 (leave the
# nodes running).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product fluxd
swift build -c release --product flux-cli
swift build -c release --product FluxPluginChainStats       # the default plugins (plugins.toml)
swift build -c release --product FluxPluginAddressIndex
bin=.build/release
nodes="${NODES:-3}"
blocks="${BLOCKS:-180}"
pon="${PON_HEIGHT:-150}"
[ "$nodes" -ge 2 ] || { echo "NODES must be at least 2" >&2; exit 2; }
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

start() {
  local i=$1
  mkdir -p "$work/node$i"
  local peer=()
  [ "$i" -gt 0 ] && peer=(-addnode=127.0.0.1:"$(p2p $((i - 1)))")
  "$bin/fluxd" -regtest -datadir="$work/node$i" -port="$(p2p "$i")" -rpcport="$(rpcport "$i")" -bind=127.0.0.1 \
    -listen=1 -metricsport="$(metrics "$i")" -plugins="$PWD/plugins.toml" -upgradeheight=acadia:20 -upgradeheight=pon:"$pon" "${peer[@]}" \
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
      printf '  node %d  height %4s  tip %s  peers %s\n' "$i" "$(cli "$i" getblockcount)" \
        "$(cli "$i" getbestblockhash | cut -c1-16)" "$(cli "$i" getconnectioncount)"
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
echo "  node 1 balance: $(cli 1 getbalance) FLUX; confirmations on node 0: $(cli 0 getrawtransaction "$txid" 1 | \
  python3 -c 'import json,sys; print(json.load(sys.stdin)["confirmations"])')"

echo "== nodes take turns mining up to height $blocks (Proof of Node from height $pon)"
turn=0
while [ "$(cli 0 getblockcount)" -lt "$blocks" ]; do
  cli $((turn % (nodes - 1))) generate 5 >/dev/null
  turn=$((turn + 1))
  wait_converged "$(cli $(((turn - 1) % (nodes - 1))) getblockcount)" >/dev/null
done
status

last=$((nodes - 1))
echo "== node $last joins late and syncs $(cli 0 getblockcount) blocks"
start "$last"
wait_converged "$blocks"
echo "== converged:"
status
echo "  upgrades: $(cli 0 getblockchaininfo | python3 -c \
  'import json,sys; u=json.load(sys.stdin)["upgrades"]; print(", ".join(v["name"]+"@"+str(v["activationheight"]) for v in u.values()))')"
echo "  metrics of node 0: $(curl -s "http://127.0.0.1:$(metrics 0)/metrics" 2>/dev/null | grep -E '^flux_(block_height|peers) ' | tr '\n' ' ')"
echo "== plugins (plugins.toml) on node $last, which fed them every block as it synced:"
cli "$last" listplugins | python3 -c 'import json,sys
for p in json.load(sys.stdin): print("  %-12s %-6s %s calls=%s faults=%s" % (p["name"], p.get("version", "-"), p["state"], p["calls"], p["faults"]))'
echo "  chainstats.summary: $(cli "$last" chainstats.summary | tr -d ' \n')"
echo "  addressindex.getaddressbalance node 1's address: $(cli "$last" addressindex.getaddressbalance "$addr1" | tr -d ' \n')"
echo "network OK: $nodes nodes on one tip; logs in $work"
