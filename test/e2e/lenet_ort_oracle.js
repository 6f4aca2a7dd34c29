#!/usr/bin/env node
// End-to-end test with onnxruntime as an independent oracle: compiles an ONNX
// model with spec2c for an overlay target (calibrated on Fashion-MNIST), runs
// the first N Fashion-MNIST test images through the compiled program on the
// C-simulation (spec2-run, one call per image, cores-many calls at a time) and
// through onnxruntime (CPU), and fails unless, for every image,
//   max_k |logit_spec2[k] - logit_ort[k]|  <=  tol * (max_k logit_ort - min_k logit_ort)
// and the argmax agrees on at least ceil(min_agree * N) images.
//
//   node lenet_ort_oracle.js --spec2c BIN --spec2-run BIN --model MODEL.onnx
//       --work-dir DIR [--target small] [--calib fashion-mnist] [--images 100]
//       [--tol 0.02] [--min-agree 0.99] [--jobs N]
//
// Needs test/e2e/ort/install.sh to have run (CTest's e2e-ort-install fixture).
// Exit status 0 = pass, 1 = fail (with the reason on stderr).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const {execFile} = require('child_process');
const ortlib = require('./ort/ort.js');

const TOOL = 'lenet_ort_oracle';

function die(message) {
  process.stderr.write(`${TOOL}: FAIL: ${message}\n`);
  process.exit(1);
}

function parse(argv) {
  const o = {target: 'small', calib: 'fashion-mnist', images: 100, tol: 0.02,
             'min-agree': 0.99, jobs: 0};
  for (let i = 0; i < argv.length; ++i) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) die(`unexpected argument '${argv[i]}'`);
    const v = m[2] !== undefined ? m[2] : argv[++i];
    if (v === undefined) die(`--${m[1]} needs a value`);
    o[m[1]] = ['images', 'tol', 'min-agree', 'jobs'].includes(m[1]) ? Number(v) : v;
  }
  for (const k of ['spec2c', 'spec2-run', 'model', 'work-dir'])
    if (!o[k]) die(`missing --${k}`);
  return o;
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, {maxBuffer: 16 << 20}, (err, stdout, stderr) => {
      if (err)
        reject(new Error(`${path.basename(cmd)} ${args.join(' ')}: ` +
                         `${err.code !== undefined ? 'exit ' + err.code : err.message}\n${stderr}`));
      else resolve({stdout, stderr});
    });
  });
}

async function pool(items, jobs, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({length: Math.max(1, jobs)}, worker));
}

