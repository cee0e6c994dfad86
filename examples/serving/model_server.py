#!/usr/bin/env python3
"""A small model server for the demo: one endpoint per environment, serving the model the
deployer last installed there.

It reads `<state-dir>/<environment>.json` (written by deploy.py) on every request, so a deploy is
just an atomic rewrite of that file. `GET /<environment>/healthz` answers 200 only when the model
loads and scores a fixed canary set sensibly; `POST /<environment>/predict` scores a JSON feature
list.

    python3 model_server.py --port 18081 --state-dir /tmp/serving
"""
import argparse
import json
import math
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CANARY = [[0.5, -1.0, 0.25, 2.0, -0.5, 1.0, 0.0, -2.0], [-1.0, 1.0, 0.5, -0.25, 2.0, 0.0, 1.0, 0.5]]


def load(state_dir, environment):
    if not environment.replace("-", "").isalnum():
        raise ValueError("bad environment name")
    with open(os.path.join(state_dir, environment + ".json")) as f:
        state = json.load(f)
    with open(state["model_path"]) as f:
        return state, json.load(f)


def score(model, features):
    z = model["bias"] + sum(w * x for w, x in zip(model["weights"], features))
    return 1 / (1 + math.exp(-max(min(z, 30), -30)))


class Handler(BaseHTTPRequestHandler):
    state_dir = None

    def route(self, action):
        parts = self.path.strip("/").split("/")
        return parts[0] if len(parts) == 2 and parts[1] == action else None

    def log_message(self, fmt, *args):  # quiet: the demo prints its own story
        pass

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        environment = self.route("healthz")
        if environment is None:
            return self.reply(404, {"error": "not found"})
        try:
            state, model = load(self.state_dir, environment)
            scores = [score(model, x) for x in CANARY]
            if len(model["weights"]) != len(CANARY[0]):
                raise ValueError("the model expects other features")
            if any(not math.isfinite(w) or abs(w) > 1e6 for w in model["weights"]):
                raise ValueError("the model's weights diverged (training blew up)")
            if any(math.isnan(s) for s in scores):
                raise ValueError("the model gives no usable scores")
            return self.reply(200, {"status": "ok", "version": state.get("version")})
        except Exception as e:  # any failure to serve is unhealthy
            return self.reply(503, {"status": "unhealthy", "error": str(e)})

    def do_POST(self):
        environment = self.route("predict")
        if environment is None:
            return self.reply(404, {"error": "not found"})
        length = min(int(self.headers.get("Content-Length", "0")), 1 << 16)
        features = json.loads(self.rfile.read(length))
        _, model = load(self.state_dir, environment)
        return self.reply(200, {"score": score(model, features)})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=18081)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--state-dir", required=True)
    args = parser.parse_args()
    Handler.state_dir = args.state_dir
    server = ThreadingHTTPServer((args.bind, args.port), Handler)
    print(f"model server on http://{args.bind}:{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
