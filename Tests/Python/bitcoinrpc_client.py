#!/usr/bin/env python3
"""python-bitcoinrpc (a standard bitcoind client library from PyPI), unchanged, against the node.

Usage: bitcoinrpc_client.py URL     (URL = http://USER:PASSWORD@127.0.0.1:PORT, the rpcuser/rpcpassword of flux.conf)

Runs a range of wallet, chain and raw-transaction calls, a batch and calls that must fail, checks the answers'
types (Decimal amounts) and values, and prints one JSON object with what the Swift test compares against the
node's own RPC answers. Any failed check raises: a traceback on standard error and exit status 1. Run by
Tests/FluxNodeTests/BitcoinRPCClientTests.swift.
"""
import json
import sys
from decimal import Decimal

from bitcoinrpc.authproxy import AuthServiceProxy, JSONRPCException


def expect_error(code, call):
    try:
        call()
    except JSONRPCException as e:
        assert e.error["code"] == code, f"expected error code {code}, got {e.error}"
        return e.error
    raise AssertionError(f"expected JSONRPCException with code {code}, got an answer")


def main() -> int:
    url = sys.argv[1]
    rpc = AuthServiceProxy(url, timeout=60)

    start = rpc.getblockcount()
    assert isinstance(start, int), f"getblockcount: {start!r}"
    hashes = rpc.generate(101)
    assert len(hashes) == 101, f"generate: {len(hashes)} hashes"
    info = rpc.getblockchaininfo()
    assert info["blocks"] == start + 101, f"getblockchaininfo blocks: {info['blocks']}"
    assert info["bestblockhash"] == hashes[-1], "getblockchaininfo bestblockhash"
    block = rpc.getblock(hashes[0])
    assert block["height"] == start + 1, f"getblock height: {block['height']}"
    assert block["hash"] == hashes[0]
    block_hex = rpc.getblock(hashes[0], 0)
    assert isinstance(block_hex, str) and len(block_hex) > 160

    balance = rpc.getbalance()
    assert isinstance(balance, Decimal), f"getbalance is {type(balance).__name__}, not Decimal"
    assert balance > 0, f"getbalance: {balance}"

    address = rpc.getnewaddress()
    amount = Decimal("1.25")
    txid = rpc.sendtoaddress(address, amount)
    assert isinstance(txid, str) and len(txid) == 64, f"sendtoaddress: {txid!r}"
    raw = rpc.getrawtransaction(txid)
    assert isinstance(raw, str)
    decoded = rpc.getrawtransaction(txid, 1)
    assert decoded["txid"] == txid
    values = [out["value"] for out in decoded["vout"]]
    assert all(isinstance(v, Decimal) for v in values), f"vout values are not Decimal: {values!r}"
    assert amount in values, f"no output of {amount} in {values}"
    assert rpc.decoderawtransaction(raw)["txid"] == txid
    mined = rpc.generate(1)
    confirmed = rpc.getrawtransaction(txid, 1)
    assert confirmed["blockhash"] == mined[0], f"getrawtransaction blockhash: {confirmed.get('blockhash')}"
    assert confirmed["confirmations"] == 1, f"getrawtransaction confirmations: {confirmed.get('confirmations')}"
    unspent = [u for u in rpc.listunspent(1, 9999999, [address]) if u["txid"] == txid]
    assert len(unspent) == 1, f"listunspent: {unspent!r}"
    assert unspent[0]["amount"] == amount and isinstance(unspent[0]["amount"], Decimal), f"listunspent: {unspent!r}"
    assert unspent[0]["confirmations"] == 1
    assert rpc.validateaddress(address)["isvalid"] is True
    # The wallet calls bitcoind clients lean on: Decimal amounts, the confirmed payment in the history.
    wallet_tx = rpc.gettransaction(txid)
    assert wallet_tx["txid"] == txid and wallet_tx["confirmations"] == 1, f"gettransaction: {wallet_tx!r}"
    assert isinstance(wallet_tx["amount"], Decimal) and isinstance(wallet_tx["fee"], Decimal), f"gettransaction: {wallet_tx!r}"
    assert rpc.getreceivedbyaddress(address) == amount, "getreceivedbyaddress"
    history = rpc.listtransactions("*", 50)
    assert any(t["txid"] == txid and t["category"] == "receive" and t["amount"] == amount for t in history), \
        f"listtransactions: {history[-4:]!r}"
    assert rpc.getwalletinfo()["txcount"] >= 1

    batch = rpc.batch_([["getblockcount"], ["getbestblockhash"], ["getblockhash", start + 1]])
    assert batch == [start + 102, mined[0], hashes[0]], f"batch: {batch!r}"

    not_found = expect_error(-5, lambda: rpc.getblock("00" * 32))
    unknown = expect_error(-32601, lambda: rpc.nosuchmethod())
    bad_address = expect_error(-5, lambda: rpc.sendtoaddress("notanaddress", Decimal("1")))
    out_of_range = expect_error(-8, lambda: rpc.getblockhash(10_000_000))

    print(json.dumps({
        "start": start, "hashes": hashes, "txid": txid, "raw": raw, "mined": mined[0], "address": address,
        "balance": str(balance), "errors": [not_found, unknown, bad_address, out_of_range],
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
