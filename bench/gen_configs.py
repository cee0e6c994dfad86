#!/usr/bin/env python3
"""Generates the inputs of bench/validate-bench.sh: N realistic ML training configs (YAML) and one
JSON Schema 2020-12 that they all satisfy, plus deliberately broken copies for the sanity checks.

Deterministic (fixed seed), standard library only. The YAML is written by hand in the plain subset
that both YAML 1.1 readers (js-yaml 3, used by ajv-cli 5) and YAML 1.2 core-schema readers (autoglm)
read the same way: no dates, no yes/no/on/off, floats always with a dot, strings that could be
mistaken for other types quoted.

Usage: gen_configs.py OUT_DIR [COUNT]
"""

import json
import os
import random
import sys

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://openautoglm.org/schemas/bench/train.schema.json",
    "title": "Training job config",
    "type": "object",
    "required": ["schema_version", "run", "model", "trainer", "data", "resources"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"type": "integer", "enum": [3]},
        "run": {
            "type": "object",
            "required": ["name", "owner"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "pattern": "^[a-z0-9][-a-z0-9]{2,62}$"},
                "owner": {"type": "string", "format": "email"},
                "description": {"type": "string", "maxLength": 500},
                "labels": {"$ref": "#/$defs/labels"},
            },
        },
        "model": {
            "type": "object",
            "required": ["name", "base", "num_labels"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "pattern": "^[a-z0-9][-a-z0-9]*$"},
                "base": {"type": "string", "minLength": 1},
                "revision": {"type": "string", "minLength": 1},
                "num_labels": {"type": "integer", "minimum": 2, "maximum": 1000},
                "dropout": {"type": "number", "minimum": 0, "maximum": 0.9},
                "hidden_size": {"type": "integer", "multipleOf": 64},
                "layers": {"type": "integer", "minimum": 1, "maximum": 128},
                "freeze_embeddings": {"type": "boolean"},
            },
        },
        "trainer": {
            "type": "object",
            "required": ["optimizer", "batch_size", "max_steps"],
            "additionalProperties": False,
            "properties": {
                "optimizer": {
                    "type": "object",
                    "required": ["name", "lr"],
                    "additionalProperties": False,
                    "properties": {
                        "name": {"type": "string", "enum": ["adamw", "sgd", "adafactor", "lion"]},
                        "lr": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                        "weight_decay": {"type": "number", "minimum": 0, "maximum": 1},
                        "betas": {
                            "type": "array",
                            "prefixItems": [
                                {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
                                {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
                            ],
                            "minItems": 2,
                            "maxItems": 2,
                        },
                        "eps": {"type": "number", "exclusiveMinimum": 0},
                        "momentum": {"type": "number", "minimum": 0, "maximum": 1},
                    },
                },
                "scheduler": {
                    "type": "object",
                    "required": ["name"],
                    "additionalProperties": False,
                    "properties": {
                        "name": {"type": "string", "enum": ["constant", "linear", "cosine", "inverse_sqrt"]},
                        "warmup_ratio": {"type": "number", "minimum": 0, "maximum": 0.5},
                        "min_lr_ratio": {"type": "number", "minimum": 0, "maximum": 1},
                    },
                },
                "batch_size": {"type": "integer", "minimum": 1, "maximum": 4096},
                "grad_accum_steps": {"type": "integer", "minimum": 1, "maximum": 256},
                "max_steps": {"type": "integer", "minimum": 1},
                "eval_every": {"type": "integer", "minimum": 1},
                "precision": {"type": "string", "enum": ["fp32", "fp16", "bf16"]},
                "seed": {"type": "integer", "minimum": 0},
                "gradient_clipping": {"type": ["number", "null"], "exclusiveMinimum": 0},
                "early_stopping": {
                    "type": "object",
                    "required": ["metric", "mode", "patience"],
                    "additionalProperties": False,
                    "properties": {
                        "metric": {"type": "string", "pattern": "^(train|eval)/[a-z_0-9]+$"},
                        "mode": {"type": "string", "enum": ["min", "max"]},
                        "patience": {"type": "integer", "minimum": 1, "maximum": 100},
                    },
                },
            },
        },
        "data": {
            "type": "object",
            "required": ["train", "eval"],
            "additionalProperties": False,
            "properties": {
                "train": {"type": "array", "minItems": 1, "maxItems": 16, "items": {"$ref": "#/$defs/dataset"}},
                "eval": {"$ref": "#/$defs/dataset"},
                "tokenizer": {"type": "string"},
                "max_seq_len": {"type": "integer", "minimum": 8, "maximum": 8192},
                "shuffle_buffer": {"type": "integer", "minimum": 0},
                "num_workers": {"type": "integer", "minimum": 0, "maximum": 64},
            },
        },
        "resources": {
            "type": "object",
            "required": ["nodes", "gpus_per_node"],
            "additionalProperties": False,
            "properties": {
                "nodes": {"type": "integer", "minimum": 1, "maximum": 64},
                "gpus_per_node": {"type": "integer", "minimum": 0, "maximum": 8},
                "accelerator": {
                    "type": "string",
                    "enum": ["nvidia-a100-40gb", "nvidia-a100-80gb", "nvidia-h100-80gb", "nvidia-l4", "tpu-v5e"],
                },
                "cpu": {"type": "integer", "minimum": 1, "maximum": 256},
                "memory": {"type": "string", "pattern": "^[0-9]+(Mi|Gi|Ti)$"},
                "timeout_minutes": {"type": "integer", "minimum": 10, "maximum": 10080},
                "priority": {"type": "string", "enum": ["low", "normal", "high"]},
                "spot": {"type": "boolean"},
            },
        },
        "checkpointing": {
            "type": "object",
            "required": ["dir"],
            "additionalProperties": False,
            "properties": {
                "dir": {"$ref": "#/$defs/storageUri"},
                "every_steps": {"type": "integer", "minimum": 1},
                "keep_last": {"type": "integer", "minimum": 1, "maximum": 100},
            },
        },
        "tracking": {
            "type": "object",
            "required": ["backend", "uri", "experiment"],
            "additionalProperties": False,
            "properties": {
                "backend": {"type": "string", "enum": ["mlflow", "wandb", "tensorboard"]},
                "uri": {"type": "string", "format": "uri", "pattern": "^https?://"},
                "experiment": {"type": "string", "minLength": 1, "maxLength": 128},
                "tags": {"$ref": "#/$defs/labels"},
            },
        },
    },
    "$defs": {
        "storageUri": {"type": "string", "format": "uri", "pattern": "^(s3|gs|file)://"},
        "labels": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[a-z][-a-z0-9_:.]*$"},
            "uniqueItems": True,
            "maxItems": 32,
        },
        "dataset": {
            "type": "object",
            "required": ["name", "uri"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "pattern": "^[a-z0-9][-a-z0-9_.]*$"},
                "uri": {"$ref": "#/$defs/storageUri"},
                "weight": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                "format": {"type": "string", "enum": ["parquet", "jsonl", "tfrecord", "webdataset"]},
            },
        },
    },
}

