#!/usr/bin/env python3
"""The strongest peer of issue 6, rebuilt on NumPy so that `switchyard bench` can run it in the same
run as the actor layer: an index-based (sparse dispatch) top-2 MoE layer with the reference
semantics (top-2 gate, Gumbel second choice, capacity 2*S//E per source rank, l_aux weight 1,
loss sum(output * R) + l_aux, full backward, SGD on every parameter).

It is built to be fast the way a NumPy user would make it fast: routing by index arrays (no dense
S x E x C tensor), each expert run once on the rows of every rank stacked together, combine by
indexed adds, float32, and OpenBLAS on every core for the products. All ranks live in this one
process and trade rows by indexing, so the peer pays nothing for its all-to-all.

  bench:   index_moe.py bench S M H E W WARMUP STEPS MIN_SECONDS   -> one JSON line on stdout
           (each kind of step is measured over at least STEPS steps and at least MIN_SECONDS)
  verify:  index_moe.py verify CASE.json [...]         -> checks a moe-vectors case in float64
"""
import json
import math
import sys
import time

import numpy as np


class Experts:
    """E expert FFNs f(v) = relu(v.W1 + b1).W2 + b2, stored input dimension first."""

    def __init__(self, w1, b1, w2, b2):
        self.w1, self.b1, self.w2, self.b2 = w1, b1, w2, b2


def route(x, wg, noise, capacity):
    """One rank's routing: normalised combine weights and, per choice, kept tokens grouped by expert."""
    s_count, e_count = x.shape[0], wg.shape[1]
    tokens = np.arange(s_count)
    logits = x @ wg
    gates = np.exp(logits - logits.max(axis=1, keepdims=True))
    gates /= gates.sum(axis=1, keepdims=True)
    e1 = gates.argmax(axis=1)
    noisy = logits + noise
    noisy[tokens, e1] = -np.inf
    e2 = noisy.argmax(axis=1)
    experts = np.arange(e_count)
    queued1 = np.cumsum(e1[:, None] == experts, axis=0)
    count1 = queued1[-1]
    slot1 = queued1[tokens, e1] - 1
    slot2 = count1[e2] + np.cumsum(e2[:, None] == experts, axis=0)[tokens, e2] - 1
    keep1, keep2 = slot1 < capacity, slot2 < capacity
    g1 = np.where(keep1, gates[tokens, e1], 0).astype(x.dtype)
    g2 = np.where(keep2, gates[tokens, e2], 0).astype(x.dtype)
    denom = np.maximum(g1 + g2, x.dtype.type(2.0 ** -52))
    me = gates.mean(axis=0)
    ce = count1 / s_count
    return {
        "gates": gates, "e1": e1, "e2": e2, "slot1": np.where(keep1, slot1, -1), "slot2": np.where(keep2, slot2, -1),
        "count1": count1, "keep1": keep1, "keep2": keep2, "g1": g1, "g2": g2, "denom": denom,
        "w1": g1 / denom, "w2": g2 / denom, "ce": ce, "l_aux": float((me * ce).sum() / e_count),
        # per choice: the kept tokens sorted by expert, and where each expert's run starts
        "by_expert": [grouped(e, keep, e_count) for e, keep in ((e1, keep1), (e2, keep2))],
    }


def grouped(choice, keep, e_count):
    kept = np.flatnonzero(keep)
    order = kept[np.argsort(choice[kept], kind="stable")]
    return order, np.searchsorted(choice[order], np.arange(e_count + 1))


def segments(routings, e):
    """Expert e's rows: per rank and choice (token indices, combine weights), in stacking order."""
    out = []
    for r, rt in enumerate(routings):
        for c, weights in enumerate((rt["w1"], rt["w2"])):
            order, starts = rt["by_expert"][c]
            idx = order[starts[e]:starts[e + 1]]
            out.append((r, c, idx, weights[idx]))
    return out


def forward(xs, wg, noises, experts, capacity, alpha, rs):
    """Forward on every rank; with loss weights rs also the loss. Returns what backward needs."""
    routings = [route(x, wg, n, capacity) for x, n in zip(xs, noises)]
    outputs = [np.zeros_like(x) for x in xs]
    saved = []
    for e in range(len(experts.w1)):
        segs = segments(routings, e)
        rows = np.concatenate([xs[r][idx] for r, _, idx, _ in segs])
        hidden = rows @ experts.w1[e]
        hidden += experts.b1[e]
        np.maximum(hidden, 0, out=hidden)
        y = hidden @ experts.w2[e]
        y += experts.b2[e]
        at = 0
        for r, _, idx, w in segs:
            outputs[r][idx] += w[:, None] * y[at:at + len(idx)]
            at += len(idx)
        saved.append((segs, rows, hidden, y))
    loss = None
    if rs is not None:
        loss = sum(float((o * r).sum()) + alpha * rt["l_aux"] for o, r, rt in zip(outputs, rs, routings))
    return routings, outputs, saved, loss


