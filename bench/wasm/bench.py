#!/usr/bin/env python3
"""Time bench/wasm programs natively, under mote's wasm runtime (hosted,
bench/wasm/wasi_host.c), inside the kernel's sandbox (the hosted kernel
built with APP=prog.wasm, as `make run PLATFORM=hosted APP=prog.wasm`
runs it) and under node's WASI, in one run, and write a markdown table
with ratios to native and their geometric mean, and of the kernel path to
the runtime alone (the sandbox's own cost: slicing, fuel, WASI, the kernel
build's flags).

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
        output = guest_output(p.stdout.decode()).strip().splitlines()[-1]
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

def build_kernels():
    """One hosted sandbox kernel per program; they share their objects, so
    only the embedded module and the link differ. Returns the boot command
    of each (the kernel needs a block image, and a host port: any)."""
    kdir = os.path.join(out, 'kernel')
    img = os.path.join(out, 'disk.img')
    with open(img, 'wb') as f:
        f.truncate(1 << 20)
    cmds = {}
    for p in PROGS:
        wasm = os.path.join(out, p + '.wasm')
        sh(['make', '-s', '--no-print-directory', '-C', repo, 'PLATFORM=hosted',
            'APP=' + wasm, 'BUILD=' + kdir, 'kernel'])
        elf = os.path.join(out, p + '.kernel.elf')
        os.replace(os.path.join(kdir, 'hosted', 'sbx', 'mote.elf'), elf)
        cmds[p] = [elf, 'drive=' + img, 'hostfwd=0:8080']
    return cmds

def guest_output(text):
    """The kernel's console minus its own log lines ("[   t] L: ...")."""
    return '\n'.join(l for l in text.splitlines() if not l.startswith('['))

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
    kernels = build_kernels()
    rows, ratios_m, ratios_n, ratios_k = [], [], [], []
    for p in PROGS:
        tn, on = cpu_time([os.path.join(out, p)])
        tm, om = cpu_time([host, os.path.join(out, p + '.wasm')])
        tk, ok = cpu_time(kernels[p])
        tj, oj = cpu_time(['node', '--no-warnings', os.path.join(here, 'node_wasi.mjs'),
                           os.path.join(out, p + '.wasm')])
        same = 'yes' if on == om == ok == oj else 'NO'
        rows.append((p, tn, tm, tk, tj, same))
        ratios_m.append(tm / tn)
        ratios_k.append(tk / tm)
        ratios_n.append(tj / tn)
        print('%-10s native %.3fs  mote %.3fs (%.1fx)  in-kernel %.3fs (%.2fx mote)  '
              'node %.3fs (%.1fx)  outputs agree: %s'
              % (p, tn, tm, tm / tn, tk, tk / tm, tj, tj / tn, same), flush=True)
    geo = lambda r: math.exp(sum(map(math.log, r)) / len(r))
    gm, gn, gk = geo(ratios_m), geo(ratios_n), geo(ratios_k)
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
        'bench/wasm/wasi_host.c (runtime built hosted at -O2) and inside the kernel',
        '("in-kernel": the hosted kernel built with `make kernel PLATFORM=hosted APP=prog.wasm`,',
        'the sandbox path of `make run`, whole process including boot); node %s via node:wasi.' % (
            subprocess.run(['node', '--version'], stdout=subprocess.PIPE).stdout.decode().strip()),
        '',
        '| program | native s | mote s | mote / native | in-kernel s | in-kernel / mote | node s | node / native | same output |',
        '|---|---|---|---|---|---|---|---|---|',
    ]
    for p, tn, tm, tk, tj, same in rows:
        lines.append('| %s | %.3f | %.3f | %.1f× | %.3f | %.2f× | %.3f | %.1f× | %s |'
                     % (p, tn, tm, tm / tn, tk, tk / tm, tj, tj / tn, same))
    lines += ['| **geomean** | | | **%.1f×** | | **%.2f×** | | **%.1f×** | |' % (gm, gk, gn), '',
              'Target: mote geomean ≤ 12× native; in-kernel within 5% of mote (≤ 1.05×). '
              'Node includes its startup and JIT compile.', '',
              'Runtime size (wasm/*.c, x86-64 freestanding -O2, stripped relocatable): '
              'text %d B, data %d B, bss %d B.' % (text, data, bss), '',
              'Load (decode, validate, compile) + instantiate, debug names stripped, median of 200 '
              '(bench/wasm/instantiate.c; target: a 30 KiB module in under 1 ms):', '',
              '| module | bytes | µs |', '|---|---|---|']
    lines += ['| %s | %d | %.0f |' % r for r in inst] + ['']
    os.makedirs(os.path.dirname(results), exist_ok=True)
    open(results, 'w').write('\n'.join(lines))
    print('geomean mote/native %.1fx, in-kernel/mote %.2fx, node/native %.1fx; runtime text %d bytes'
          % (gm, gk, gn, text))
    print('wrote', results)

main()
