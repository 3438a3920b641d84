# SPDX-License-Identifier: Apache-2.0
#
# The RPC packet codec (packet.h): rpcd's and the host tests' (static: rpcd
# runs in the VM's initramfs, which has no libc). Users include
# "wire/packet.h". The warnings (-Wall -Wextra -Werror) come from
# libshim/CMakeLists.txt's add_compile_options.
add_library(rpc_wire STATIC ${RPC_DIR}/wire/packet.cc)
target_include_directories(rpc_wire PUBLIC ${RPC_DIR})
