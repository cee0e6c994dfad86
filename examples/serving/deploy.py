#!/usr/bin/env python3
"""The demo's deploy command: installs a model version into the model server's state file.

autoglm's `command` deployer runs it with the snapshot in the environment (AUTOGLM_MODEL_URI,
AUTOGLM_MODEL_VERSION, AUTOGLM_SNAPSHOT, AUTOGLM_ENVIRONMENT) and AUTOGLM_PARAM_STATE_DIR naming the
model server's state directory. The write is atomic, so the server never sees half a deploy.
"""
import json
import os
import sys
from urllib.parse import urlparse


def main():
    uri = os.environ["AUTOGLM_MODEL_URI"]
    path = urlparse(uri).path if uri.startswith("file:") else uri
    if not os.path.exists(path):
        print(f"model artifact {uri} not found", file=sys.stderr)
        return 1
    state_dir = os.environ["AUTOGLM_PARAM_STATE_DIR"]
    os.makedirs(state_dir, exist_ok=True)
    state_file = os.path.join(state_dir, os.environ["AUTOGLM_ENVIRONMENT"] + ".json")
    state = {"model_path": path, "version": int(os.environ["AUTOGLM_MODEL_VERSION"]),
             "snapshot": os.environ["AUTOGLM_SNAPSHOT"], "environment": os.environ["AUTOGLM_ENVIRONMENT"]}
    with open(state_file + ".tmp", "w") as f:
        json.dump(state, f)
    os.replace(state_file + ".tmp", state_file)
    print(f"deployed v{state['version']} ({state['snapshot'][:19]}) to {state['environment']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
