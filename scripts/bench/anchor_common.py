"""What the anchor scripts share: the dataset reader (all of them, with faiss_hnsw_bench.py and
hnswlib_bench.py), and for ivf_anchor.py and rabitq_anchor.py the timed one-query-at-a-time
search loop, recall@K and the LanceDB table they index.

A dataset folder holds base.fvecs, query.fvecs and groundtruth_<metric>.ivecs (the layout of
../shared/datasets and `quiver bench index`).
"""
import contextlib
import os
import shutil
import tempfile
import time

import numpy as np

K = 10


def read_vecs(path, dtype):
    """An .fvecs or .ivecs file as a 2-D array: each row is an int32 dimension, then the values."""
    raw = np.fromfile(path, dtype=np.int32)
    dim = int(raw[0])
    return raw.reshape(-1, dim + 1)[:, 1:].copy().view(dtype)


def load(data, metric):
    """Base vectors, query vectors and the ground truth for `metric` of the dataset in `data`."""
    X = read_vecs(os.path.join(data, "base.fvecs"), np.float32)
    Q = read_vecs(os.path.join(data, "query.fvecs"), np.float32)
    gt = read_vecs(os.path.join(data, f"groundtruth_{metric}.ivecs"), np.int32)
    return np.ascontiguousarray(X), np.ascontiguousarray(Q), gt


def timed(search, Q):
    """Runs `search(q)` (returning row ids) for each query after 50 warm-up queries: the ids found
    (padded with -1 to K), each query's latency in milliseconds and the total seconds."""
    for q in Q[:50]:
        search(q)
    lat = np.empty(len(Q))
    found = np.empty((len(Q), K), dtype=np.int64)
    t0 = time.perf_counter()
    for i, q in enumerate(Q):
        s = time.perf_counter()
        ids = search(q)
        lat[i] = (time.perf_counter() - s) * 1000
        found[i, :] = -1
        found[i, :len(ids)] = ids[:K]
    return found, lat, time.perf_counter() - t0


def recall_at_k(found, gt):
    """The mean fraction of each query's K true neighbours that `found` holds."""
    return float(np.mean([len(set(found[i]) & set(gt[i, :K])) / K for i in range(len(found))]))


def lance_table(root, X):
    """A LanceDB table `t` in `root`/db with an `id` column and the vectors X."""
    import lancedb
    import pyarrow as pa
    n, d = X.shape
    db = lancedb.connect(os.path.join(root, "db"))
    return db.create_table("t", pa.table({
        "id": pa.array(np.arange(n, dtype=np.int64)),
        "vector": pa.FixedSizeListArray.from_arrays(pa.array(X.reshape(-1)), d)}))


def faiss_refined(ivf, X, refine):
    """The FAISS index `ivf`, or, when `refine` > 0, `ivf` with its candidates re-ranked exactly
    against X (IndexRefineFlat, refine × k candidates); X must outlive the index."""
    if not refine:
        return ivf
    import faiss
    index = faiss.IndexRefineFlat(ivf, faiss.swig_ptr(X))
    index.k_factor = refine
    return index


@contextlib.contextmanager
def lance_anchor_table(data, prefix):
    """The base vectors of the dataset in `data` as a LanceDB table (`lance_table`) in a new
    temporary folder named with `prefix`, removed afterwards; yields the table, the folder, the
    query vectors and the l2 ground truth. The base vectors are let go once the table holds them."""
    X, Q, gt = load(data, "l2")
    root = tempfile.mkdtemp(prefix=prefix)
    try:
        table = lance_table(root, X)
        del X
        yield table, root, Q, gt
    finally:
        shutil.rmtree(root, ignore_errors=True)


def lance_index_bytes(root):
    """The bytes of the indexes of table `t` in `root`/db."""
    idx_dir = os.path.join(root, "db", "t.lance", "_indices")
    return sum(os.path.getsize(os.path.join(p, f)) for p, _, fs in os.walk(idx_dir) for f in fs)
