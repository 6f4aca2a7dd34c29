#!/usr/bin/env node
// Simulator speed benchmark: LeNet images/s on the overlay's C-simulation
// (spec2-run on a compiled .s2b, for each target) against onnxruntime (CPU) on
// the same ONNX model and the same Fashion-MNIST test images, in one run on one
// machine, all cores for both. See bench/README.md.
//
//   node bench/sim_vs_ort.js [--limit 2000] [--repeats 3] [--targets small,u200]
//       [--build-dir build] [--model models/lenet_fmnist.onnx]
//       [--out bench/results/sim_vs_ort.json]
//
// Each measurement is one whole tool invocation; the figure taken is the tool's
// own images_per_s (inference only: dataset loading, program loading / session
// creation are outside its clock). The configurations run in turn, round after
// round (sim small, sim u200, ort, ort-throughput, then again), so a drift in
// the machine's speed spreads over all of them; the medians are reported.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const {execFileSync} = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const ORT_DIR = path.join(ROOT, 'test', 'e2e', 'ort');
const TOOL = 'sim_vs_ort';

function die(message) {
  process.stderr.write(`${TOOL}: error: ${message}\n`);
  process.exit(1);
}

function parse(argv) {
  const o = {limit: 2000, repeats: 3, targets: 'small,u200', 'build-dir': 'build',
             model: 'models/lenet_fmnist.onnx',
             out: path.join('bench', 'results', 'sim_vs_ort.json')};
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--help' || argv[i] === '-h') {
      process.stdout.write(fs.readFileSync(__filename, 'utf8').split('\n').slice(1, 17)
                               .map(l => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
      process.exit(0);
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m || !(m[1] in o)) die(`unknown argument '${argv[i]}' (see --help)`);
    const v = m[2] !== undefined ? m[2] : argv[++i];
    if (v === undefined) die(`--${m[1]} needs a value`);
    o[m[1]] = ['limit', 'repeats'].includes(m[1]) ? Number(v) : v;
  }
  if (!(o.limit > 0) || !(o.repeats > 0)) die('--limit and --repeats must be positive');
  return o;
}

