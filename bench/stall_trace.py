"""Debugging aid for bench/gui_responsiveness.py (BENCH_TRACE=1): what the GUI thread did in each stall.

For every heartbeat gap over a threshold it splits the gap into the GUI thread's own CPU time, the time it
waited for a core (the kernel's run queue, /proc/<tid>/schedstat) and the rest, in which a busy GUI thread is
asleep: waiting for the GIL (or another lock). It lists the CPU the other threads, the child processes and the
whole machine used meanwhile, the garbage collections that ran, and the Python callbacks Qt made on the GUI
thread (slots, timer handlers, model ``data()`` calls while painting) with their wall and CPU time.
The profile hook slows the GUI thread's Python calls a little: compare the parts, not the totals.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections import defaultdict
from types import CodeType, FrameType
from typing import Any

MACHINE = 0  # key of the whole machine's busy time in _cpu_ns()


class StallTrace:
    """Call :meth:`install` on the GUI thread, :meth:`tick` from the heartbeat, :meth:`report` at the end."""

    def __init__(self, loop_code: CodeType, skip: set[CodeType], threshold_ms: float = 30.0) -> None:
        self._loop_code = loop_code  # callbacks: Python calls made by Qt inside this frame's event processing
        self._skip = skip
        self._threshold = threshold_ms
        self._gui = threading.get_native_id()
        self._schedstat = os.open(f"/proc/self/task/{self._gui}/schedstat", os.O_RDONLY)
        self._t0 = time.perf_counter()
        self._last: tuple[float, int, int] | None = None  # ms, cpu ns, run-queue ns of the GUI thread
        self._cpu: dict[int, int] = {}  # the other threads, processes, machine: cpu ns at the last tick
        self._children: list[int] = []
        self._ticks = 0
        self._open: dict[FrameType, tuple[float, float]] = {}
        self._calls: list[tuple[float, float, float, str]] = []  # start ms, wall ms, cpu ms, name
        self._gc_began: dict[int, float] = {}
        self._gcs: list[tuple[float, float, int, str]] = []  # start ms, ms, generation, thread name
        self._marks: list[tuple[float, dict[str, float]]] = []
        self.stalls: list[dict[str, Any]] = []

    def _ms(self) -> float:
        return (time.perf_counter() - self._t0) * 1000

    def install(self) -> None:
        sys.setprofile(self._hook)  # this thread only
        gc.callbacks.append(self._on_gc)

    def uninstall(self) -> None:
        sys.setprofile(None)
        gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        me = threading.get_ident()
        if phase == "start":
            self._gc_began[me] = self._ms()
        elif me in self._gc_began:
            began = self._gc_began.pop(me)
            self._gcs.append((began, self._ms() - began, info["generation"], threading.current_thread().name))

    def _hook(self, frame: FrameType, event: str, _arg: object) -> None:
        if event == "call":
            back = frame.f_back
            if back is not None and back.f_code is self._loop_code and frame.f_code not in self._skip:
                self._open[frame] = (time.perf_counter(), time.thread_time())
        elif event == "return" and frame in self._open:
            wall0, cpu0 = self._open.pop(frame)
            wall, cpu = time.perf_counter() - wall0, time.thread_time() - cpu0
            self._calls.append(((wall0 - self._t0) * 1000, wall * 1000, cpu * 1000, frame.f_code.co_qualname))

    def tick(self) -> None:
        now = self._ms()
        cpu, waited = (int(v) for v in os.pread(self._schedstat, 100, 0).split()[:2])
        if self._ticks % 50 == 0:
            self._children = [c.pid for c in _live_children()]
        self._ticks += 1
        others = _cpu_ns(self._children)
        if self._last is not None:
            then, cpu0, waited0 = self._last
            gap = now - then
            if gap > self._threshold:
                used = {key: (ns - self._cpu.get(key, ns)) / 1e6 for key, ns in others.items()}
                self._record(then, gap, (cpu - cpu0) / 1e6, (waited - waited0) / 1e6, used)
        self._cpu = others
        self._last = (now, cpu, waited)
        if len(self._calls) > 20000:
            del self._calls[:10000]

    def _record(self, start: float, gap: float, cpu: float, runq: float, used: dict[int, float]) -> None:
        names = {t.native_id: t.name for t in threading.enumerate()}
        busy = sorted(((ms, key) for key, ms in used.items() if key != self._gui and ms >= 3.0), reverse=True)
        per_name: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
        for began, wall, cpu_ms, name in self._calls:
            if start <= began + wall and began <= start + gap:
                entry = per_name[name]
                entry[0] += 1
                entry[1] += wall
                entry[2] += cpu_ms
                entry[3] = max(entry[3], wall)
        top = sorted(per_name.items(), key=lambda kv: -kv[1][1])[:6]
        gcs = [(round(ms, 1), f"gen{gen}", thread) for began, ms, gen, thread in self._gcs
               if start <= began + ms and began <= start + gap and ms >= 1.0]  # fmt: skip
        self.stalls.append({
            "at_s": round(start / 1000, 2), "gap": round(gap, 1), "cpu": round(cpu, 1),
            "runq": round(runq, 1), "asleep": round(gap - cpu - runq, 1), "gc": gcs,
            "others": [(round(ms, 1), names.get(key) or _name(key)) for ms, key in busy],
            "calls": [(n, int(e[0]), round(e[1], 1), round(e[2], 1), round(e[3], 1)) for n, e in top],
        })  # fmt: skip

    def mark(self) -> None:
        """Called at the start and the end of the check: CPU seconds per thread and per child process."""
        names = {t.native_id: t.name for t in threading.enumerate()}
        used = {names.get(key) or _name(key): ns / 1e9 for key, ns in _cpu_ns(self._children).items()}
        self._marks.append((time.perf_counter(), used))

    def report(self) -> str:
        lines = ["stalls: gap = GUI cpu + waiting for a core (runq) + asleep (GIL/locks); the others' cpu ms;"
                 " callbacks: name, calls, wall ms, cpu ms, longest ms"]  # fmt: skip
        for s in self.stalls:
            lines.append(f"  at {s['at_s']:>6} s gap {s['gap']:>5} = cpu {s['cpu']:>5} + runq {s['runq']:>5}"
                         f" + asleep {s['asleep']:>5}   gc>=1ms: {s['gc']}")  # fmt: skip
            lines.append(f"      others: {s['others']}")
            lines.extend(f"      {c}" for c in s["calls"])
        by: dict[tuple[int, bool], list[float]] = defaultdict(list)
        for _began, ms, gen, thread in self._gcs:
            by[(gen, thread == "MainThread")].append(ms)
        lines.append("gc passes (generation, GUI thread or not): count, total ms, longest ms: " + ", ".join(
            f"gen{gen}{' GUI' if gui else ''} {len(v)} {sum(v):.0f} {max(v):.1f}"
            for (gen, gui), v in sorted(by.items())
        ))  # fmt: skip
        full = [(round(at / 1000, 2), round(ms, 1), thread) for at, ms, gen, thread in self._gcs if gen == 2]
        lines.append(f"full collections (at s, ms, thread): {full}")
        if len(self._marks) >= 2:
            (t0, before), (t1, after) = self._marks[-2:]
            spent = sorted(((after[k] - before.get(k, 0.0), k) for k in after), reverse=True)
            lines.append(f"cpu s used during the check ({t1 - t0:.1f} s): "
                         + ", ".join(f"{k} {v:.2f}" for v, k in spent if v >= 0.05))  # fmt: skip
        return "\n".join(lines)


def _live_children() -> list[Any]:
    import psutil

    found = []
    for child in psutil.Process().children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE:
                found.append(child)
        except psutil.Error:
            continue
    return found


def _cpu_ns(children: list[int]) -> dict[int, int]:
    """CPU ns of this process's threads (by native id), of the child processes' main threads (negative
    pids) and of the whole machine (MACHINE: every busy core, ours included, in 10 ms clock ticks)."""
    cpu = {}
    paths = [(int(t), f"/proc/self/task/{t}/schedstat") for t in os.listdir("/proc/self/task")]
    paths += [(-pid, f"/proc/{pid}/schedstat") for pid in children]
    for key, path in paths:
        try:
            with open(path, "rb") as f:
                cpu[key] = int(f.read().split()[0])
        except OSError:
            continue
    with open("/proc/stat", "rb") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    cpu[MACHINE] = (sum(fields[:8]) - fields[3] - fields[4]) * 10_000_000
    return cpu


def _name(key: int) -> str:
    if key == MACHINE:
        return "MACHINE"
    path = f"/proc/{-key}/cmdline" if key < 0 else f"/proc/self/task/{key}/comm"
    try:
        with open(path, "rb") as f:
            text = f.read().replace(b"\0", b" ").decode().strip()
    except OSError:
        return str(key)
    return f"process {text[-40:]}" if key < 0 else f"{text}:{key}"
