#!/usr/bin/env python3
"""slice.py MICROS TID... : gives each thread (SCHED_OTHER) a custom EEVDF slice of MICROS (Linux 6.12+).

A thread with a slice shorter than the running thread's may preempt it when it wakes, instead of waiting for that
thread's slice (3 ms here by default) to run out. Used by bench/serving.sh's SLICE_US to see whether the proxies'
added tail is their event loops waiting for a CPU.
"""
import ctypes
import os
import struct
import sys

SYS_SCHED_SETATTR, SYS_SCHED_GETATTR = 314, 315  # x86_64
libc = ctypes.CDLL(None, use_errno=True)
micros = int(sys.argv[1])
for tid in map(int, sys.argv[2:]):
    # struct sched_attr: size, policy, flags, nice, priority, runtime (the slice, ns), deadline, period
    attr = ctypes.create_string_buffer(struct.pack("IIQiIQQQ", 48, 0, 0, 0, 0, micros * 1000, 0, 0), 48)
    if libc.syscall(SYS_SCHED_SETATTR, tid, attr, 0) != 0:
        print(tid, "failed:", os.strerror(ctypes.get_errno()))
        continue
    out = ctypes.create_string_buffer(48)
    libc.syscall(SYS_SCHED_GETATTR, tid, out, 48, 0)
    print(tid, "slice now", struct.unpack("IIQiIQQQ", out.raw)[5], "ns")