def backward(xs, wg, experts, alpha, rs, routings, saved):
    """Gradients of the loss: per rank the input and gate-weight copy, per expert its parameters."""
    grad_inputs = [np.zeros_like(x) for x in xs]
    grad_weights = [[np.zeros_like(rt["w1"]), np.zeros_like(rt["w2"])] for rt in routings]
    grads = Experts([], [], [], [])
    for e, (segs, rows, hidden, y) in enumerate(saved):
        dy = np.empty_like(y)
        at = 0
        for r, c, idx, w in segs:
            part = rs[r][idx]
            grad_weights[r][c][idx] = np.einsum("ij,ij->i", part, y[at:at + len(idx)])
            np.multiply(part, w[:, None], out=dy[at:at + len(idx)])
            at += len(idx)
        grads.w2.append(hidden.T @ dy)
        grads.b2.append(dy.sum(axis=0))
        dh = dy @ experts.w2[e].T
        dh *= hidden > 0
        grads.b1.append(dh.sum(axis=0))
        grads.w1.append(rows.T @ dh)
        dx = dh @ experts.w1[e].T
        at = 0
        for r, _, idx, _ in segs:  # dy carried the combine weights already
            grad_inputs[r][idx] += dx[at:at + len(idx)]
            at += len(idx)
    grad_gates = []
    for r, rt in enumerate(routings):
        s_count = xs[r].shape[0]
        tokens = np.arange(s_count)
        dw1, dw2 = grad_weights[r]
        g1, g2, d = rt["g1"], rt["g2"], rt["denom"]
        clamped = (g1 + g2) < d  # max(., 2^-52) passes no gradient
        shared = (dw1 * g1 + dw2 * g2) / (d * d)
        dg1 = np.where(clamped | ~rt["keep1"], 0, dw1 / d - shared)
        dg2 = np.where(clamped | ~rt["keep2"], 0, dw2 / d - shared)
        dgates = np.zeros_like(rt["gates"])
        dgates += (alpha / dgates.shape[1]) * rt["ce"] / s_count
        dgates[tokens, rt["e1"]] += dg1
        dgates[tokens, rt["e2"]] += dg2
        gates = rt["gates"]
        dlogits = gates * (dgates - (dgates * gates).sum(axis=1, keepdims=True))
        grad_gates.append(xs[r].T @ dlogits)
        grad_inputs[r] += dlogits @ wg.T
    return grad_inputs, grad_gates, grads


def sgd(params, grads, lr):
    for p, g in zip(params, grads):
        p -= lr * g


def tokens_per_s(step, tokens, warmup, steps, min_seconds, agree=int):
    """Rate of step(i), which handles `tokens` tokens: `warmup` unmeasured steps, one more that
    sets the pace, then at least `steps` steps and at least `min_seconds` seconds on the clock.
    Processes that run a step together settle the number of steps with `agree`."""
    for i in range(warmup):
        step(i)
    t0 = time.perf_counter()
    step(warmup)
    count = agree(max(steps, math.ceil(min_seconds / (time.perf_counter() - t0))))
    t0 = time.perf_counter()
    for i in range(count):
        step(i)
    return tokens * count / (time.perf_counter() - t0)


def bench(s_count, m, h, e_count, world, warmup, steps, min_seconds):
    dtype = np.float32
    rng = np.random.default_rng(1)

    def uniform(shape, fan_in):
        bound = 1 / np.sqrt(fan_in)
        return rng.uniform(-bound, bound, shape).astype(dtype)

    experts = Experts([uniform((m, h), m) for _ in range(e_count)], [uniform(h, m) for _ in range(e_count)],
                      [uniform((h, m), h) for _ in range(e_count)], [uniform(m, h) for _ in range(e_count)])
    wg = uniform((m, e_count), m)
    capacity = 2 * s_count // e_count
    # Two batches drawn before the clock starts, used in turn: the peer is not charged for its data.
    batches = [([rng.uniform(-1, 1, (s_count, m)).astype(dtype) for _ in range(world)],
                [rng.gumbel(size=(s_count, e_count)).astype(dtype) for _ in range(world)],
                [rng.uniform(-1, 1, (s_count, m)).astype(dtype) for _ in range(world)]) for _ in range(2)]

    def forward_step(i):
        xs, noises, _ = batches[i % 2]
        forward(xs, wg, noises, experts, capacity, 1.0, None)

    def train_step(i):
        xs, noises, rs = batches[i % 2]
        routings, _, saved, _ = forward(xs, wg, noises, experts, capacity, 1.0, rs)
        _, grad_gates, grads = backward(xs, wg, experts, 1.0, rs, routings, saved)
        sgd(experts.w1 + experts.b1 + experts.w2 + experts.b2 + [wg],
            grads.w1 + grads.b1 + grads.w2 + grads.b2 + [sum(grad_gates)], dtype(1e-4))

    forward_rate = tokens_per_s(forward_step, world * s_count, warmup, steps, min_seconds)
    fwdbwd_rate = tokens_per_s(train_step, world * s_count, warmup, steps, min_seconds)
    print(json.dumps({"forward_tokens_per_s": forward_rate, "fwdbwd_tokens_per_s": fwdbwd_rate,
                      "numpy": np.__version__, "python": sys.version.split()[0]}))


