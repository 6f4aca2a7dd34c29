// The declared spec2.* attributes (dialects/Spec2/Spec2Dialect.td): an
// unknown name, a wrong type or an invalid value is refused wherever it sits.
// RUN: spec2-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{'spec2.absmx': is not an attribute of spec2}}
func.func @misspelt() attributes {spec2.absmx = 1.0 : f32} { return }

// -----

// expected-error @+1 {{'spec2.absmax': must be a float}}
func.func @wrong_type() attributes {spec2.absmax = 3 : i64} { return }

// -----

// expected-error @+1 {{'spec2.dataflow': must be "activation_reuse" or "kernel_reuse"}}
func.func @bad_dataflow() attributes {spec2.dataflow = "weight_stationary"} { return }

// -----

// expected-error @+1 {{'spec2.tiling': must be array<i64: rows, co_block, ci_block[, 0/1 flags...]> with at most 7 entries}}
func.func @bad_tiling() attributes {spec2.tiling = array<i64: 4, 8, 4, 2>} { return }

// -----

// expected-error @+1 {{'spec2.tilings': must be a dictionary from dataflow names to tilings}}
func.func @bad_tilings() attributes {spec2.tilings = {row_stationary = array<i64: 4, 8, 4>}} { return }

// -----

// expected-error @+1 {{'spec2.frac' of argument 0: must be an integer}}
func.func @bad_arg(%a: tensor<4xf32> {spec2.frac = 1.5 : f32}) { return }

// -----

// expected-error @+1 {{'spec2.tiling' is not an argument attribute of spec2}}
func.func @not_an_arg_attr(%a: tensor<4xf32> {spec2.tiling = array<i64: 1, 8, 4>}) { return }

// -----

// expected-error @+1 {{'spec2.target': spec2.target must be a dictionary with a name, a hash and the configuration's fields}}
module attributes {spec2.target = "u200"} {}

// -----

// A target missing fields.
// expected-error @+1 {{'spec2.target': spec2.target: 'pin' is missing}}
module attributes {spec2.target = {name = "small", hash = 1 : i64, fft_size = 8 : i64}} {}

// -----

// The small target with a field out of range.
// expected-error @+1 {{'spec2.target': spec2.target: 'fft_size' must be a power of two in [4, 16], got 12}}
module attributes {spec2.target = {buffers = {bias = 1024 : i64, facc = 512 : i64, fcx = 1024 : i64, inp = 16384 : i64, ker = 16384 : i64, mid = 8192 : i64, oacc = 16384 : i64, out = 16384 : i64, spec = 2560 : i64}, clock_mhz = 200 : i64, conv_pk = 4 : i64, conv_pout = 4 : i64, conv_px = 2 : i64, ddr_mb_per_s = 12800 : i64, device = {bram18 = 280 : i64, dsp = 220 : i64, uram = 0 : i64}, dma_latency = 64 : i64, fc_lanes = 4 : i64, fft_points_per_cycle = 16 : i64, fft_size = 12 : i64, hash = -260282416469040069 : i64, ifft_points_per_cycle = 16 : i64, name = "small", pin = 2 : i64, pipeline_depth = {conv = 8 : i64, fc = 6 : i64, fft = 16 : i64, ifft = 24 : i64, smac = 6 : i64, vec = 4 : i64}, pout = 4 : i64, spec_banks = 4 : i64, spec_ports = 1 : i64, vec_lanes = 4 : i64}} {}

// -----

// The small target with its FFT size changed by hand: the hash gives it away.
// expected-error @+1 {{'spec2.target': spec2.target: the hash does not match the configuration's fields}}
module attributes {spec2.target = {buffers = {bias = 1024 : i64, facc = 512 : i64, fcx = 1024 : i64, inp = 16384 : i64, ker = 16384 : i64, mid = 8192 : i64, oacc = 16384 : i64, out = 16384 : i64, spec = 2560 : i64}, clock_mhz = 200 : i64, conv_pk = 4 : i64, conv_pout = 4 : i64, conv_px = 2 : i64, ddr_mb_per_s = 12800 : i64, device = {bram18 = 280 : i64, dsp = 220 : i64, uram = 0 : i64}, dma_latency = 64 : i64, fc_lanes = 4 : i64, fft_points_per_cycle = 16 : i64, fft_size = 16 : i64, hash = -260282416469040069 : i64, ifft_points_per_cycle = 16 : i64, name = "small", pin = 2 : i64, pipeline_depth = {conv = 8 : i64, fc = 6 : i64, fft = 16 : i64, ifft = 24 : i64, smac = 6 : i64, vec = 4 : i64}, pout = 4 : i64, spec_banks = 4 : i64, spec_ports = 1 : i64, vec_lanes = 4 : i64}} {}

// -----

// The small target as spec2-set-target attaches it.
module attributes {spec2.target = {buffers = {bias = 1024 : i64, facc = 512 : i64, fcx = 1024 : i64, inp = 16384 : i64, ker = 16384 : i64, mid = 8192 : i64, oacc = 16384 : i64, out = 16384 : i64, spec = 2560 : i64}, clock_mhz = 200 : i64, conv_pk = 4 : i64, conv_pout = 4 : i64, conv_px = 2 : i64, ddr_mb_per_s = 12800 : i64, device = {bram18 = 280 : i64, dsp = 220 : i64, uram = 0 : i64}, dma_latency = 64 : i64, fc_lanes = 4 : i64, fft_points_per_cycle = 16 : i64, fft_size = 8 : i64, hash = -260282416469040069 : i64, ifft_points_per_cycle = 16 : i64, name = "small", pin = 2 : i64, pipeline_depth = {conv = 8 : i64, fc = 6 : i64, fft = 16 : i64, ifft = 24 : i64, smac = 6 : i64, vec = 4 : i64}, pout = 4 : i64, spec_banks = 4 : i64, spec_ports = 1 : i64, vec_lanes = 4 : i64}} {}

// -----

// Valid ones pass.
func.func @fine(%a: tensor<4xf32> {spec2.frac = 14 : i32, spec2.absmax = 1.0 : f32}) attributes {spec2.absmax = 2.0 : f32, spec2.dataflow = "kernel_reuse", spec2.tiling = array<i64: 4, 8, 4, 1, 0>, spec2.tilings = {activation_reuse = array<i64: 4, 8, 4>}} { return }
