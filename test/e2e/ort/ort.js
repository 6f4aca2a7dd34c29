#!/usr/bin/env node
// onnxruntime (CPU, npm package onnxruntime-node) as an independent oracle for
// spec2c: runs an ONNX model on .npy inputs, or over Fashion-MNIST test images.
//
//   node ort.js run MODEL.onnx --out-dir DIR [--threads N] IN.npy...
//       runs each input (a model with one input), writes DIR/<input's base name>
//       holding the first output as .npy (float32 stays float32).
//   node ort.js dataset MODEL.onnx [--dataset fashion-mnist[:DIR]] [--limit N]
//                       [--threads N] [--inflight K] [--repeat R]
//       accuracy over the first N test images (file order), each fed as float32
//       [1,1,28,28] = pixels/255, the spec2-run contract; prints one JSON object:
//       accuracy, images, seconds, images_per_s (+ executor, threads, ...).
//       seconds covers inference and argmax only (dataset loaded and session
//       created before the clock starts); with --repeat R the images are run R
//       times in one process and "runs" lists every pass (the top-level figures
//       are the median pass). --json is accepted and changes nothing.
//   node ort.js export-fmnist --out-dir DIR [--limit N] [--dataset fashion-mnist[:DIR]]
//       writes the first N test images as DIR/img00000.npy ... (float32
//       [1,1,28,28], pixels/255) and DIR/labels.json.
//
// Threads: intra-op threads default to all cores.
// Errors: one line on stderr, "ort.js: error: ...", exit status 1.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');

const TOOL = 'ort.js';
const DEFAULT_FMNIST_DIR = '/usr/share/datasets/fashion-mnist';

function fail(message) {
  process.stderr.write(`${TOOL}: error: ${message}\n`);
  process.exit(1);
}

function loadOrt() {
  try {
    return require('onnxruntime-node');
  } catch (e) {
    fail(`cannot load onnxruntime-node (${e.message.split('\n')[0]}); run ` +
         `${path.join(__dirname, 'install.sh')} first`);
  }
}

function ortVersion() {
  try {
    return require('onnxruntime-node/package.json').version;
  } catch (e) {
    return 'unknown';
  }
}

// ---------------------------------------------------------------------------
// .npy (format 1.0-3.0, C order)

const NPY_TYPES = {
  '<f4': ['float32', Float32Array],
  '<f8': ['float64', Float64Array],
  '<i4': ['int32', Int32Array],
  '<i8': ['int64', BigInt64Array],
  '|u1': ['uint8', Uint8Array],
  '<u1': ['uint8', Uint8Array],
  '|i1': ['int8', Int8Array],
  '<i1': ['int8', Int8Array],
  '<i2': ['int16', Int16Array],
  '<u2': ['uint16', Uint16Array],
  '|b1': ['bool', Uint8Array],
};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY')
    throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  let headerLen, offset;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    offset = 10;
  } else if (major === 2 || major === 3) {
    headerLen = buf.readUInt32LE(8);
    offset = 12;
  } else {
    throw new Error(`${file}: unsupported .npy version ${major}`);
  }
  const header = buf.toString('latin1', offset, offset + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shapeM = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeM)
    throw new Error(`${file}: malformed .npy header`);
  if (fortran[1] === 'True')
    throw new Error(`${file}: Fortran-order arrays are not supported`);
  const type = NPY_TYPES[descr[1]];
  if (!type) throw new Error(`${file}: unsupported dtype '${descr[1]}'`);
  const shape = shapeM[1].split(',').map(s => s.trim()).filter(s => s.length)
                    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const [dtype, Ctor] = type;
  const start = offset + headerLen;
  const bytes = count * Ctor.BYTES_PER_ELEMENT;
  if (buf.length - start < bytes)
    throw new Error(`${file}: truncated data (${buf.length - start} of ${bytes} bytes)`);
  // Copy into an aligned buffer.
  const data = new Ctor(count);
  new Uint8Array(data.buffer).set(buf.subarray(start, start + bytes));
  return {dtype, shape, data};
}

const NPY_DESCR = {
  float32: '<f4', float64: '<f8', int32: '<i4', int64: '<i8', uint8: '|u1',
  int8: '|i1', int16: '<i2', uint16: '<u2', bool: '|b1',
};

