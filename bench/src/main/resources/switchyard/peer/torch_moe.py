#!/usr/bin/env python3
"""The PyTorch peer: the job of index_moe.py (the NumPy peer beside it), written the way a PyTorch
user makes an index-based top-2 MoE layer fast on a CPU, so that `switchyard bench` measures the
layer against what a user would otherwise run. Same semantics: top-2 gate, Gumbel second choice,
capacity 2*S//E per source rank (slots by cumsum exactly as the NumPy peer), l_aux weight 1, loss
sum(output * R) + l_aux, full backward (input too: the layer sits inside a network), SGD on every
parameter, fresh routing every step.

How it is made fast: routing by index for all the ranks a process holds at once, each expert run
once (addmm) on the rows of every rank stacked together, combine by one index_add_ into a float32
output, autograd for the backward (the products are most of the step, and autograd runs them as the
same BLAS/oneDNN calls a manual backward would), torch.optim.SGD. The forward kind of step runs
under inference_mode, as a user measures inference. Batches and Gumbel noise are drawn before the
clock starts, as the NumPy peer's.

Precision: fp32, or bf16 = torch.autocast("cpu", dtype=torch.bfloat16) around the forward with
float32 master weights, as users train. The router runs in float32 in both (autocast disabled
around it, as MoE codes keep their router: its argmax decides where every token goes).

Layout: P processes, P the largest count up to the cores that divides W and E; each holds the
tokens of W/P ranks and owns E/P experts, runs cores/P torch threads, and sends each row to its
expert's owner and back by all_to_all_single (gloo on 127.0.0.1), with the gate's gradient summed
by all_reduce as DDP does. Measured on the large configuration (S=4096, M=512, H=2048, E=8, W=2) on
2 cores against one process of 2 threads holding every rank (no exchange at all): on a quiet
machine as fast in bf16 and ~9% faster in fp32 forward+backward (a BLAS call on one thread per core
beats one call on two threads by more than the exchange costs), and 1.5-2.4x faster while another
job shares the cores (a two-thread process waits at every parallel region whenever one of its
threads is descheduled). W=1 (or nothing to divide) is one process on every core, with no exchange.

Debian's torch calls whatever libblas.so.3 the system provides: the reference BLAS unless an
optimised one (libopenblas0-openmp) is installed, and fp32 figures are then ~30x too low; "blas"
in the JSON names the library loaded, so a figure says what it ran on.

  bench:   torch_moe.py bench S M H E W WARMUP STEPS MIN_SECONDS fp32|bf16   -> one JSON line
  verify:  torch_moe.py verify CASE.json [...]    -> checks moe-vectors cases in float64, in as
           many processes as a case has ranks, and reports (without judging) what bf16 gives
"""
import ctypes
import json
import math
import os
import pickle
import signal
import socket
import sys
import tempfile

import numpy as np
import torch
import torch.distributed as dist

from index_moe import Experts, compare, tokens_per_s  # the NumPy peer's checks and clock

EPS = 2.0 ** -52


