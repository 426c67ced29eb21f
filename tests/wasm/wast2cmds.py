#!/usr/bin/env python3
"""Turn wast2json's JSON into the line format spec_runner reads.

One command per line, fields separated by single spaces; names are hex
so any UTF-8 (or empty) name survives:

  L line file name|-                 load + instantiate a binary module
  R line as_hex name|-               register a module under a name
  A kind line act mod|- field_hex nargs arg... nexp exp...
                                     kind: return trap exhaustion action
                                     act: invoke get
  M kind line file                   kind: invalid malformed unlinkable
                                     uninstantiable (module must fail)
  S line why                         skipped, with the reason
  T line                             text-format module assertion: not
                                     a binary-runtime test, not counted
Values are type:payload, e.g. i32:42 f32:nan:canonical externref:null.
"""
import json, sys

def hexs(s):
    return s.encode('utf-8').hex() or '-'

def val(v):
    t = v['type']
    x = v.get('value')
    if x is None:
        return t + ':any'
    return '%s:%s' % (t, x)

def action(a):
    args = [val(x) for x in a.get('args', [])]
    return '%s %s %s %d %s' % (a['type'], a.get('module', '-'), hexs(a['field']),
                              len(args), ' '.join(args))

def main():
    src, out = sys.argv[1], sys.argv[2]
    d = json.load(open(src))
    simd = len(sys.argv) > 3 and sys.argv[3] == 'simd'
    lines = []
    kinds = {'assert_return': 'return', 'assert_trap': 'trap',
             'assert_exhaustion': 'exhaustion', 'action': 'action'}
    for c in d['commands']:
        t, ln = c['type'], c['line']
        if simd:
            lines.append('S %d SIMD not implemented' % ln)
        elif t == 'module':
            lines.append('L %d %s %s' % (ln, c['filename'], c.get('name', '-')))
        elif t == 'register':
            lines.append('R %d %s %s' % (ln, hexs(c['as']), c.get('name', '-')))
        elif t in kinds:
            exp = [val(x) for x in c.get('expected', [])]
            lines.append(('A %s %d %s %d %s' % (kinds[t], ln, action(c['action']),
                                                 len(exp), ' '.join(exp))).rstrip())
        elif t.startswith('assert_'):
            if c.get('module_type') == 'text':
                lines.append('T %d' % ln)
            else:
                lines.append('M %s %d %s' % (t[7:], ln, c['filename']))
        else:
            lines.append('S %d unknown command %s' % (ln, t))
    open(out, 'w').write('\n'.join(lines) + '\n')

main()