function writeNpy(file, dtype, shape, data) {
  const descr = NPY_DESCR[dtype];
  if (!descr) throw new Error(`${file}: cannot write dtype ${dtype}`);
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

// ---------------------------------------------------------------------------
// Fashion-MNIST (gzipped IDX files, as Debian's dataset-fashion-mnist ships)

function readIdx(file) {
  let buf = fs.readFileSync(file);
  if (file.endsWith('.gz')) buf = zlib.gunzipSync(buf);
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0)
    throw new Error(`${file}: bad IDX magic`);
  if (buf[2] !== 0x08) throw new Error(`${file}: IDX type ${buf[2]} is not uint8`);
  const ndim = buf[3];
  const dims = [];
  for (let i = 0; i < ndim; ++i) dims.push(buf.readUInt32BE(4 + 4 * i));
  const start = 4 + 4 * ndim;
  const count = dims.reduce((a, b) => a * b, 1);
  if (buf.length - start < count) throw new Error(`${file}: truncated`);
  return {dims, data: buf.subarray(start, start + count)};
}

function datasetDir(spec) {
  if (spec === 'fashion-mnist') return process.env.FASHION_MNIST_DIR || DEFAULT_FMNIST_DIR;
  if (spec.startsWith('fashion-mnist:')) return spec.slice('fashion-mnist:'.length);
  fail(`unknown dataset '${spec}' (expected fashion-mnist[:DIR])`);
}

/// The first `limit` test images as float32 [1,1,28,28] arrays (pixels/255)
/// and their labels.
function loadFashionMnistTest(spec, limit) {
  const dir = datasetDir(spec);
  let images, labels;
  try {
    images = readIdx(path.join(dir, 't10k-images-idx3-ubyte.gz'));
    labels = readIdx(path.join(dir, 't10k-labels-idx1-ubyte.gz'));
  } catch (e) {
    fail(e.message);
  }
  if (images.dims.length !== 3 || labels.dims.length !== 1 ||
      images.dims[0] !== labels.dims[0])
    fail(`${dir}: image and label files do not match`);
  const [total, h, w] = images.dims;
  const n = limit > 0 ? Math.min(limit, total) : total;
  const px = h * w;
  const xs = [];
  for (let i = 0; i < n; ++i) {
    const x = new Float32Array(px);
    for (let j = 0; j < px; ++j) x[j] = images.data[i * px + j] / 255;
    xs.push(x);
  }
  return {images: xs, labels: Array.from(labels.data.subarray(0, n)), h, w};
}

// ---------------------------------------------------------------------------
// Argument parsing

function parseArgs(argv, flags) {
  const opts = {};
  const positional = [];
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (!(name in flags)) fail(`unknown option --${name}`);
      if (flags[name] === 'bool') {
        opts[name] = true;
        continue;
      }
      let value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) fail(`option --${name} needs a value`);
      if (flags[name] === 'int') {
        if (!/^\d+$/.test(value)) fail(`option --${name} wants a non-negative integer, got '${value}'`);
        value = Number(value);
      }
      opts[name] = value;
    } else {
      positional.push(a);
    }
  }
  return {opts, positional};
}

/// All cores (os.availableParallelism needs node >= 18.14; Debian 12 has 18.20).
function cores() {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism()
                                                       : os.cpus().length;
}

function threadCount(opts) {
  return opts.threads > 0 ? opts.threads : cores();
}