function runJson(cmd, args) {
  let out;
  try {
    out = execFileSync(cmd, args, {encoding: 'utf8', maxBuffer: 16 << 20,
                                   stdio: ['ignore', 'pipe', 'pipe']});
  } catch (e) {
    die(`${cmd} ${args.join(' ')} failed (exit ${e.status}): ${(e.stderr || '').trim()}`);
  }
  const line = out.trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch (e) {
    die(`${cmd} ${args.join(' ')}: no JSON on stdout: ${line}`);
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function cores() {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism()
                                                       : os.cpus().length;
}

function gitDescribe() {
  try {
    const head = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'],
                              {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim();
    const dirty = execFileSync('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no'],
                               {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim();
    return head + (dirty ? ' (with uncommitted changes)' : '');
  } catch (e) {
    return null;
  }
}

/// The command as one would type it from the repository root.
function displayCommand(c, work) {
  const show = a => (a.startsWith(work) ? path.basename(a)
                     : a.startsWith(ROOT + path.sep) ? path.relative(ROOT, a) : a);
  const cmd = c.cmd === process.execPath ? 'node' : show(c.cmd);
  return [cmd, ...c.args.map(show)].join(' ');
}

function main() {
  const o = parse(process.argv.slice(2));
  process.chdir(ROOT);
  const bin = path.resolve(o['build-dir'], 'bin');
  const spec2c = path.join(bin, 'spec2c'), spec2run = path.join(bin, 'spec2-run');
  for (const t of [spec2c, spec2run])
    if (!fs.existsSync(t)) die(`${t} not found; build first (bash scripts/build.sh)`);
  const model = path.resolve(o.model);
  if (!fs.existsSync(model)) die(`${model}: no such file`);
  const targets = o.targets.split(',').filter(Boolean);

  // onnxruntime-node, installed when missing.
  try {
    execFileSync('bash', [path.join(ORT_DIR, 'install.sh')], {stdio: ['ignore', 'ignore', 'inherit']});
  } catch (e) {
    die('test/e2e/ort/install.sh failed');
  }
  const ortVersion = require(path.join(ORT_DIR, 'node_modules', 'onnxruntime-node', 'package.json')).version;

  // Compile once per target (calibrated on the training set, as the tests do).
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sim_vs_ort-'));
  const programs = {};
  for (const t of targets) {
    programs[t] = path.join(work, `lenet.${t}.s2b`);
    try {
      execFileSync(spec2c, [model, '-o', programs[t], '--target', t, '--calib=fashion-mnist'],
                   {stdio: ['ignore', 'ignore', 'pipe']});
    } catch (e) {
      die(`spec2c for '${t}' failed: ${(e.stderr || '').toString().trim()}`);
    }
  }

  const n = cores();
  const configs = [];
  for (const t of targets)
    configs.push({key: `sim_${t}`, label: `C-simulation (${t})`,
                  cmd: spec2run, args: [programs[t], '--dataset', 'fashion-mnist',
                                        '--limit', String(o.limit), '--json']});
  const ortJs = path.join(ORT_DIR, 'ort.js');
  configs.push({key: 'ort', label: `onnxruntime ${ortVersion} (intra-op ${n})`,
                cmd: process.execPath,
                args: [ortJs, 'dataset', model, '--limit', String(o.limit)]});
  configs.push({key: 'ort_throughput', label: `onnxruntime ${ortVersion} (1 thread x ${n} in flight)`,
                cmd: process.execPath,
                args: [ortJs, 'dataset', model, '--limit', String(o.limit),
                       '--threads', '1', '--inflight', String(n)]});

  const started = new Date();
  const loadBefore = os.loadavg();
  const runs = Object.fromEntries(configs.map(c => [c.key, []]));
  for (let r = 0; r < o.repeats; ++r)
    for (const c of configs) {
      const t0 = process.hrtime.bigint();
      const j = runJson(c.cmd, c.args);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      if (j.images !== o.limit) die(`${c.label}: ran ${j.images} images, expected ${o.limit}`);
      runs[c.key].push({images_per_s: j.images_per_s, seconds: j.seconds,
                        process_wall_seconds: wall, accuracy: j.accuracy,
                        modeled_cycles: j.modeled_cycles ?? null,
                        modeled_ms: j.modeled_ms ?? null});
      process.stderr.write(`${TOOL}: round ${r + 1}/${o.repeats} ${c.label}: ` +
                           `${j.images_per_s.toFixed(1)} images/s\n`);
    }
  const loadAfter = os.loadavg();
  fs.rmSync(work, {recursive: true, force: true});

  const summary = {};
  for (const c of configs) {
    const rs = runs[c.key];
    const s = {
      executor: c.label,
      command: displayCommand(c, work),
      images_per_s_median: median(rs.map(x => x.images_per_s)),
      images_per_s_min: Math.min(...rs.map(x => x.images_per_s)),
      images_per_s_max: Math.max(...rs.map(x => x.images_per_s)),
      seconds_median: median(rs.map(x => x.seconds)),
      accuracy: rs[0].accuracy,
      runs: rs,
    };
    if (rs[0].modeled_ms) {
      s.modeled_cycles_per_image = rs[0].modeled_cycles;
      s.modeled_ms_per_image = rs[0].modeled_ms;
      s.modeled_images_per_s = 1000 / rs[0].modeled_ms;
    }
    summary[c.key] = s;
  }
  const ratio = {}, ratioThroughput = {};
  for (const t of targets) {
    ratio[t] = summary.ort.images_per_s_median / summary[`sim_${t}`].images_per_s_median;
    ratioThroughput[t] =
        summary.ort_throughput.images_per_s_median / summary[`sim_${t}`].images_per_s_median;
  }

  const result = {
    benchmark: 'sim_vs_ort',
    date: started.toISOString(),
    machine: {
      cores: n,
      cpu: (os.cpus()[0] || {}).model || null,
      memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      load_average_1min_before: +loadBefore[0].toFixed(2),
      load_average_1min_after: +loadAfter[0].toFixed(2),
    },
    software: {spec2c_commit: gitDescribe(), node: process.version,
               onnxruntime_node: ortVersion},
    model: path.relative(ROOT, model),
    dataset: 'fashion-mnist test set, first N images in file order, float32 [1,1,28,28] = pixels/255',
    images: o.limit,
    repeats: o.repeats,
    figure: 'images_per_s as reported by each tool (inference only, all cores); medians over the repeats',
    sim: Object.fromEntries(targets.map(t => [t, summary[`sim_${t}`]])),
    ort: summary.ort,
    ort_throughput: summary.ort_throughput,
    ratio_ort_over_sim: ratio,
    ratio_ort_throughput_over_sim: ratioThroughput,
  };
  const out = path.resolve(o.out);
  fs.mkdirSync(path.dirname(out), {recursive: true});
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');

  // Short table.
  const rows = [['executor', 'images/s (median)', 'min..max', 'accuracy', 'ort/this']];
  for (const c of configs) {
    const s = summary[c.key];
    const sim = c.key.startsWith('sim_');
    rows.push([c.label, s.images_per_s_median.toFixed(1),
               `${s.images_per_s_min.toFixed(0)}..${s.images_per_s_max.toFixed(0)}`,
               s.accuracy.toFixed(4),
               sim ? ratio[c.key.slice(4)].toFixed(2) : '']);
  }
  const widths = rows[0].map((_, k) => Math.max(...rows.map(r => r[k].length)));
  console.log(`sim_vs_ort: ${o.limit} Fashion-MNIST images, ${o.repeats} repeats, ${n} cores, ${result.date}`);
  for (const r of rows)
    console.log(r.map((x, k) => (k === 0 ? x.padEnd(widths[k]) : x.padStart(widths[k]))).join('  '));
  for (const t of targets) {
    const s = summary[`sim_${t}`];
    if (s.modeled_ms_per_image)
      console.log(`modeled overlay (${t}): ${s.modeled_cycles_per_image} cycles = ` +
                  `${s.modeled_ms_per_image.toFixed(4)} ms/image = ${s.modeled_images_per_s.toFixed(0)} images/s`);
  }
  console.log(`wrote ${out.startsWith(ROOT + path.sep) ? path.relative(ROOT, out) : out}`);
}

main();
