#!/usr/bin/env python3
"""PyTorch DistributedDataParallel training for GPU clusters (NCCL), following the rank contract.

Run it under torchrun (which sets RANK/LOCAL_RANK per process) or let autoglm start it:

    autoglm train --backend kubernetes -- python3 training/torch_ddp.py --steps 200

Needs torch with CUDA in the image; not run by the test suite (docs/training.md).
"""
import argparse
import json
import os
import time

import torch
import torch.distributed as dist
import torch.nn as nn
from torch.nn.parallel import DistributedDataParallel


def metric(name, step, value):
    print("AUTOGLM_METRIC " + json.dumps({"name": name, "step": step, "value": value}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=1e-3)
    args = parser.parse_args()

    use_cuda = torch.cuda.is_available()
    # MASTER_ADDR, MASTER_PORT, WORLD_SIZE and RANK come from the launcher: env:// reads them.
    dist.init_process_group(backend="nccl" if use_cuda else "gloo", init_method="env://")
    rank, world = dist.get_rank(), dist.get_world_size()
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    device = torch.device(f"cuda:{local_rank}" if use_cuda else "cpu")
    if use_cuda:
        torch.cuda.set_device(device)
    print(f"rank {rank}/{world} on {device} ({torch.cuda.get_device_name(device) if use_cuda else 'cpu'})",
          flush=True)

    torch.manual_seed(1234)
    model = nn.Sequential(nn.Linear(512, 2048), nn.GELU(), nn.Linear(2048, 2048), nn.GELU(),
                          nn.Linear(2048, 10)).to(device)
    ddp = DistributedDataParallel(model, device_ids=[local_rank] if use_cuda else None)
    optimizer = torch.optim.AdamW(ddp.parameters(), lr=args.lr)
    teacher = torch.nn.Linear(512, 10).to(device)  # a fixed target function to learn

    generator = torch.Generator(device=device).manual_seed(1000 + rank)
    started = time.time()
    for step in range(1, args.steps + 1):
        x = torch.randn(args.batch_size, 512, device=device, generator=generator)
        with torch.no_grad():
            y = teacher(x).argmax(dim=1)
        loss = nn.functional.cross_entropy(ddp(x), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()  # gradients are all-reduced across ranks here (NCCL on GPUs)
        optimizer.step()
        reduced = loss.detach().clone()
        dist.all_reduce(reduced, op=dist.ReduceOp.AVG if use_cuda else dist.ReduceOp.SUM)
        if not use_cuda:
            reduced /= world
        if rank == 0 and (step % 10 == 0 or step == 1):
            metric("loss", step, round(reduced.item(), 6))
    if rank == 0:
        samples = args.steps * args.batch_size * world
        metric("samples_per_second", args.steps, round(samples / (time.time() - started), 1))
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
