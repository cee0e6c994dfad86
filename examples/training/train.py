#!/usr/bin/env python3
"""Data-parallel training with nothing but the Python standard library.

Every rank trains the same logistic-regression model on its own shard of a synthetic dataset.
After each step the ranks average their gradients with an all-reduce over TCP (reduce to rank 0,
broadcast back), so all replicas stay identical - the same scheme as PyTorch DDP, minus the GPUs.

The script follows the Open-AutoGLM rank contract (docs/training.md): it reads MASTER_ADDR,
MASTER_PORT, WORLD_SIZE and RANK from the environment, so it runs unchanged under
`autoglm train --backend local`, on Kubernetes, or by hand:

    MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 WORLD_SIZE=1 RANK=0 python3 train.py

Metrics are printed one per line as `AUTOGLM_METRIC {"name": ..., "step": ..., "value": ...}`.
"""
import argparse
import json
import math
import os
import random
import socket
import struct
import sys
import time

FEATURES = 8
SAMPLES = 4096


def metric(name, step, value):
    print("AUTOGLM_METRIC " + json.dumps({"name": name, "step": step, "value": value}), flush=True)


def dataset(seed):
    """A linearly separable-ish problem with label noise; identical on every rank."""
    rng = random.Random(seed)
    truth = [rng.uniform(-2, 2) for _ in range(FEATURES)]
    rows = []
    for _ in range(SAMPLES):
        x = [rng.gauss(0, 1) for _ in range(FEATURES)]
        z = sum(w * v for w, v in zip(truth, x))
        y = 1.0 if rng.random() < 1 / (1 + math.exp(-z)) else 0.0
        rows.append((x, y))
    return rows


def gradient(weights, bias, batch):
    grad_w = [0.0] * FEATURES
    grad_b = 0.0
    loss = 0.0
    for x, y in batch:
        z = bias + sum(w * v for w, v in zip(weights, x))
        p = 1 / (1 + math.exp(-max(min(z, 30), -30)))
        loss -= y * math.log(p + 1e-12) + (1 - y) * math.log(1 - p + 1e-12)
        for i in range(FEATURES):
            grad_w[i] += (p - y) * x[i]
        grad_b += p - y
    n = len(batch)
    return [g / n for g in grad_w] + [grad_b / n, loss / n]


class AllReduce:
    """Averages a vector of floats across ranks: a star all-reduce through rank 0."""

    def __init__(self, rank, world, addr, port, timeout):
        self.rank, self.world = rank, world
        self.peers = []
        if world == 1:
            return
        if rank == 0:
            server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind((addr, port))
            server.listen(world)
            server.settimeout(timeout)
            for _ in range(world - 1):
                conn, _ = server.accept()
                conn.settimeout(timeout)
                self.peers.append(conn)
            server.close()
        else:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    conn = socket.create_connection((addr, port), timeout=timeout)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise SystemExit(f"rank {rank}: cannot reach rank 0 at {addr}:{port}")
                    time.sleep(0.05)
            self.peers.append(conn)

    @staticmethod
    def _send(conn, values):
        conn.sendall(struct.pack(f"!I{len(values)}d", len(values), *values))

    @staticmethod
    def _recv(conn):
        (count,) = struct.unpack("!I", AllReduce._exact(conn, 4))
        return list(struct.unpack(f"!{count}d", AllReduce._exact(conn, 8 * count)))

    @staticmethod
    def _exact(conn, size):
        data = b""
        while len(data) < size:
            chunk = conn.recv(size - len(data))
            if not chunk:
                raise SystemExit("a peer rank went away")
            data += chunk
        return data

    def average(self, values):
        if self.world == 1:
            return values
        if self.rank == 0:
            total = list(values)
            for conn in self.peers:
                for i, v in enumerate(self._recv(conn)):
                    total[i] += v
            mean = [v / self.world for v in total]
            for conn in self.peers:
                self._send(conn, mean)
            return mean
        self._send(self.peers[0], values)
        return self._recv(self.peers[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--rendezvous-timeout", type=float, default=60.0)
    parser.add_argument(
        "--output",
        default=os.environ.get("AUTOGLM_OUTPUT"),
        help="where rank 0 writes the trained model as JSON (default: $AUTOGLM_OUTPUT, else nowhere)",
    )
    args = parser.parse_args()

    rank = int(os.environ.get("RANK", "0"))
    world = int(os.environ.get("WORLD_SIZE", "1"))
    addr = os.environ.get("MASTER_ADDR", "127.0.0.1")
    port = int(os.environ.get("MASTER_PORT", "29500"))
    print(f"rank {rank}/{world} (node {os.environ.get('NODE_RANK', '0')}, local rank "
          f"{os.environ.get('LOCAL_RANK', '0')}) joining {addr}:{port}", flush=True)

    shard = dataset(args.seed)[rank::world]
    reduce = AllReduce(rank, world, addr, port, args.rendezvous_timeout)
    rng = random.Random(args.seed + rank)
    weights, bias = [0.0] * FEATURES, 0.0
    for step in range(1, args.steps + 1):
        batch = rng.sample(shard, min(args.batch_size, len(shard)))
        *grad_w, grad_b, loss = reduce.average(gradient(weights, bias, batch))
        weights = [w - args.lr * g for w, g in zip(weights, grad_w)]
        bias -= args.lr * grad_b
        if rank == 0:
            metric("loss", step, round(loss, 6))
    if rank == 0:
        *_, final_loss = gradient(weights, bias, dataset(args.seed))
        metric("final_loss", args.steps, round(final_loss, 6))
        if args.output:
            with open(args.output + ".tmp", "w") as out:
                json.dump({"kind": "logistic-regression", "features": FEATURES,
                           "weights": weights, "bias": bias, "steps": args.steps,
                           "world_size": world, "final_loss": final_loss}, out)
            os.replace(args.output + ".tmp", args.output)
        print(f"done: final loss {final_loss:.4f} over {world} ranks", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
