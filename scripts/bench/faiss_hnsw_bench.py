import sys, time, numpy as np, faiss
from anchor_common import load
D = sys.argv[1]; M = int(sys.argv[2]); efc = int(sys.argv[3]); efs = [int(x) for x in sys.argv[4].split(',')]
xb, xq, gt = load(D, 'l2'); gt = gt[:, :10]
faiss.omp_set_num_threads(2)
idx = faiss.IndexHNSWFlat(xb.shape[1], M); idx.hnsw.efConstruction = efc
c0 = time.process_time(); t0 = time.perf_counter(); idx.add(xb); t1 = time.perf_counter(); c1 = time.process_time()
print(f"faiss IndexHNSWFlat build {t1-t0:.2f} s wall, {c1-c0:.2f} s cpu, n={len(xb)}")
faiss.omp_set_num_threads(1)
for ef in efs:
    idx.hnsw.efSearch = ef
    for q in xq[:50]: idx.search(q[None], 10)
    lat = []; found = []
    c0 = time.process_time(); t0 = time.perf_counter()
    for q in xq:
        s = time.perf_counter(); _, l = idx.search(q[None], 10); lat.append(time.perf_counter() - s); found.append(l[0])
    t1 = time.perf_counter(); c1 = time.process_time()
    rec = np.mean([len(set(f) & set(g)) / 10 for f, g in zip(found, gt)])
    lat = np.array(lat) * 1000
    print(f"faiss ef={ef} recall@10={rec:.4f} qps={len(xq)/(t1-t0):.0f} cpu_qps={len(xq)/(c1-c0):.0f} p50={np.percentile(lat,50):.3f} ms p99={np.percentile(lat,99):.3f} ms")