async function main() {
  const o = parse(process.argv.slice(2));
  const t0 = Date.now();
  const work = o['work-dir'];
  fs.rmSync(work, {recursive: true, force: true});
  const inDir = path.join(work, 'inputs'), simDir = path.join(work, 'spec2'),
        ortDir = path.join(work, 'ort');
  for (const d of [inDir, simDir, ortDir]) fs.mkdirSync(d, {recursive: true});

  // 1. Compile.
  const prog = path.join(work, `model.${o.target}.s2b`);
  try {
    await run(o.spec2c, [o.model, '-o', prog, '--target', o.target, `--calib=${o.calib}`]);
  } catch (e) {
    die(`spec2c failed: ${e.message}`);
  }
  const tCompile = Date.now();

  // 2. The first N test images as .npy (float32 [1,1,28,28] = pixels/255).
  const ds = ortlib.loadFashionMnistTest('fashion-mnist', o.images);
  const n = ds.images.length;
  if (n !== o.images) die(`asked for ${o.images} images, the dataset has ${n}`);
  const files = ds.images.map((x, i) => {
    const f = path.join(inDir, `img${String(i).padStart(5, '0')}.npy`);
    ortlib.writeNpy(f, 'float32', [1, 1, ds.h, ds.w], x);
    return f;
  });

  // 3. The compiled program on the C-simulation, one spec2-run per image.
  const jobs = o.jobs > 0 ? o.jobs : ortlib.cores();
  const simArgmax = new Array(n);
  let cycles = null;
  try {
    await pool(files, jobs, async (f, i) => {
      const out = path.join(simDir, path.basename(f));
      const {stdout} = await run(o['spec2-run'], [prog, '--input', f, '--output', out, '--json']);
      const j = JSON.parse(stdout);
      simArgmax[i] = j.argmax;
      cycles = j.modeled_cycles;
    });
  } catch (e) {
    die(`spec2-run failed: ${e.message}`);
  }
  const tSim = Date.now();

  // 4. onnxruntime on the same .npy files (read back from disk, as spec2-run did).
  const ort = ortlib.loadOrt();
  const session = await ortlib.createSession(ort, o.model, ortlib.cores());
  const ortLogits = [];
  for (const f of files) {
    const x = ortlib.readNpy(f);
    const res = await session.run({[session.inputNames[0]]: new ort.Tensor(x.dtype, x.data, x.shape)});
    ortLogits.push(Float32Array.from(res[session.outputNames[0]].data));
  }
  const tOrt = Date.now();

  // 5. Compare.
  const rows = [];
  let agree = 0, simCorrect = 0, ortCorrect = 0;
  const problems = [];
  for (let i = 0; i < n; ++i) {
    const sim = ortlib.readNpy(path.join(simDir, path.basename(files[i])));
    const ref = ortLogits[i];
    if (sim.dtype !== 'float32' || sim.data.length !== ref.length)
      die(`image ${i}: spec2-run output is ${sim.dtype} [${sim.shape}], onnxruntime's has ${ref.length} floats`);
    let maxDiff = 0, lo = Infinity, hi = -Infinity;
    for (let k = 0; k < ref.length; ++k) {
      if (!Number.isFinite(sim.data[k])) problems.push(`image ${i}: spec2 logit ${k} is ${sim.data[k]}`);
      maxDiff = Math.max(maxDiff, Math.abs(sim.data[k] - ref[k]));
      lo = Math.min(lo, ref[k]);
      hi = Math.max(hi, ref[k]);
    }
    const range = hi - lo;
    const rel = range > 0 ? maxDiff / range : (maxDiff > 0 ? Infinity : 0);
    const a = ortlib.argmax(sim.data), b = ortlib.argmax(ref);
    if (a !== simArgmax[i])
      problems.push(`image ${i}: spec2-run --json says argmax ${simArgmax[i]}, its --output has argmax ${a}`);
    if (a === b) ++agree;
    if (a === ds.labels[i]) ++simCorrect;
    if (b === ds.labels[i]) ++ortCorrect;
    rows.push({i, rel, maxDiff, range, a, b});
  }
  const worst = rows.reduce((w, r) => (r.rel > w.rel ? r : w), rows[0]);
  const over = rows.filter(r => !(r.rel <= o.tol));
  const needAgree = Math.ceil(o['min-agree'] * n - 1e-9);

  console.log(`${TOOL}: ${path.basename(o.model)} on '${o.target}' (calib ${o.calib}), ` +
              `${n} Fashion-MNIST test images, onnxruntime-node ${ortlib.ortVersion()} as oracle`);
  console.log(`  worst relative logit error ${(100 * worst.rel).toFixed(3)}% of the logit range ` +
              `(image ${worst.i}: max |diff| ${worst.maxDiff.toPrecision(4)}, ORT range ${worst.range.toPrecision(4)}); ` +
              `limit ${(100 * o.tol).toFixed(3)}%`);
  const sorted = [...rows].sort((x, y) => y.rel - x.rel);
  console.log(`  median relative error ${(100 * sorted[n >> 1].rel).toFixed(3)}%; worst five: ` +
              sorted.slice(0, 5).map(r => `#${r.i} ${(100 * r.rel).toFixed(3)}%`).join(', '));
  console.log(`  argmax agreement ${agree}/${n} (need ${needAgree}); accuracy vs labels: ` +
              `spec2 ${simCorrect}/${n}, onnxruntime ${ortCorrect}/${n}`);
  console.log(`  modeled cycles per image ${cycles}; times: compile ${((tCompile - t0) / 1000).toFixed(2)} s, ` +
              `C-simulation ${((tSim - tCompile) / 1000).toFixed(2)} s (${jobs} at a time), ` +
              `onnxruntime ${((tOrt - tSim) / 1000).toFixed(2)} s, total ${((Date.now() - t0) / 1000).toFixed(2)} s`);

  const failures = [...problems];
  if (over.length)
    failures.push(`${over.length} image(s) over the ${(100 * o.tol).toFixed(3)}% limit: ` +
                  over.slice(0, 10).map(r => `#${r.i} ${(100 * r.rel).toFixed(3)}%`).join(', '));
  if (agree < needAgree) {
    const bad = rows.filter(r => r.a !== r.b).slice(0, 10);
    failures.push(`argmax agrees on ${agree}/${n}, need ${needAgree}; disagreeing: ` +
                  bad.map(r => `#${r.i} spec2 ${r.a} ort ${r.b}`).join(', '));
  }
  if (failures.length) die(failures.join('\n  '));
  console.log(`${TOOL}: PASS`);
}

main().catch(e => die(e.stack || String(e)));