TASKS = [
    ("sentiment", "bert-base-uncased", 3),
    ("intent", "roberta-base", 42),
    ("toxicity", "deberta-v3-base", 2),
    ("ner", "xlm-roberta-large", 17),
    ("topic", "distilbert-base-uncased", 20),
    ("spam", "electra-base-discriminator", 2),
    ("emotion", "roberta-large", 7),
    ("language-id", "xlm-roberta-base", 104),
]
BUCKETS = ["s3://ml-data-prod", "gs://autoglm-datasets", "s3://team-nlp-shards", "file:///mnt/datasets"]
CORPORA = ["reviews", "tickets", "forum", "wiki", "news", "chat-logs", "support-mail", "tweets"]
OWNERS = ["ana.lima", "ml-platform", "j.chen", "nlp-team", "r.okafor", "s.mueller", "data-science"]
ACCELERATORS = ["nvidia-a100-40gb", "nvidia-a100-80gb", "nvidia-h100-80gb", "nvidia-l4", "tpu-v5e"]
TRACKING = [
    ("mlflow", "https://mlflow.internal.example.com/"),
    ("wandb", "https://wandb.example.org/ml-platform"),
    ("tensorboard", "http://tensorboard.ml.example.com:6006/"),
]


def e(x):
    """A float both YAML readers see as a float (always a dot in the mantissa)."""
    if x != 0 and (abs(x) < 1e-3 or abs(x) >= 1e6):
        return f"{x:.1e}"
    return repr(round(x, 6))


