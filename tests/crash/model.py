# The crash explorer's persistence models (tests/crash/): which pieces of a replayed run
# (sim.py) are on the disk after a crash following event k, and every state the model allows
# (bounded). Models:
#   ext4-ordered  ext4 data=ordered with a journal: directory entries, sizes and appended blocks
#                 reach the disk in order (a prefix of them, at least up to the last fsync of
#                 anything); blocks written over in place reach it in any subset; an fsync
#                 makes its file's blocks durable.
#   ext4-nojournal  ext4 without a journal (this machine): every piece on its own, in any
#                 subset; an fsync makes its file's blocks and size durable and, for a file
#                 given a new name since its last fsync, that name's directory (ext4_sync_parent);
#                 an fsync of a directory makes its entries durable.
#   posix         only fsynced data and fsynced directories survive: as ext4-nojournal without
#                 the parent's sync; unsynced pieces in any subset, in any order.
# A rename within one directory is one piece (one block); across two, two pieces.
# Trust: pure computation on a test's own trace.
import hashlib, random
from sim import Piece, Sync, Ack

MODELS = ('ext4-ordered', 'ext4-nojournal', 'posix')


def durable_at(events, model):
    """For each piece's event index, the event index of the sync that forces it (or None)."""
    out, open_ = {}, []
    for i, e in enumerate(events):
        if isinstance(e, Piece):
            open_.append(i)
            continue
        if not isinstance(e, Sync):
            continue
        keep = []
        for j in open_:
            p = events[j]
            if model == 'ext4-ordered':
                hit = p.journal or (p.kind == 'blk' and p.key[0] == e.ino)
            elif p.kind == 'dent':
                hit = p.key[0] in e.dirs or (model == 'ext4-nojournal' and p.key[0] in e.newdirs)
            else:
                hit = e.ino is not None and (p.key if p.kind == 'size' else p.key[0]) == e.ino
            if hit:
                out[j] = i
            else:
                keep.append(j)
        open_ = keep
    return out


def units(events, idx):
    """Undurable piece indices grouped: a rename in one directory moves as one."""
    us, by = [], {}
    for j in idx:
        g = events[j].group
        if g is None:
            us.append([j])
        elif g in by:
            by[g].append(j)
        else:
            by[g] = [j]
            us.append(by[g])
    return us


def choices(events, k, dur, model, rnd, nrandom):
    """Sets of undurable pieces (before event k) that reached the disk, as (label, set)."""
    und = [j for j in range(k) if isinstance(events[j], Piece) and not (j in dur and dur[j] < k)]
    us = units(events, und)
    flat = lambda ul: {j for u in ul for j in u}
    out = [('all', flat(us)), ('none', set())]
    if model == 'ext4-ordered':
        jr = [u for u in us if events[u[0]].journal]
        inplace = [u for u in us if not events[u[0]].journal]
        for m in range(len(jr)):
            out.append(('journal-prefix-%d' % m, flat(jr[:m])))
            out.append(('journal-prefix-%d+inplace' % m, flat(jr[:m] + inplace)))
        for i, u in enumerate(inplace):
            out.append(('inplace-only-%d' % i, flat(jr + [u])))
        for n in range(nrandom):
            m = rnd.randint(0, len(jr))
            out.append(('random', flat(jr[:m] + [u for u in inplace if rnd.random() < 0.5])))
        return out
    for i, u in enumerate(us):
        out.append(('drop-%d' % u[0], flat(us[:i] + us[i + 1:])))
        out.append(('only-%d' % u[0], set(u)))
    for n in range(nrandom):
        out.append(('random', flat([u for u in us if rnd.random() < 0.5])))
    return out


def disk(rep, events, keep):
    """The tree on disk: {dir: {name: ino}}, {ino: bytes} (base, then the kept pieces in order)."""
    dirs = {d: dict(e) for d, e in rep.base_dirs.items()}
    blocks, size, base = {}, {}, rep.base_data
    for j in sorted(keep):
        p = events[j]
        if p.kind == 'dent':
            d, n = p.key
            if isinstance(p.val, tuple):
                dirs.setdefault(p.val[1], {})
            if d not in dirs:
                continue
            if p.val is None:
                dirs[d].pop(n, None)
            else:
                dirs[d][n] = p.val
        elif p.kind == 'blk':
            blocks[p.key] = p.val
        else:
            size[p.key] = p.val
    live = {i for e in dirs.values() for i in e.values() if isinstance(i, int)}
    data = {}
    for i in live:
        n = size.get(i, len(base.get(i, b'')))
        b = bytearray(base.get(i, b'')[:n])
        b.extend(bytes(n - len(b)))
        for (ino, k), v in blocks.items():
            if ino == i and k * 4096 < n:
                b[k * 4096:k * 4096 + len(v)] = v
        data[i] = bytes(b[:n])
    return dirs, data


def digest(dirs, data):
    h = hashlib.sha256()
    for d in sorted(dirs):
        for n in sorted(dirs[d]):
            v = dirs[d][n]
            h.update(('%s/%s=' % (d, n)).encode())
            h.update(hashlib.sha256(data[v]).digest() if isinstance(v, int) else b'dir')
            h.update(str(v).encode() if isinstance(v, int) else b'')
    return h.hexdigest()


def acked(events, k):
    return frozenset(e.marker for e in events[:k] if isinstance(e, Ack))


def states(rep, events, model, nrandom, seed):
    """Unique (digest -> (dirs, data, [(k, label, acked)])) over every crash point."""
    rnd = random.Random(seed)
    dur = durable_at(events, model)
    out = {}
    for k in range(len(events) + 1):
        # a crash point before each sync, acknowledgement and name change, and at the end: a
        # crash between two blocks of one write is one of the subsets of the next point
        if k < len(events) and not (isinstance(events[k], (Sync, Ack)) or events[k].kind == 'dent'):
            continue
        ack = acked(events, k)
        durable = {j for j in range(k) if j in dur and dur[j] < k}
        for label, keep in choices(events, k, dur, model, rnd, nrandom):
            dirs, data = disk(rep, events, keep | durable)
            h = digest(dirs, data)
            ent = out.setdefault(h, (dirs, data, []))
            if not any(x[2] == ack for x in ent[2]):
                ent[2].append((k, label, ack))
    return out