class Peers:
    """This process among the P of a run: its index, P, and the part of anything it holds."""

    def __init__(self, index, count):
        self.index, self.count = index, count

    def part(self, n):
        """This process's share of n ranks or n experts (P divides n)."""
        return slice(self.index * n // self.count, (self.index + 1) * n // self.count)

    def agree(self, steps):
        """The most steps any process wants: each collective needs every process."""
        if self.count == 1:
            return steps
        t = torch.tensor([steps])
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return int(t)


def route(x, wg, noise, capacity):
    """The routing of a process's ranks at once: x (W/P,S,M), wg (M,E) or one per rank (W/P,M,E),
    noise (W/P,S,E)."""
    s_count, e_count = x.shape[1], wg.shape[-1]
    logits = torch.matmul(x, wg)
    gates = torch.softmax(logits, dim=-1)
    with torch.no_grad():  # the choices and slots are decisions: no gradient flows through them
        e1 = gates.argmax(-1)
        noisy = logits + noise
        noisy.scatter_(-1, e1.unsqueeze(-1), -math.inf)
        e2 = noisy.argmax(-1)
        queued1 = torch.nn.functional.one_hot(e1, e_count).cumsum(1)
        count1 = queued1[:, -1]
        slot1 = queued1.gather(-1, e1.unsqueeze(-1)).squeeze(-1) - 1
        queued2 = torch.nn.functional.one_hot(e2, e_count).cumsum(1)
        slot2 = count1.gather(-1, e2) + queued2.gather(-1, e2.unsqueeze(-1)).squeeze(-1) - 1
        keep1, keep2 = slot1 < capacity, slot2 < capacity
    g1 = gates.gather(-1, e1.unsqueeze(-1)).squeeze(-1) * keep1
    g2 = gates.gather(-1, e2.unsqueeze(-1)).squeeze(-1) * keep2
    denom = (g1 + g2).clamp_min(EPS)  # clamp passes the gradient at equality, like the NumPy peer
    ce = count1.to(gates.dtype) / s_count
    return {"e1": e1, "e2": e2, "slot1": slot1.masked_fill(~keep1, -1), "slot2": slot2.masked_fill(~keep2, -1),
            "count1": count1, "keep1": keep1, "keep2": keep2, "w1": g1 / denom, "w2": g2 / denom,
            "l_aux": (gates.mean(1) * ce).sum(-1) / e_count}


def dispatch(rt):
    """Kept (rank, choice, token) rows grouped by expert, in the NumPy peer's stacking order:
    their token index among all ranks' tokens, their combine weight, and each expert's count."""
    s_count = rt["e1"].shape[1]
    choice = torch.stack((rt["e1"], rt["e2"]), 1).flatten()
    kept = torch.stack((rt["keep1"], rt["keep2"]), 1).flatten().nonzero().squeeze(1)
    expert, order = torch.sort(choice[kept], stable=True)
    rows = kept[order]
    tokens = rows // (2 * s_count) * s_count + rows % s_count
    weights = torch.stack((rt["w1"], rt["w2"]), 1).flatten()[rows]
    counts = torch.bincount(expert, minlength=rt["count1"].shape[1]).tolist()
    return tokens, weights, counts


class Exchange(torch.autograd.Function):
    """all_to_all_single of rows, whose gradient goes back the way the rows came."""

    @staticmethod
    def forward(ctx, rows, send, recv):
        ctx.sizes = send, recv
        return all_to_all(rows, send, recv)

    @staticmethod
    def backward(ctx, grad):
        send, recv = ctx.sizes
        return all_to_all(grad.contiguous(), recv, send), None, None


def all_to_all(rows, send, recv):
    out = rows.new_empty((sum(recv), rows.shape[1]))
    # gloo has no bfloat16: the bits travel as float16, which it only copies
    bits = (lambda t: t.view(torch.float16)) if rows.dtype == torch.bfloat16 else (lambda t: t)
    dist.all_to_all_single(bits(out), bits(rows), recv, send)
    return out


class Plan:
    """One step's rows between processes: to their expert's owner, in expert order, and back."""

    def __init__(self, counts, peers):
        p_count = peers.count
        mine = torch.tensor(counts)
        per = torch.empty_like(mine)
        dist.all_to_all_single(per, mine)  # each source's counts for this process's experts
        per = per.view(p_count, -1)
        self.send, self.recv = mine.view(p_count, -1).sum(1).tolist(), per.sum(1).tolist()
        self.counts = per.sum(0).tolist()
        # rows arrive by source, then expert: each expert's rows of every source side by side
        starts = (per.flatten().cumsum(0) - per.flatten()).view(p_count, -1)
        self.order = torch.cat([torch.arange(int(starts[s, e]), int(starts[s, e] + per[s, e]))
                                for e in range(per.shape[1]) for s in range(p_count)])
        self.inverse = torch.empty_like(self.order)
        self.inverse[self.order] = torch.arange(len(self.order))

    def to_owners(self, rows):
        return Exchange.apply(rows, self.send, self.recv).index_select(0, self.order)

    def back(self, y):
        return Exchange.apply(y.index_select(0, self.inverse), self.recv, self.send)


def forward(x, wg, noise, experts, capacity, peers):
    """The layer on this process's ranks, x (W/P,S,M), with its experts (E/P of them): routing,
    and output (W/P*S, M) in x's dtype."""
    with torch.autocast("cpu", enabled=False):
        rt = route(x, wg, noise, capacity)
    tokens, weights, counts = dispatch(rt)
    flat = x.reshape(-1, x.shape[-1])
    # Under autocast, one cast of the input rather than one of each expert's gathered rows; and one
    # gather for all experts, whose backward is one index_add_ rather than a full-size gradient each.
    source = flat.to(torch.get_autocast_cpu_dtype()) if torch.is_autocast_cpu_enabled() else flat
    rows = source.index_select(0, tokens)
    if peers.count > 1:
        plan = Plan(counts, peers)
        rows, counts = plan.to_owners(rows), plan.counts
    ys = []
    for e, chunk in enumerate(rows.split(counts)):
        hidden = torch.addmm(experts.b1[e], chunk, experts.w1[e]).relu_()
        ys.append(torch.addmm(experts.b2[e], hidden, experts.w2[e]))
    y = torch.cat(ys)
    if peers.count > 1:
        y = plan.back(y)
    # bf16 y times float32 w: combined in float32
    return rt, torch.zeros_like(flat).index_add_(0, tokens, y * weights.unsqueeze(1))


def loss_of(rt, out, r, alpha):
    return (out * r.reshape(out.shape)).sum() + alpha * rt["l_aux"].sum()


def autocast(precision):
    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16")


def loaded(prefix):
    """The files mapped into this process whose name starts with `prefix`: which BLAS and malloc it runs on."""
    with open("/proc/self/maps") as f:
        return sorted({p for p in (line.split()[-1] for line in f) if os.path.basename(p).startswith(prefix)})


def processes(world, e_count, limit):
    return max(p for p in range(1, limit + 1) if world % p == 0 and e_count % p == 0)


def bench_part(peers, s_count, m, h, e_count, world, warmup, steps, min_seconds, precision):
    # Every process draws the whole layer and every rank's batches and keeps its part: the same
    # run whatever P. Two batches drawn before the clock starts, used in turn, as the NumPy peer does.
    gen = torch.Generator().manual_seed(1)

    def uniform(shape, bound):
        return (torch.rand(shape, generator=gen) * 2 - 1) * bound

    # One tensor per expert and parameter, as in a ModuleList of experts: slices of stacked
    # tensors would cost each a full-size zero gradient in the backward (SelectBackward).
    experts = Experts(*([t.requires_grad_() for t in [uniform(shape, bound) for _ in range(e_count)][peers.part(e_count)]]
                        for shape, bound in (((m, h), m ** -0.5), (h, m ** -0.5), ((h, m), h ** -0.5), (m, h ** -0.5))))
    wg = uniform((m, e_count), m ** -0.5).requires_grad_()
    optimizer = torch.optim.SGD(experts.w1 + experts.b1 + experts.w2 + experts.b2 + [wg], lr=1e-4)
    capacity = 2 * s_count // e_count
    mine = peers.part(world)
    batches = [(uniform((world, s_count, m), 1.0)[mine].clone(),
                -torch.empty(world, s_count, e_count).exponential_(generator=gen).log()[mine].clone(),  # Gumbel(0, 1)
                uniform((world, s_count, m), 1.0)[mine].clone()) for _ in range(2)]

    def forward_step(i):
        x, noise, _ = batches[i % 2]
        with torch.inference_mode(), autocast(precision):
            forward(x, wg, noise, experts, capacity, peers)

    def train_step(i):
        x, noise, r = batches[i % 2]
        x = x.detach().requires_grad_()  # the input's gradient too, as the NumPy peer computes it
        with autocast(precision):
            rt, out = forward(x, wg, noise, experts, capacity, peers)
            loss = loss_of(rt, out, r, 1.0)
        loss.backward()
        if peers.count > 1:
            dist.all_reduce(wg.grad)  # the replicated gate: every process's share of its gradient
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    rates = [tokens_per_s(step, world * s_count, warmup, steps, min_seconds, peers.agree)
             for step in (forward_step, train_step)]
    return {"forward_tokens_per_s": rates[0], "fwdbwd_tokens_per_s": rates[1], "numpy": np.__version__,
            "python": sys.version.split()[0], "impl": "torch", "torch": torch.__version__, "precision": precision,
            "processes": peers.count, "threads": torch.get_num_threads(), "tcmalloc": bool(loaded("libtcmalloc")),
            "blas": " ".join(loaded("libblas")) or "none"}


def run_case(case, precision, peers):
    """This process's part of a moe-vectors case through forward, loss and autograd: in float64,
    or in bf16 (float32 master weights under autocast)."""
    dtype = torch.float64 if precision == "fp64" else torch.float32
    t = lambda v: torch.tensor(v, dtype=dtype)
    ranks = case["ranks"][peers.part(len(case["ranks"]))]
    x = t([r["input"] for r in ranks]).requires_grad_()
    wg = t(case["gate_weight"]).expand(len(ranks), -1, -1).clone().requires_grad_()  # one copy per rank: its own gradient
    experts = Experts(*([t(ex[k]).requires_grad_() for ex in case["experts"][peers.part(len(case["experts"]))]]
                        for k in ("W1", "b1", "W2", "b2")))
    with autocast(precision):
        rt, out = forward(x, wg, t([r["noise"] for r in ranks]), experts, case["capacity"], peers)
        loss = loss_of(rt, out, t([r["R"] for r in ranks]), case["alpha"])
    loss.backward()
    n = lambda v: v.detach().to(torch.float64).numpy()
    return {"routings": [{k: n(v[r]) for k, v in rt.items() if k != "l_aux"} | {"l_aux": float(rt["l_aux"][r])}
                         for r in range(len(ranks))],
            "outputs": list(n(out).reshape(len(ranks), -1, x.shape[-1])), "grad_inputs": list(n(x.grad)),
            "grad_gates": list(n(wg.grad)), "loss": float(loss),
            "grads": [[n(p.grad) if p.grad is not None else np.zeros(p.shape) for p in ps]
                      for ps in (experts.w1, experts.b1, experts.w2, experts.b2)]}


def verify_part(peers, paths):
    results = []
    for path in paths:
        with open(path) as f:
            case = json.load(f)
        results.append({precision: run_case(case, precision, peers) for precision in ("fp64", "bf16")})
    return results


def verify(paths):
    """Checks each case in as many processes as it has ranks; one report line per case."""
    cases = {}
    for path in paths:
        with open(path) as f:
            case = json.load(f)
        cases.setdefault(processes(case["world_size"], case["num_experts"], case["world_size"]), []).append(path)
    lines = {}
    for p_count, group in cases.items():
        parts = run(p_count, verify_part, group)
        for i, path in enumerate(group):
            with open(path) as f:
                case = json.load(f)
            found = {}
            for precision in ("fp64", "bf16"):
                got = [part[i][precision] for part in parts]
                every = lambda key: [v for g in got for v in g[key]]
                grads = Experts(*([v for g in got for v in g["grads"][k]] for k in range(4)))
                try:
                    found[precision] = compare(case, every("routings"), every("outputs"), every("grad_inputs"),
                                               every("grad_gates"), sum(g["loss"] for g in got), grads,
                                               strict=precision == "fp64")
                except AssertionError as e:
                    raise AssertionError(f"{path} does not match: {e}") from None
            bf16 = found["bf16"]
            lines[path] = (f"ok {path} max abs error {found['fp64'].worst:.3g} in {p_count} process(es); bf16 would"
                           f" give errors up to {100 * bf16.worst_share:.2g}% of a quantity's largest magnitude"
                           f" (in {bf16.worst_share_of}), {bf16.decisions_differing} routing decisions differing")
    return [lines[path] for path in paths]


def run(p_count, part, *args):
    """part(peers, *args) in each of p_count processes; their results, in order."""
    if p_count == 1:
        torch.set_num_threads(len(os.sched_getaffinity(0)))  # torch's default here is 1; the NumPy peer uses every core
        return [part(Peers(0, 1), *args)]
    with socket.socket() as s:  # a free port on the loopback for gloo's rendezvous
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as out:
        torch.multiprocessing.spawn(child, (p_count, port, out, part.__name__, args), nprocs=p_count)
        results = []
        for p in range(p_count):
            with open(os.path.join(out, f"{p}.pkl"), "rb") as f:
                results.append(pickle.load(f))
        return results


def child(index, p_count, port, out, part, args):
    # Die with the parent: a run killed for its time limit must not leave processes waiting in gloo.
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    torch.set_num_threads(max(1, len(os.sched_getaffinity(0)) // p_count))
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=index, world_size=p_count)
    result = globals()[part](Peers(index, p_count), *args)
    dist.barrier()
    dist.destroy_process_group()
    with open(os.path.join(out, f"{index}.pkl"), "wb") as f:
        pickle.dump(result, f)


def main(argv):
    if len(argv) >= 2 and argv[0] == "verify":
        try:
            for line in verify(argv[1:]):
                print(line)
        except AssertionError as e:
            print(e, file=sys.stderr)
            return 1
        return 0
    if len(argv) == 10 and argv[0] == "bench" and argv[9] in ("fp32", "bf16"):
        sizes = list(map(int, argv[1:8]))
        p_count = processes(sizes[4], sizes[3], len(os.sched_getaffinity(0)))
        print(json.dumps(run(p_count, bench_part, *sizes, float(argv[8]), argv[9])[0]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
