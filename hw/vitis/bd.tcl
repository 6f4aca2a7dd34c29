# Vivado block design of the spec2 overlay, packaged as one XRT kernel (.xo).
#
# NOT RUN HERE: Vivado is not installed on the machines this project is
# developed on, so this script has never been executed. It is written for
# Vivado 2023.x from the documentation and from TVM VTA's hardware build
# (hardware/xilinx/scripts/vivado.tcl), whose structure it follows: the HLS
# IPs (fetch, load, store, and the compute module's dispatcher, units and
# retire kernel), true-dual-port block memories shared between them,
# AXI4-Stream FIFOs for the instruction, token and unit-event queues. Interface and pin names
# are those Vitis HLS normally generates; check them against the IPs.
#
# Environment (set by the Makefile):
#   SPEC2_HLS_DIR    directory holding <kernel>/sol/impl/ip of the 8 kernels
#   SPEC2_GEN_DIR    directory of the generated spec2_config.h
#   SPEC2_PART       FPGA part
#   SPEC2_CLOCK_MHZ  clock_mhz of the configuration
#   SPEC2_XO         output .xo path
set hls   $::env(SPEC2_HLS_DIR)
set part  $::env(SPEC2_PART)
set clock $::env(SPEC2_CLOCK_MHZ)

# Configuration values, read from the generated header (one "<n>u, // <key>"
# line per field), so the JSON file stays the single source.
set header [read [open $::env(SPEC2_GEN_DIR)/spec2_config.h]]
proc cfg {key} {
  if {![regexp "(\[0-9\]+)u, // $key\n" $::header -> v]} {
    error "spec2_config.h has no '$key'"
  }
  return $v
}

# Queue depths. The C-simulation's queues are unbounded; these are not
# (docs/isa.md, sections 1, 8 and 13). Inside the compute module: a unit is
# free when the dispatcher hands it an instruction, so 2 words suffice; a
# unit's events are read before the next instruction goes to it, except an
# SCONV's "finished" (taken in passing, at most two outstanding); the
# retire FIFO bounds the compute instructions in flight.
set insn_fifo_depth  512
set token_fifo_depth 1024
set unit_fifo_depth  2
set event_fifo_depth 4
set retire_fifo_depth 64

