import sys, time, numpy as np, hnswlib, resource
from anchor_common import load
D = sys.argv[1]; M = int(sys.argv[2]); efc = int(sys.argv[3]); efs = [int(x) for x in sys.argv[4].split(',')]
xb, xq, gt = load(D, 'l2'); gt = gt[:, :10]
idx = hnswlib.Index(space='l2', dim=xb.shape[1]); idx.init_index(max_elements=len(xb), M=M, ef_construction=efc, random_seed=100)
idx.set_num_threads(2)
c0 = time.process_time(); t0 = time.perf_counter(); idx.add_items(xb, np.arange(len(xb))); t1 = time.perf_counter(); c1 = time.process_time()
print(f"hnswlib build {t1-t0:.2f} s wall, {c1-c0:.2f} s cpu, n={len(xb)}")
idx.set_num_threads(1)
for ef in efs:
    idx.set_ef(ef)
    for q in xq[:50]: idx.knn_query(q[None], k=10)
    lat = []; found = []
    c0 = time.process_time(); t0 = time.perf_counter()
    for q in xq:
        s = time.perf_counter(); l, _ = idx.knn_query(q[None], k=10); lat.append(time.perf_counter() - s); found.append(l[0])
    t1 = time.perf_counter(); c1 = time.process_time()
    rec = np.mean([len(set(f) & set(g)) / 10 for f, g in zip(found, gt)])
    lat = np.array(lat) * 1000
    print(f"hnswlib ef={ef} recall@10={rec:.4f} qps={len(xq)/(t1-t0):.0f} cpu_qps={len(xq)/(c1-c0):.0f} p50={np.percentile(lat,50):.3f} ms p99={np.percentile(lat,99):.3f} ms")
