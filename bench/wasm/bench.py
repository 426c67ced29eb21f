#!/usr/bin/env python3
"""Time bench/wasm programs natively, under mote's wasm runtime (hosted,
bench/wasm/wasi_host.c) and under node's WASI, in one run, and write a
markdown table with ratios to native and their geometric mean.

usage: bench.py OUTDIR RESULTS.md
Times are CPU time (user + sys) of the whole process, best of REPS runs,
so a loaded machine skews them less than wall time would.
"""
import glob
import math, os, platform, resource, subprocess, sys, time

PROGS = ['fib', 'sieve', 'matmul', 'sha256', 'hashtable', 'nbody']
REPS = int(os.environ.get('BENCH_REPS', '3'))
here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(here))
out, results = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)

def sh(cmd):
    subprocess.run(cmd, check=True)

def cpu_time(cmd):
    best, output = None, None
    for _ in range(REPS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode != 0:
            raise SystemExit('%s failed: %s' % (' '.join(cmd), p.stdout.decode()))
        t = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = t if best is None else min(best, t)
        output = p.stdout.decode().strip().splitlines()[-1]
    return best, output

def build():
    srcs = sorted(os.path.join(repo, 'wasm', f) for f in os.listdir(os.path.join(repo, 'wasm'))
                  if f.endswith('.c'))
    host = os.path.join(out, 'wasi_host')
    sh(['clang', '-std=c11', '-O2', '-fno-math-errno', '-I' + os.path.join(repo, 'include'),
        os.path.join(here, 'wasi_host.c')] + srcs + ['-o', host])
    for p in PROGS:
        src = os.path.join(here, p + '.c')
        sh(['clang', '--target=wasm32-wasi', '-O2', src, '-o', os.path.join(out, p + '.wasm')])
        sh(['clang', '-O2', src, '-o', os.path.join(out, p), '-lm'])
    return host

def runtime_size():
    """Stripped size of the runtime's code for x86-64 (freestanding -O2)."""
    objs = []
    for f in sorted(os.listdir(os.path.join(repo, 'wasm'))):
        if f.endswith('.c'):
            o = os.path.join(out, f[:-2] + '.x64.o')
            sh(['clang', '--target=x86_64-none-elf', '-std=c11', '-ffreestanding', '-fno-builtin',
                '-fno-math-errno', '-O2', '-I' + os.path.join(repo, 'include'), '-c',
                os.path.join(repo, 'wasm', f), '-o', o])
            objs.append(o)
    lib = os.path.join(out, 'libmotewasm.o')
    sh(['ld.lld', '-r', '-o', lib] + objs)
    sh(['llvm-strip', '--strip-all', lib])
    sz = subprocess.run(['llvm-size', lib], stdout=subprocess.PIPE).stdout.decode().split('\n')[1].split()
    return int(sz[0]), int(sz[1]), int(sz[2])

def instantiate_times():
    """Decode + validate + compile + instantiate of each program with its
    debug names stripped (about 30 KiB each), median of 200 (instantiate.c)."""
    exe = os.path.join(out, 'instantiate')
    srcs = sorted(glob.glob(os.path.join(repo, 'wasm', '*.c')))
    sh(['clang', '-std=c11', '-O2', '-fno-math-errno', '-I' + os.path.join(repo, 'include'),
        '-I' + repo, os.path.join(here, 'instantiate.c')] + srcs + ['-o', exe])
    res = []
    for p in PROGS:
        stripped = os.path.join(out, p + '.stripped.wasm')
        sh(['wasm-strip', '-o', stripped, os.path.join(out, p + '.wasm')])
        o = subprocess.run([exe, stripped, '200'], stdout=subprocess.PIPE, check=True)
        kv = dict(x.split('=') for x in o.stdout.decode().split())
        res.append((p, int(kv['bytes']), float(kv['median_us'])))
    return res

def main():
    host = build()
    rows, ratios_m, ratios_n = [], [], []
    for p in PROGS:
        tn, on = cpu_time([os.path.join(out, p)])
        tm, om = cpu_time([host, os.path.join(out, p + '.wasm')])
        tj, oj = cpu_time(['node', '--no-warnings', os.path.join(here, 'node_wasi.mjs'),
                           os.path.join(out, p + '.wasm')])
        same = 'yes' if on == om == oj else 'NO'
        rows.append((p, tn, tm, tj, same))
        ratios_m.append(tm / tn)
        ratios_n.append(tj / tn)
        print('%-10s native %.3fs  mote %.3fs (%.1fx)  node %.3fs (%.1fx)  outputs agree: %s'
              % (p, tn, tm, tm / tn, tj, tj / tn, same), flush=True)
    gm = math.exp(sum(map(math.log, ratios_m)) / len(ratios_m))
    gn = math.exp(sum(map(math.log, ratios_n)) / len(ratios_n))
    text, data, bss = runtime_size()
    inst = instantiate_times()
    cpu = platform.processor() or platform.machine()
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    lines = [
        '# wasm runtime benchmarks',
        '',
        'Machine: %s, %d CPUs, %s; load average at start %.1f.' % (cpu, os.cpu_count(),
                                                                    platform.platform(), os.getloadavg()[0]),
        'Date: %s. Command: `make wasm-bench` (bench/wasm/bench.py), best of %d runs,' % (
            time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), REPS),
        'CPU time (user+sys) of the whole process. Programs: bench/wasm/*.c, built with',
        '`clang --target=wasm32-wasi -O2` (wasm) and `clang -O2` (native); mote runs them via',
        'bench/wasm/wasi_host.c (runtime built hosted at -O2); node %s via node:wasi.' % (
            subprocess.run(['node', '--version'], stdout=subprocess.PIPE).stdout.decode().strip()),
        '',
        '| program | native s | mote s | mote / native | node s | node / native | same output |',
        '|---|---|---|---|---|---|---|',
    ]
    for p, tn, tm, tj, same in rows:
        lines.append('| %s | %.3f | %.3f | %.1f× | %.3f | %.1f× | %s |' % (p, tn, tm, tm / tn, tj, tj / tn, same))
    lines += ['| **geomean** | | | **%.1f×** | | **%.1f×** | |' % (gm, gn), '',
              'Target: mote geomean ≤ 12× native. Node includes its startup and JIT compile.', '',
              'Runtime size (wasm/*.c, x86-64 freestanding -O2, stripped relocatable): '
              'text %d B, data %d B, bss %d B.' % (text, data, bss), '',
              'Load (decode, validate, compile) + instantiate, debug names stripped, median of 200 '
              '(bench/wasm/instantiate.c; target: a 30 KiB module in under 1 ms):', '',
              '| module | bytes | µs |', '|---|---|---|']
    lines += ['| %s | %d | %.0f |' % r for r in inst] + ['']
    os.makedirs(os.path.dirname(results), exist_ok=True)
    open(results, 'w').write('\n'.join(lines))
    print('geomean mote/native %.1fx, node/native %.1fx; runtime text %d bytes' % (gm, gn, text))
    print('wrote', results)

main()