def q(s):
    return json.dumps(s)  # a JSON string is a valid YAML double-quoted scalar


def config(i, rnd):
    task, base, labels = rnd.choice(TASKS)
    name = f"{task}-{base.split('-')[0]}-{i:04d}"
    bucket = rnd.choice(BUCKETS)
    optimizer = rnd.choice(["adamw", "adamw", "adamw", "sgd", "adafactor", "lion"])
    backend, tracking_uri = rnd.choice(TRACKING)
    nodes = rnd.choice([1, 1, 2, 4, 8])
    L = []
    add = L.append

    def opt(line, p=0.7):
        if rnd.random() < p:
            add(line)
    add(f"# Training config for {task} ({base}); generated for the validation benchmark.")
    add("schema_version: 3")
    add("run:")
    add(f"  name: {name}")
    add(f"  owner: {rnd.choice(OWNERS)}@example.com")
    add(f"  description: {q(f'Fine-tune {base} for {task}, sweep {i // 50}, trial {i % 50}')}")
    add("  labels: [" + ", ".join(sorted(set(rnd.sample(["nlp", "baseline", "sweep", "prod-candidate", "ablation", "nightly"], rnd.randint(1, 3))))) + "]")
    add("model:")
    add(f"  name: {task}-{i:04d}")
    add(f"  base: {base}")
    if rnd.random() < 0.5:
        add(f"  revision: {q(rnd.choice(['main', 'v1.2.0', 'a1b2c3d']))}")
    add(f"  num_labels: {labels}")
    opt(f"  dropout: {e(rnd.choice([0.0, 0.05, 0.1, 0.1, 0.2, 0.3]))}")
    opt(f"  hidden_size: {rnd.choice([768, 1024, 1536])}")
    opt(f"  layers: {rnd.choice([6, 12, 24])}")
    opt(f"  freeze_embeddings: {rnd.choice(['true', 'false'])}")
    add("trainer:")
    add("  optimizer:")
    add(f"    name: {optimizer}")
    add(f"    lr: {e(rnd.choice([1, 2, 3, 5]) * 10 ** rnd.choice([-6, -5, -4]))}")
    add(f"    weight_decay: {e(rnd.choice([0.0, 0.01, 0.05, 0.1]))}")
    if optimizer == "sgd":
        add(f"    momentum: {e(rnd.choice([0.8, 0.9, 0.95]))}")
    else:
        add(f"    betas: [{e(rnd.choice([0.9, 0.95]))}, {e(rnd.choice([0.98, 0.99, 0.999]))}]")
        add(f"    eps: {e(rnd.choice([1e-8, 1e-6]))}")
    if rnd.random() < 0.8:
        add("  scheduler:")
        add(f"    name: {rnd.choice(['constant', 'linear', 'cosine', 'cosine', 'inverse_sqrt'])}")
        opt(f"    warmup_ratio: {e(rnd.choice([0.0, 0.03, 0.06, 0.1]))}")
        opt(f"    min_lr_ratio: {e(rnd.choice([0.0, 0.1]))}")
    add(f"  batch_size: {rnd.choice([8, 16, 32, 64, 128, 256])}")
    opt(f"  grad_accum_steps: {rnd.choice([1, 1, 2, 4, 8])}")
    add(f"  max_steps: {rnd.randint(5, 200) * 1000}")
    opt(f"  eval_every: {rnd.choice([250, 500, 1000, 2000])}")
    add(f"  precision: {rnd.choice(['bf16', 'bf16', 'fp16', 'fp32'])}")
    add(f"  seed: {rnd.randint(0, 99999)}")
    opt(f"  gradient_clipping: {rnd.choice(['1.0', '0.5', 'null'])}")
    if rnd.random() < 0.5:
        add("  early_stopping:")
        add(f"    metric: {rnd.choice(['eval/loss', 'eval/f1', 'eval/accuracy', 'eval/auroc'])}")
        add(f"    mode: {rnd.choice(['min', 'max'])}")
        add(f"    patience: {rnd.randint(2, 10)}")
    add("data:")
    add("  train:")
    shards = rnd.choice([1, 1, 2, 2, 3])
    weights = [rnd.randint(1, 9) for _ in range(shards)]
    for k, corpus in enumerate(rnd.sample(CORPORA, shards)):
        add(f"    - name: {corpus}-{2020 + rnd.randint(0, 5)}")
        add(f"      uri: {bucket}/{task}/{corpus}/train/part-{rnd.randint(0, 999):05d}.parquet")
        add(f"      weight: {e(round(weights[k] / sum(weights), 3) or 0.001)}")
        opt(f"      format: {rnd.choice(['parquet', 'jsonl', 'tfrecord', 'webdataset'])}", 0.5)
    add("  eval:")
    add(f"    name: {task}-heldout")
    add(f"    uri: {bucket}/{task}/heldout/eval.parquet")
    add("    format: parquet")
    add(f"  tokenizer: {base}")
    add(f"  max_seq_len: {rnd.choice([128, 256, 512, 1024])}")
    opt(f"  shuffle_buffer: {rnd.choice([0, 1000, 10000, 100000])}")
    opt(f"  num_workers: {rnd.choice([2, 4, 8, 16])}")
    add("resources:")
    add(f"  nodes: {nodes}")
    add(f"  gpus_per_node: {rnd.choice([1, 2, 4, 8])}")
    add(f"  accelerator: {rnd.choice(ACCELERATORS)}")
    opt(f"  cpu: {rnd.choice([8, 16, 32, 64])}")
    opt(f"  memory: {rnd.choice([64, 128, 256, 512])}Gi")
    opt(f"  timeout_minutes: {rnd.choice([60, 240, 720, 1440, 2880])}")
    opt(f"  priority: {rnd.choice(['low', 'normal', 'normal', 'high'])}", 0.5)
    opt(f"  spot: {rnd.choice(['true', 'false'])}", 0.5)
    if rnd.random() < 0.75:
        add("checkpointing:")
        add(f"  dir: {bucket}/checkpoints/{name}/")
        opt(f"  every_steps: {rnd.choice([500, 1000, 5000])}")
        opt(f"  keep_last: {rnd.randint(1, 5)}")
    add("tracking:")
    add(f"  backend: {backend}")
    add(f"  uri: {tracking_uri}")
    add(f"  experiment: {q(f'{task}/{base}')}")
    add("  tags:")
    tags = [f"task:{task}", f"base:{base}", f"nodes:{nodes}", rnd.choice(["team:nlp", "team:search", "team:trust-safety"])]
    for tag in sorted(rnd.sample(tags, rnd.randint(1, len(tags)))):
        add(f"    - {q(tag)}")
    return "\n".join(L) + "\n"


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    configs = os.path.join(out, "configs")
    broken = os.path.join(out, "broken")
    os.makedirs(configs, exist_ok=True)
    os.makedirs(broken, exist_ok=True)
    with open(os.path.join(out, "train.schema.json"), "w") as f:
        json.dump(SCHEMA, f, indent=2)
        f.write("\n")
    rnd = random.Random(20240917)
    lines = []
    first = None
    for i in range(count):
        text = config(i, rnd)
        first = first or text
        lines.append(text.count("\n"))
        with open(os.path.join(configs, f"train-{i:04d}.yaml"), "w") as f:
            f.write(text)
    # Broken copies of the first config: a type error (every validator must catch it) and a bad
    # "uri" format (caught only where format assertion is on).
    with open(os.path.join(broken, "type-error.yaml"), "w") as f:
        f.write(first.replace("  batch_size: ", '  batch_size: "thirty-two" # was ', 1))
    with open(os.path.join(broken, "bad-uri.yaml"), "w") as f:
        f.write(first.replace("  uri: http", "  uri: http://exa mple.com/ # was http", 1))
    print(f"generated {count} configs, {min(lines)}-{max(lines)} lines (mean {sum(lines) / len(lines):.0f}) in {configs}")


if __name__ == "__main__":
    main()