def verify(path):
    """Runs a moe-vectors case in float64 and compares everything it records; returns the worst error."""
    with open(path) as f:
        case = json.load(f)
    arr = np.asarray
    experts = Experts([arr(x["W1"]) for x in case["experts"]], [arr(x["b1"]) for x in case["experts"]],
                      [arr(x["W2"]) for x in case["experts"]], [arr(x["b2"]) for x in case["experts"]])
    ranks = case["ranks"]
    xs = [arr(r["input"]) for r in ranks]
    rs = [arr(r["R"]) for r in ranks]
    wg = arr(case["gate_weight"])
    alpha = case["alpha"]
    routings, outputs, saved, loss = forward(xs, wg, [arr(r["noise"]) for r in ranks], experts,
                                             case["capacity"], alpha, rs)
    grad_inputs, grad_gates, grads = backward(xs, wg, experts, alpha, rs, routings, saved)
    return compare(case, routings, outputs, grad_inputs, grad_gates, loss, grads).worst


class Comparison:
    """Differences from a case's records: the worst absolute error, the worst error as a share of
    the largest magnitude of its quantity, and how many routing decisions differ. A strict one
    raises at the first value outside the case's tolerance."""

    def __init__(self, tolerance, strict):
        self.atol, self.rtol, self.strict = tolerance["atol"], tolerance["rtol"], strict
        self.worst = self.worst_share = 0.0
        self.worst_share_of = None
        self.decisions_differing = 0

    def close(self, what, actual, expected):
        actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
        if actual.shape != expected.shape:
            raise AssertionError(f"{what}: shape {actual.shape}, expected {expected.shape}")
        error = np.abs(actual - expected)
        self.worst = max(self.worst, float(error.max(initial=0)))
        scale = float(np.abs(expected).max(initial=0))
        if scale > 0 and float(error.max(initial=0)) / scale > self.worst_share:
            self.worst_share, self.worst_share_of = float(error.max(initial=0)) / scale, what
        excess = error - (self.atol + self.rtol * np.abs(expected))
        if self.strict and (excess > 0).any():
            i = np.unravel_index(np.argmax(excess), excess.shape)
            raise AssertionError(f"{what}{[int(j) for j in i]}: {float(actual[i])!r}, expected {float(expected[i])!r}")

    def same(self, what, actual, expected):
        actual, expected = np.asarray(actual), np.asarray(expected)
        if not np.array_equal(actual, expected):
            if self.strict:
                raise AssertionError(f"{what}: {actual.tolist()}, expected {expected.tolist()}")
            self.decisions_differing += int((actual != expected).sum()) if actual.shape == expected.shape else actual.size


def compare(case, routings, outputs, grad_inputs, grad_gates, loss, grads, strict=True):
    """Compares a run of a moe-vectors case with everything the case records: per rank a routing
    (arrays named as route() names them), output, input gradient and gate-weight gradient; the
    loss; per expert its parameters' gradients (an Experts of lists). Shared with the PyTorch peer."""
    c = Comparison(case["tolerance"], strict)
    for r, (rank, rt) in enumerate(zip(case["ranks"], routings)):
        routing = rank["routing"]
        for key in ("expert1", "expert2", "slot1", "slot2"):
            c.same(f"rank {r} {key}", rt[{"expert1": "e1", "expert2": "e2"}.get(key, key)], routing[key])
        c.same(f"rank {r} first_choice_counts", rt["count1"], routing["first_choice_counts"])
        c.close(f"rank {r} gate1", rt["w1"], routing["gate1"])
        c.close(f"rank {r} gate2", rt["w2"], routing["gate2"])
        c.close(f"rank {r} l_aux", rt["l_aux"], rank["l_aux"])
        c.close(f"rank {r} output", outputs[r], rank["output"])
        c.close(f"rank {r} grad_input", grad_inputs[r], rank["grad_input"])
        c.close(f"rank {r} grad_gate_weight", grad_gates[r], rank["grad_gate_weight"])
    c.close("loss", loss, case["loss"])
    c.close("grad_gate_weight_sum", sum(grad_gates), case["grad_gate_weight_sum"])
    for e, expected in enumerate(case["expert_grads"]):
        for key, got in (("W1", grads.w1), ("b1", grads.b1), ("W2", grads.w2), ("b2", grads.b2)):
            c.close(f"expert {e} grad {key}", got[e], expected[key])
    return c


def main(argv):
    if len(argv) >= 2 and argv[0] == "verify":
        for path in argv[1:]:
            try:
                print(f"ok {path} max abs error {verify(path):.3g}")
            except AssertionError as e:
                print(f"{path} does not match: {e}", file=sys.stderr)
                return 1
        return 0
    if len(argv) == 9 and argv[0] == "bench":
        bench(*map(int, argv[1:8]), float(argv[8]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