async function createSession(ort, model, threads) {
  if (!fs.existsSync(model)) fail(`${model}: no such file`);
  try {
    return await ort.InferenceSession.create(model, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (e) {
    fail(`${model}: onnxruntime cannot load it: ${e.message.split('\n')[0]}`);
  }
}

function argmax(a) {
  let best = 0;
  for (let i = 1; i < a.length; ++i)
    if (a[i] > a[best]) best = i;
  return best;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// ---------------------------------------------------------------------------
// Commands

async function cmdRun(argv) {
  const {opts, positional} = parseArgs(argv, {'out-dir': 'str', threads: 'int'});
  if (positional.length < 2) fail('usage: ort.js run MODEL.onnx --out-dir DIR IN.npy...');
  if (!opts['out-dir']) fail('run needs --out-dir DIR');
  const [model, ...inputs] = positional;
  const ort = loadOrt();
  const session = await createSession(ort, model, threadCount(opts));
  if (session.inputNames.length !== 1)
    fail(`${model}: has ${session.inputNames.length} inputs; run takes models with one`);
  fs.mkdirSync(opts['out-dir'], {recursive: true});
  const inName = session.inputNames[0], outName = session.outputNames[0];
  for (const file of inputs) {
    let x;
    try {
      x = readNpy(file);
    } catch (e) {
      fail(e.message);
    }
    let out;
    try {
      const res = await session.run({[inName]: new ort.Tensor(x.dtype, x.data, x.shape)});
      out = res[outName];
    } catch (e) {
      fail(`${file}: ${e.message.split('\n')[0]}`);
    }
    const dest = path.join(opts['out-dir'], path.basename(file));
    writeNpy(dest, out.type, out.dims.map(Number), out.data);
  }
}

async function cmdDataset(argv) {
  const {opts, positional} = parseArgs(argv, {
    dataset: 'str', limit: 'int', threads: 'int', inflight: 'int', repeat: 'int',
    json: 'bool'});
  if (positional.length !== 1) fail('usage: ort.js dataset MODEL.onnx [--limit N] [--threads N]');
  const model = positional[0];
  const spec = opts.dataset || 'fashion-mnist';
  const threads = threadCount(opts);
  const inflight = Math.max(1, opts.inflight || 1);
  const repeat = Math.max(1, opts.repeat || 1);
  const ds = loadFashionMnistTest(spec, opts.limit || 0);
  const ort = loadOrt();
  const tSession = process.hrtime.bigint();
  const session = await createSession(ort, model, threads);
  const sessionSeconds = Number(process.hrtime.bigint() - tSession) / 1e9;
  const inName = session.inputNames[0], outName = session.outputNames[0];
  const want = session.inputMetadata && session.inputMetadata[0] &&
               session.inputMetadata[0].shape;
  const shape = [1, 1, ds.h, ds.w];
  if (Array.isArray(want) && want.length === 4 &&
      !want.every((d, i) => typeof d !== 'number' || d === shape[i]))
    fail(`${model}: the model input [${want.join(', ')}] does not take dataset images [${shape.join(', ')}]`);
  const n = ds.images.length;

  const runs = [];
  for (let r = 0; r < repeat; ++r) {
    let correct = 0, next = 0;
    const t0 = process.hrtime.bigint();
    // `inflight` concurrent session.run calls (1 = one image at a time, all
    // cores inside the operators through the intra-op pool).
    const worker = async () => {
      while (next < n) {
        const i = next++;
        const res = await session.run(
            {[inName]: new ort.Tensor('float32', ds.images[i], shape)});
        if (argmax(res[outName].data) === ds.labels[i]) ++correct;
      }
    };
    try {
      await Promise.all(Array.from({length: inflight}, worker));
    } catch (e) {
      fail(`${model}: ${e.message.split('\n')[0]}`);
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    runs.push({accuracy: n ? correct / n : 0, correct, seconds,
               images_per_s: seconds > 0 ? n / seconds : 0});
  }
  const mid = median(runs.map(r => r.seconds));
  const pick = runs.find(r => r.seconds === mid) || runs[0];
  const result = {
    executor: `onnxruntime-node ${ortVersion()} (cpu)`,
    dataset: spec,
    accuracy: pick.accuracy,
    images: n,
    seconds: mid,
    images_per_s: mid > 0 ? n / mid : 0,
    intra_op_threads: threads,
    inflight,
    cores: cores(),
    session_seconds: sessionSeconds,
  };
  if (repeat > 1) result.runs = runs;
  process.stdout.write(JSON.stringify(result) + '\n');
}

function cmdExport(argv) {
  const {opts, positional} = parseArgs(argv, {'out-dir': 'str', limit: 'int', dataset: 'str'});
  if (positional.length || !opts['out-dir'])
    fail('usage: ort.js export-fmnist --out-dir DIR [--limit N]');
  const ds = loadFashionMnistTest(opts.dataset || 'fashion-mnist', opts.limit || 0);
  fs.mkdirSync(opts['out-dir'], {recursive: true});
  const names = [];
  ds.images.forEach((x, i) => {
    const name = `img${String(i).padStart(5, '0')}.npy`;
    writeNpy(path.join(opts['out-dir'], name), 'float32', [1, 1, ds.h, ds.w], x);
    names.push(name);
  });
  fs.writeFileSync(path.join(opts['out-dir'], 'labels.json'),
                   JSON.stringify({files: names, labels: ds.labels}) + '\n');
}

module.exports = {cores, readNpy, writeNpy, readIdx, loadFashionMnistTest, argmax, median,
                  loadOrt, ortVersion, createSession};

if (require.main === module) {
  const [cmd, ...rest] = process.argv.slice(2);
  const commands = {run: cmdRun, dataset: cmdDataset, 'export-fmnist': cmdExport};
  if (!commands[cmd]) {
    process.stderr.write(
        'usage: ort.js run MODEL.onnx --out-dir DIR [--threads N] IN.npy...\n' +
        '       ort.js dataset MODEL.onnx [--dataset fashion-mnist[:DIR]] [--limit N] [--threads N] [--inflight K] [--repeat R]\n' +
        '       ort.js export-fmnist --out-dir DIR [--limit N] [--dataset fashion-mnist[:DIR]]\n');
    process.exit(cmd === '--help' || cmd === '-h' ? 0 : 1);
  }
  Promise.resolve(commands[cmd](rest)).catch(e => fail(e.stack || String(e)));
}
