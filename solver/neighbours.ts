/**
 * Neighbour lists of the compiled problem: each job's nearest other jobs by travel (for the ruin
 * step and the local search) and by the correlation measure (for granular insertion).
 */

const NEIGHBOURS = 40;
/** Weight of travel time in the nearest-by-distance order: only breaks ties between equal distances. */
const DURATION_TIE_BREAK = 1e-6;
/** Weights of the forced waiting and lateness in the correlation measure (PyVRP's defaults). */
const WAIT_WEIGHT = 0.2;
const LATE_WEIGHT = 1;

/**
 * The k nearest other jobs of each job, by the sum of both travel directions, and by the
 * correlation measure of Vidal et al. (2013) as PyVRP computes it: travel i→j plus
 * 0.2 × the least waiting and 1 × the least lateness that j's window forces after i, the
 * smaller of both directions. Times are converted to the distance unit by the matrices'
 * mean ratio. One pass over the rows.
 */
export function nearestJobs(
  nJobs: number,
  jobLoc: Int32Array,
  dur: Float64Array,
  dist: Float64Array,
  nLocs: number,
  symmetric: boolean,
  early: Float64Array,
  late: Float64Array,
  service: Float64Array,
): { neighbours: Int32Array[]; granularNeighbours: Int32Array[] } {
  const k = Math.max(0, Math.min(NEIGHBOURS, nJobs - 1));
  const neighbours: Int32Array[] = [];
  const granularNeighbours: Int32Array[] = [];
  const corrKey = new Float64Array(k + 2);
  const corrJob = new Int32Array(k + 2);
  // Distance per second of travel, from a deterministic sample of job pairs.
  let sumDist = 0;
  let sumDur = 0;
  for (let s = 0; s < Math.min(20000, nJobs * nJobs); s++) {
    const a = jobLoc[s % nJobs]!;
    const b = jobLoc[(s * 7919 + 13) % nJobs]!;
    sumDist += dist[a * nLocs + b]!;
    sumDur += dur[a * nLocs + b]!;
  }
  const perSecond = sumDur > 0 && sumDist > 0 ? sumDist / sumDur : 1;
  const wait = WAIT_WEIGHT * perSecond;
  const lateW = LATE_WEIGHT * perSecond;
  const nearest = nearestByLocation(nJobs, jobLoc, dur, dist, nLocs, symmetric, k);
  // Jobs alike in place, window bounds and service time rank every other job alike: the
  // correlation is computed once per pair of such groups, not per pair of jobs.
  const { groupOf, members } = alikeJobs(nJobs, jobLoc, early, late, service);
  const lists: Int32Array[] = [];
  for (let g = 0; g < members.length; g++) {
    const i = members[g]![0]!;
    const a = jobLoc[i]!;
    const row = a * nLocs;
    const ei = early[i]!;
    const li = late[i]!;
    const si = service[i]!;
    let corr = 0;
    for (let h = 0; h < members.length; h++) {
      const group = members[h]!;
      const j = group[0]!;
      const b = jobLoc[j]!;
      const dab = dist[row + b]!;
      const tab = dur[row + b]!;
      const dba = symmetric ? dab : dist[b * nLocs + a]!;
      const tba = symmetric ? tab : dur[b * nLocs + a]!;
      // i then j, and j then i; the smaller (infinite windows give 0, never NaN).
      const ej = early[j]!;
      const lj = late[j]!;
      const sj = service[j]!;
      let w = ej - tab - si - li;
      let l = ei + si + tab - lj;
      const ij = dab + (w > 0 ? wait * w : 0) + (l > 0 ? lateW * l : 0);
      w = ei - tba - sj - lj;
      l = ej + sj + tba - li;
      const ji = dba + (w > 0 ? wait * w : 0) + (l > 0 ? lateW * l : 0);
      const key = ij < ji ? ij : ji;
      if (corr === k + 1 && key > corrKey[k]!) continue;
      for (const member of group) corr = keepByKeyAndJob(corrKey, corrJob, corr, k + 1, key, member);
    }
    lists.push(corrJob.slice(0, corr));
  }
  for (let i = 0; i < nJobs; i++) {
    neighbours.push(withoutSelf(nearest.get(jobLoc[i]!)!, i, k));
    granularNeighbours.push(withoutSelf(lists[groupOf[i]!]!, i, k));
  }
  return { neighbours, granularNeighbours };
}

/** Jobs grouped by place, window bounds and service time; each group's jobs in index order. */
function alikeJobs(
  nJobs: number,
  jobLoc: Int32Array,
  early: Float64Array,
  late: Float64Array,
  service: Float64Array,
): { groupOf: Int32Array; members: number[][] } {
  const groupOf = new Int32Array(nJobs);
  const members: number[][] = [];
  const byKey = new Map<string, number>();
  for (let j = 0; j < nJobs; j++) {
    const key = `${jobLoc[j]},${early[j]},${late[j]},${service[j]}`;
    let g = byKey.get(key);
    if (g === undefined) {
      g = members.length;
      byKey.set(key, g);
      members.push([]);
    }
    groupOf[j] = g;
    members[g]!.push(j);
  }
  return { groupOf, members };
}

/** Sorted-list insertion of (key, job) into the k best so far, ties by job index; returns the new size. */
function keepByKeyAndJob(
  keys: Float64Array,
  jobs: Int32Array,
  size: number,
  k: number,
  key: number,
  job: number,
): number {
  if (size === k && (keys[k - 1]! < key || (keys[k - 1] === key && jobs[k - 1]! < job))) return size;
  let p = size < k ? size++ : k - 1;
  while (p > 0 && (keys[p - 1]! > key || (keys[p - 1] === key && jobs[p - 1]! > job))) {
    keys[p] = keys[p - 1]!;
    jobs[p] = jobs[p - 1]!;
    p--;
  }
  keys[p] = key;
  jobs[p] = job;
  return size;
}

/**
 * The k + 1 nearest jobs of each job location by the sum of both travel directions, ties by job
 * index: a job's k nearest other jobs are its location's list without itself. Jobs share
 * locations (a day's thousands of jobs fall on far fewer places), so this is asked per
 * location, not per job.
 */
function nearestByLocation(
  nJobs: number,
  jobLoc: Int32Array,
  dur: Float64Array,
  dist: Float64Array,
  nLocs: number,
  symmetric: boolean,
  k: number,
): Map<number, Int32Array> {
  const out = new Map<number, Int32Array>();
  const keys = new Float64Array(k + 2);
  const found = new Int32Array(k + 2);
  for (let i = 0; i < nJobs; i++) {
    const a = jobLoc[i]!;
    if (out.has(a)) continue;
    const row = a * nLocs;
    let size = 0;
    for (let j = 0; j < nJobs; j++) {
      const b = jobLoc[j]!;
      const dab = dist[row + b]!;
      const tab = dur[row + b]!;
      const dba = symmetric ? dab : dist[b * nLocs + a]!;
      const tba = symmetric ? tab : dur[b * nLocs + a]!;
      size = keepByKeyAndJob(keys, found, size, k + 1, dab + dba + DURATION_TIE_BREAK * (tab + tba), j);
    }
    out.set(a, found.slice(0, size));
  }
  return out;
}

/** The first k jobs of a location's nearest list, leaving out the job itself. */
function withoutSelf(list: Int32Array, self: number, k: number): Int32Array {
  const out = new Int32Array(Math.min(k, list.length - (list.includes(self) ? 1 : 0)));
  let n = 0;
  for (let q = 0; q < list.length && n < out.length; q++) if (list[q] !== self) out[n++] = list[q]!;
  return out;
}