create_project -force spec2_overlay ./vivado -part $part
set_property ip_repo_paths [glob $hls/*/sol/impl/ip] [current_project]
update_ip_catalog
create_bd_design spec2_overlay

# --- clock, reset, host control -------------------------------------------
create_bd_port -dir I -type clk -freq_hz [expr {$clock * 1000000}] ap_clk
create_bd_port -dir I -type rst ap_rst_n
set_property CONFIG.POLARITY ACTIVE_LOW [get_bd_ports ap_rst_n]
set ctrl [create_bd_intf_port -mode Slave -vlnv xilinx.com:interface:aximm_rtl:1.0 s_axi_control]
set_property -dict [list CONFIG.PROTOCOL AXI4LITE CONFIG.ADDR_WIDTH 16 CONFIG.DATA_WIDTH 32] $ctrl
set xbar [create_bd_cell -type ip -vlnv xilinx.com:ip:smartconnect:1.0 ctrl_xbar]
set_property -dict [list CONFIG.NUM_SI 1 CONFIG.NUM_MI 7] $xbar
connect_bd_intf_net $ctrl [get_bd_intf_pins ctrl_xbar/S00_AXI]

# --- the kernels -------------------------------------------------------------
# Those with AXI-lite registers (control and/or counters), in register-window
# order; spec2_retire has none (free-running, streams only).
set kernels {spec2_fetch spec2_load spec2_compute spec2_store spec2_fft spec2_sconv spec2_vector}
foreach k $kernels i {0 1 2 3 4 5 6} {
  create_bd_cell -type ip -vlnv spec2:hls:$k:1.0 $k
  connect_bd_intf_net [get_bd_intf_pins ctrl_xbar/M0${i}_AXI] [get_bd_intf_pins $k/s_axi_control]
}
create_bd_cell -type ip -vlnv spec2:hls:spec2_retire:1.0 spec2_retire
connect_bd_net [get_bd_ports ap_clk] \
  [get_bd_pins -of [get_bd_cells] -filter {TYPE == clk}]
connect_bd_net [get_bd_ports ap_rst_n] \
  [get_bd_pins -of [get_bd_cells] -filter {TYPE == rst}]

# Host-visible register map, used through xrt::ip: 8 KiB per kernel, all
# inside 64 KiB, the register space XRT 2.13's xrt::ip allows
# (hw/include/spec2/host_regs.h holds the same offsets for the host).
foreach k $kernels offset {0x0000 0x2000 0x4000 0x6000 0x8000 0xA000 0xC000} {
  assign_bd_address -offset $offset -range 8K \
    -target_address_space [get_bd_addr_spaces s_axi_control] \
    [get_bd_addr_segs $k/s_axi_control/Reg]
}

# DRAM: the instruction fetch port and the two DMA ports become the kernel's
# AXI4 masters (mapped to a DDR bank in link.cfg).
foreach {pin port} {
  spec2_fetch/m_axi_ins_port  m_axi_ins
  spec2_load/m_axi_data_port  m_axi_load
  spec2_store/m_axi_data_port m_axi_store
} {
  make_bd_intf_pins_external [get_bd_intf_pins $pin]
  set_property name $port [get_bd_intf_ports -of [get_bd_intf_nets -of [get_bd_intf_pins $pin]]]
}
set_property CONFIG.ASSOCIATED_BUSIF {s_axi_control:m_axi_ins:m_axi_load:m_axi_store} [get_bd_ports ap_clk]
set_property CONFIG.ASSOCIATED_RESET ap_rst_n [get_bd_ports ap_clk]

# --- instruction, token and unit queues: AXI4-Stream FIFOs -----------------
# {fifo  producer-pin  consumer-pin  bytes  depth}
set queues [list \
  [list load_q    spec2_fetch/loadQ    spec2_load/queue    32 $insn_fifo_depth] \
  [list compute_q spec2_fetch/computeQ spec2_compute/queue 32 $insn_fifo_depth] \
  [list store_q   spec2_fetch/storeQ   spec2_store/queue   32 $insn_fifo_depth] \
  [list l2c_q     spec2_load/l2c       spec2_compute/l2c   1 $token_fifo_depth] \
  [list c2l_q     spec2_retire/c2l     spec2_load/c2l      1 $token_fifo_depth] \
  [list c2s_q     spec2_retire/c2s     spec2_store/c2s     1 $token_fifo_depth] \
  [list s2c_q     spec2_store/s2c      spec2_compute/s2c   1 $token_fifo_depth] \
  [list fft_q     spec2_compute/fftQ    spec2_fft/queue    32 $unit_fifo_depth] \
  [list sconv_q   spec2_compute/sconvQ  spec2_sconv/queue  32 $unit_fifo_depth] \
  [list vector_q  spec2_compute/vectorQ spec2_vector/queue 32 $unit_fifo_depth] \
  [list fft_fin   spec2_fft/finished      spec2_compute/fftFinished   1 $event_fifo_depth] \
  [list sconv_rel spec2_sconv/released    spec2_compute/sconvReleased 1 $event_fifo_depth] \
  [list sconv_fin spec2_sconv/finished    spec2_compute/sconvFinished 1 $event_fifo_depth] \
  [list vector_ev spec2_vector/events     spec2_compute/vectorEvents  1 $event_fifo_depth] \
  [list retire_q  spec2_compute/retireQ   spec2_retire/retireQ        3 $retire_fifo_depth] \
  [list fft_ret   spec2_fft/finishedRetire    spec2_retire/fftFinished    1 $retire_fifo_depth] \
  [list sconv_ret spec2_sconv/finishedRetire  spec2_retire/sconvFinished  1 $retire_fifo_depth] \
  [list vector_ret spec2_vector/finishedRetire spec2_retire/vectorFinished 1 $retire_fifo_depth]]
foreach q $queues {
  lassign $q name from to bytes depth
  set fifo [create_bd_cell -type ip -vlnv xilinx.com:ip:axis_data_fifo:2.0 $name]
  set_property -dict [list CONFIG.TDATA_NUM_BYTES $bytes CONFIG.FIFO_DEPTH $depth] $fifo
  connect_bd_intf_net [get_bd_intf_pins $from] [get_bd_intf_pins $name/S_AXIS]
  connect_bd_intf_net [get_bd_intf_pins $name/M_AXIS] [get_bd_intf_pins $to]
  connect_bd_net [get_bd_ports ap_clk] [get_bd_pins $name/s_axis_aclk]
  connect_bd_net [get_bd_ports ap_rst_n] [get_bd_pins $name/s_axis_aresetn]
}

# --- on-chip buffers: block memories shared between kernels ----------------
# {member  width-bits  depth  users}, each user {kernel port}: the port of the
# kernel's IP (buf_<member>_PORTA, or _PORTB for a kernel that asked for two,
# hls.tcl) goes to the next free port of the true-dual-port memory. Widths
# are those of the C types in hw/src/overlay.h; one bank per buffer (the
# banking of docs/isa.md section 10 needs ARRAY_PARTITION in the HLS source
# and one memory per bank here, named buf_<member>_<i>_PORTA).
set buffers [list \
  [list inp   16 [cfg "buffers inp"]  {{spec2_load A} {spec2_fft A} {spec2_vector A}}] \
  [list ker   48 [cfg "buffers ker"]  {{spec2_load A} {spec2_sconv A} {spec2_vector A}}] \
  [list bias  32 [cfg "buffers bias"] {{spec2_load A} {spec2_vector A}}] \
  [list fcx   16 [cfg "buffers fcx"]  {{spec2_load A} {spec2_vector A}}] \
  [list out   16 [cfg "buffers out"]  {{spec2_vector A} {spec2_store A}}] \
  [list spec  32 [cfg "buffers spec"] {{spec2_fft A} {spec2_sconv A}}] \
  [list oacc  32 [cfg "buffers oacc"] {{spec2_sconv A} {spec2_sconv B} {spec2_vector A} {spec2_vector B}}] \
  [list facc  64 [cfg "buffers facc"] {{spec2_vector A} {spec2_vector B}}]]
# Memories with more users than ports: INP and KER are read by two compute
# units, OACC read and written by two. They need the arbitration or the
# split described in hw/README.md ("Before a first synthesis run"), which
# this script does not build yet: it stops here rather than produce a design
# that would be wrong.
set unresolved {}
foreach b $buffers {
  if {[llength [lindex $b 3]] > 2} {
    lappend unresolved "[lindex $b 0] ([llength [lindex $b 3]] users: [lindex $b 3])"
  }
}
if {[llength $unresolved] > 0} {
  error "bd.tcl: memories with more users than ports: [join $unresolved {; }]; see hw/README.md"
}
foreach b $buffers {
  lassign $b m width depth users
  set mem [create_bd_cell -type ip -vlnv xilinx.com:ip:blk_mem_gen:8.4 mem_$m]
  # As VTA: stand-alone true dual port, byte-addressed 32-bit addresses to
  # match the HLS "bram" interface.
  set_property -dict [list \
    CONFIG.Memory_Type True_Dual_Port_RAM CONFIG.Enable_32bit_Address true \
    CONFIG.Use_Byte_Write_Enable true CONFIG.Byte_Size 8 \
    CONFIG.Write_Width_A $width CONFIG.Read_Width_A $width \
    CONFIG.Write_Width_B $width CONFIG.Read_Width_B $width \
    CONFIG.Write_Depth_A $depth CONFIG.Enable_B Use_ENB_Pin \
    CONFIG.Use_RSTA_Pin true CONFIG.Use_RSTB_Pin true \
    CONFIG.Register_PortA_Output_of_Memory_Primitives false \
    CONFIG.Register_PortB_Output_of_Memory_Primitives false] $mem
  # The resource model's rule: banks of 32 KiB or more go to UltraRAM.
  if {[cfg "device uram"] > 0 && $depth * $width / 8 >= 32768} {
    set_property CONFIG.PRIM_type_to_Implement URAM $mem
  }
  foreach user $users side {A B} {
    lassign $user k p
    connect_bd_intf_net [get_bd_intf_pins $k/buf_${m}_PORT$p] [get_bd_intf_pins mem_$m/BRAM_PORT$side]
  }
}

assign_bd_address
validate_bd_design
save_bd_design

# --- package as an RTL kernel ------------------------------------------------
# user_managed: the host drives the kernels' own control registers through
# xrt::ip (hw/README.md); the compute units and spec2_retire are
# free-running and need no start.
add_files -norecurse [make_wrapper -files [get_files spec2_overlay.bd] -top]
set_property top spec2_overlay_wrapper [current_fileset]
update_compile_order -fileset sources_1

ipx::package_project -root_dir ./ip -vendor spec2 -library kernel \
  -taxonomy /KernelIP -import_files -set_current true
set core [ipx::current_core]
set_property name spec2_overlay $core
set_property sdx_kernel true $core
set_property sdx_kernel_type rtl $core
set_property ipi_drc {ignore_freq_hz true} $core
set_property vitis_drc {ctrl_protocol user_managed} $core
foreach busif {s_axi_control m_axi_ins m_axi_load m_axi_store} {
  ipx::associate_bus_interfaces -busif $busif -clock ap_clk $core
}
ipx::create_xgui_files $core
ipx::update_checksums $core
ipx::save_core $core

package_xo -force -xo_path $::env(SPEC2_XO) -kernel_name spec2_overlay \
  -ip_directory ./ip -ctrl_protocol user_managed
exit
