# Vivado block design of the spec2 overlay, packaged as one XRT kernel (.xo).
#
# NOT RUN HERE: Vivado is not installed on the machines this project is
# developed on, so this script has never been executed. It is written for
# Vivado 2023.x from the documentation and from TVM VTA's hardware build
# (hardware/xilinx/scripts/vivado.tcl), whose structure it follows: four HLS
# IPs, true-dual-port block memories shared between them, AXI4-Stream FIFOs
# for the instruction and dependency-token queues. Interface and pin names
# are those Vitis HLS normally generates; check them against the IPs.
#
# Environment (set by the Makefile):
#   SPEC2_HLS_DIR    directory holding <kernel>/sol/impl/ip of the 4 kernels
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
set n    [cfg fft_size]
set bins [expr {$n * ($n / 2 + 1)}]
set lanes_x_bins [expr {[cfg pin] * [cfg pout] * $bins}]

# Queue depths. The C-simulation's queues are unbounded; these are not
# (docs/isa.md, sections 1 and 8).
set insn_fifo_depth  512
set token_fifo_depth 1024

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
set_property -dict [list CONFIG.NUM_SI 1 CONFIG.NUM_MI 4] $xbar
connect_bd_intf_net $ctrl [get_bd_intf_pins ctrl_xbar/S00_AXI]

# --- the four module kernels ----------------------------------------------
set kernels {spec2_fetch spec2_load spec2_compute spec2_store}
foreach k $kernels i {0 1 2 3} {
  create_bd_cell -type ip -vlnv spec2:hls:$k:1.0 $k
  connect_bd_intf_net [get_bd_intf_pins ctrl_xbar/M0${i}_AXI] [get_bd_intf_pins $k/s_axi_control]
}
connect_bd_net [get_bd_ports ap_clk] \
  [get_bd_pins -of [get_bd_cells] -filter {TYPE == clk}]
connect_bd_net [get_bd_ports ap_rst_n] \
  [get_bd_pins -of [get_bd_cells] -filter {TYPE == rst}]

# Host-visible register map, used through xrt::ip: 16 KiB per kernel, all four
# inside 64 KiB, the register space XRT 2.13's xrt::ip allows
# (hw/include/spec2/host_regs.h holds the same offsets for the host).
foreach k $kernels offset {0x0000 0x4000 0x8000 0xC000} {
  assign_bd_address -offset $offset -range 16K \
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

# --- instruction and token queues: AXI4-Stream FIFOs -----------------------
# {fifo  producer-pin  consumer-pin  bytes  depth}
set queues [list \
  [list load_q    spec2_fetch/loadQ    spec2_load/queue    32 $insn_fifo_depth] \
  [list compute_q spec2_fetch/computeQ spec2_compute/queue 32 $insn_fifo_depth] \
  [list store_q   spec2_fetch/storeQ   spec2_store/queue   32 $insn_fifo_depth] \
  [list l2c_q     spec2_load/l2c       spec2_compute/l2c   1 $token_fifo_depth] \
  [list c2l_q     spec2_compute/c2l    spec2_load/c2l      1 $token_fifo_depth] \
  [list c2s_q     spec2_compute/c2s    spec2_store/c2s     1 $token_fifo_depth] \
  [list s2c_q     spec2_store/s2c      spec2_compute/s2c   1 $token_fifo_depth]]
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
# {member  width-bits  depth  port-A kernel  port-B kernel ("" = private)}
# Widths are those of the C types in hw/src/overlay.h; one bank per buffer
# (the banking of docs/isa.md section 10 needs ARRAY_PARTITION in the HLS
# source and one memory per bank here, named buf_<member>_<i>_PORTA).
set buffers [list \
  [list inp   16 [cfg "buffers inp"]  spec2_load    spec2_compute] \
  [list ker   48 [cfg "buffers ker"]  spec2_load    spec2_compute] \
  [list bias  32 [cfg "buffers bias"] spec2_load    spec2_compute] \
  [list fcx   16 [cfg "buffers fcx"]  spec2_load    spec2_compute] \
  [list out   16 [cfg "buffers out"]  spec2_compute spec2_store] \
  [list spec  32 [cfg "buffers spec"] spec2_compute ""] \
  [list oacc  32 [cfg "buffers oacc"] spec2_compute ""] \
  [list facc  64 [cfg "buffers facc"] spec2_compute ""] \
  [list accRe 64 $lanes_x_bins        spec2_compute ""] \
  [list accIm 64 $lanes_x_bins        spec2_compute ""]]
foreach b $buffers {
  lassign $b m width depth a_side b_side
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
  connect_bd_intf_net [get_bd_intf_pins $a_side/buf_${m}_PORTA] [get_bd_intf_pins mem_$m/BRAM_PORTA]
  if {$b_side ne ""} {
    connect_bd_intf_net [get_bd_intf_pins $b_side/buf_${m}_PORTA] [get_bd_intf_pins mem_$m/BRAM_PORTB]
  } elseif {[llength [get_bd_intf_pins -quiet $a_side/buf_${m}_PORTB]]} {
    connect_bd_intf_net [get_bd_intf_pins $a_side/buf_${m}_PORTB] [get_bd_intf_pins mem_$m/BRAM_PORTB]
  } else {
    set_property CONFIG.Memory_Type Single_Port_RAM $mem
  }
}

assign_bd_address
validate_bd_design
save_bd_design

# --- package as an RTL kernel ------------------------------------------------
# user_managed: the host drives the four kernels' own control registers
# through xrt::ip (hw/README.md).
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
