#!/usr/bin/env python3
"""A small model server for the demo: serves the model the deployer last installed.

It reads the model from the file named in the state file on every request, so a deploy is just
an atomic rewrite of that state file (see deploy.py). `GET /healthz` answers 200 only when the
model loads and scores a fixed canary set sensibly; `POST /predict` scores a JSON feature list.

    python3 model_server.py --port 8081 --state /tmp/serving-state.json
"""
import argparse
import json
import math
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CANARY = [[0.5, -1.0, 0.25, 2.0, -0.5, 1.0, 0.0, -2.0], [-1.0, 1.0, 0.5, -0.25, 2.0, 0.0, 1.0, 0.5]]


def load(state_path):
    with open(state_path) as f:
        state = json.load(f)
    with open(state["model_path"]) as f:
        return state, json.load(f)


def score(model, features):
    z = model["bias"] + sum(w * x for w, x in zip(model["weights"], features))
    return 1 / (1 + math.exp(-max(min(z, 30), -30)))


class Handler(BaseHTTPRequestHandler):
    state_path = None

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
        if self.path != "/healthz":
            return self.reply(404, {"error": "not found"})
        try:
            state, model = load(self.state_path)
            scores = [score(model, x) for x in CANARY]
            if any(math.isnan(s) for s in scores) or len(model["weights"]) != len(CANARY[0]):
                raise ValueError("the model gives no usable scores")
            return self.reply(200, {"status": "ok", "version": state.get("version")})
        except Exception as e:  # any failure to serve is unhealthy
            return self.reply(503, {"status": "unhealthy", "error": str(e)})

    def do_POST(self):
        if self.path != "/predict":
            return self.reply(404, {"error": "not found"})
        length = min(int(self.headers.get("Content-Length", "0")), 1 << 16)
        features = json.loads(self.rfile.read(length))
        _, model = load(self.state_path)
        return self.reply(200, {"score": score(model, features)})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--state", required=True)
    args = parser.parse_args()
    Handler.state_path = args.state
    server = ThreadingHTTPServer((args.bind, args.port), Handler)
    print(f"model server on http://{args.bind}:{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
