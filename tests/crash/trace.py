# The crash explorer's recorder side (tests/crash/): reads an strace log (strace -f -y -x -s N)
# of a real run and turns the file-system calls under one root into a list of logical
# operations: pieces that may reach the disk on their own (a directory entry set or removed, one
# 4 KiB block of a file as the page cache held it, a file's size), syncs (fsync, fdatasync of a
# file or a directory) and acknowledgements (a berth-queue that exited 0, a 250 written by
# berth-smtpd). Trust: reads a trace of test programs; nothing here runs them.
import os, re

BLOCK = 4096
LINE = re.compile(r'^(\d+) +(.*)$')
CALL = re.compile(r'^(\w+)\((.*)\) += (-?\d+|\?|0x[0-9a-f]+)(.*)$', re.S)
FDARG = re.compile(r'^(AT_FDCWD|-?\d+)(?:<(.*)>)?(?:\(deleted\))?$', re.S)
ESC = {'n': b'\n', 't': b'\t', 'r': b'\r', 'v': b'\v', 'f': b'\f', '"': b'"', '\\': b'\\', 'a': b'\a', 'b': b'\b'}


def cstring(s):
    """strace's quoted string (escapes \\xHH, octal, C letters) to bytes."""
    assert s[0] == '"'
    out, i = bytearray(), 1
    while s[i] != '"':
        c = s[i]
        if c != '\\':
            out += c.encode('latin-1') if ord(c) < 256 else c.encode()
            i += 1
            continue
        n = s[i + 1]
        if n == 'x':
            out.append(int(s[i + 2:i + 4], 16)); i += 4
        elif n.isdigit():
            j = i + 1
            while j < i + 4 and s[j].isdigit():
                j += 1
            out.append(int(s[i + 1:j], 8)); i = j
        else:
            out += ESC[n]; i += 2
    return bytes(out)


def split_args(a):
    """Top-level comma split, respecting quotes, brackets and <path> annotations."""
    args, depth, q, cur, i = [], 0, False, [], 0
    while i < len(a):
        c = a[i]
        if q:
            cur.append(c)
            if c == '\\':
                cur.append(a[i + 1]); i += 1
            elif c == '"':
                q = False
        elif c == '"':
            q = True; cur.append(c)
        elif c in '[{(<':
            depth += 1; cur.append(c)
        elif c in ']})>':
            depth -= 1; cur.append(c)
        elif c == ',' and depth == 0:
            args.append(''.join(cur).strip()); cur = []
        else:
            cur.append(c)
        i += 1
    if cur:
        args.append(''.join(cur).strip())
    return args


def lines(path):
    """(pid, name, args, ret) per finished call, in completion order; exits as ('exit', code)."""
    pending = {}
    with open(path, encoding='latin-1') as f:
        for raw in f:
            m = LINE.match(raw.rstrip('\n'))
            if not m:
                continue
            pid, rest = int(m.group(1)), m.group(2)
            if rest.endswith('<unfinished ...>'):
                pending[pid] = rest[:-len('<unfinished ...>')].rstrip()
                continue
            if rest.startswith('<... '):
                rest = pending.pop(pid, '') + rest[rest.index('resumed>') + 8:]
            if rest.startswith('+++ exited with '):
                yield pid, 'exit', [], int(rest.split()[3])
                continue
            c = CALL.match(rest)
            if c:
                ret = c.group(3)
                yield pid, c.group(1), split_args(c.group(2)), (int(ret, 8) if ret.startswith("0") and len(ret) > 1 and not ret.startswith("0x") else int(ret, 0)) if ret != "?" else None
