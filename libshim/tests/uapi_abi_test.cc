// SPDX-License-Identifier: GPL-2.0
//
// Compile-time ABI equality test: uapi/linux/ipckit.h vs the system
// <linux/android/binder.h>.
//
// The real check happens at COMPILE time.  Both headers are included into
// separate namespaces (the system one into `sysNN`, ours into `oursNN`);
// every macro value, enumerator, type size/alignment, field offset, field
// size and field type is captured and compared with static_assert.  Any
// difference stops the build with a message naming the item, e.g.
//
//   static assertion failed: ABI mismatch [64-bit]: macro BINDER_VERSION
//
// Everything is compared twice: once for the default 64-bit protocol
// (version 8) and once with BINDER_IPC_32BIT defined (legacy protocol 7),
// since ipckit.h must keep that variant exactly like the system header.
//
// How the file is organised (it includes itself, selected by
// IPCKIT_ABI_STAGE, so each list below is written exactly once):
//
//   stage unset  the driver: lists, helpers, the two passes, runtime TESTs
//   stage 1      one pass: include both headers into namespaces
//                IPCKIT_ABI_SYS / IPCKIT_ABI_OURS, capture, static_assert
//   stage 2      #undef every macro either header defines, so the next
//                header can be included without redefinition errors
//
// The lists are X-macros so they are easy to audit against the system
// header; libshim/tests/uapi_abi_coverage.sh fails if a name from the
// system header (macro, enumerator, type, struct field) is missing here.
//
// Build by hand:
//   g++ -std=c++20 -Wall -Wextra -Werror -I uapi
//       libshim/tests/uapi_abi_test.cc -lgtest -lgtest_main -pthread

#if !defined(IPCKIT_ABI_STAGE)

#include <cstddef>
#include <iterator>
#include <type_traits>
#include <utility>

#include <gtest/gtest.h>

// Included once at global scope: their include guards keep them from being
// re-included inside the namespaces below, so __u32 etc. are shared.
#include <linux/types.h>
#include <linux/ioctl.h>

// ---------------------------------------------------------------------------
// The lists.
// ---------------------------------------------------------------------------

// Object-like macros (B_PACK_CHARS, function-like, is captured separately).
#define IPCKIT_ABI_MACROS(X)                       \
	X(B_TYPE_LARGE)                            \
	X(BINDER_CURRENT_PROTOCOL_VERSION)         \
	X(BINDER_WRITE_READ)                       \
	X(BINDER_SET_IDLE_TIMEOUT)                 \
	X(BINDER_SET_MAX_THREADS)                  \
	X(BINDER_SET_IDLE_PRIORITY)                \
	X(BINDER_SET_CONTEXT_MGR)                  \
	X(BINDER_THREAD_EXIT)                      \
	X(BINDER_VERSION)                          \
	X(BINDER_GET_NODE_DEBUG_INFO)              \
	X(BINDER_GET_NODE_INFO_FOR_REF)            \
	X(BINDER_SET_CONTEXT_MGR_EXT)              \
	X(BINDER_FREEZE)                           \
	X(BINDER_GET_FROZEN_INFO)                  \
	X(BINDER_ENABLE_ONEWAY_SPAM_DETECTION)     \
	X(BINDER_GET_EXTENDED_ERROR)

// Enumerators of the anonymous and named enums.
#define IPCKIT_ABI_ENUMERATORS(X)                  \
	X(BINDER_TYPE_BINDER)                      \
	X(BINDER_TYPE_WEAK_BINDER)                 \
	X(BINDER_TYPE_HANDLE)                      \
	X(BINDER_TYPE_WEAK_HANDLE)                 \
	X(BINDER_TYPE_FD)                          \
	X(BINDER_TYPE_FDA)                         \
	X(BINDER_TYPE_PTR)                         \
	X(FLAT_BINDER_FLAG_PRIORITY_MASK)          \
	X(FLAT_BINDER_FLAG_ACCEPTS_FDS)            \
	X(FLAT_BINDER_FLAG_TXN_SECURITY_CTX)       \
	X(BINDER_BUFFER_FLAG_HAS_PARENT)           \
	X(TF_ONE_WAY)                              \
	X(TF_ROOT_OBJECT)                          \
	X(TF_STATUS_CODE)                          \
	X(TF_ACCEPT_FDS)                           \
	X(TF_CLEAR_BUF)                            \
	X(TF_UPDATE_TXN)                           \
	X(BR_ERROR)                                \
	X(BR_OK)                                   \
	X(BR_TRANSACTION_SEC_CTX)                  \
	X(BR_TRANSACTION)                          \
	X(BR_REPLY)                                \
	X(BR_ACQUIRE_RESULT)                       \
	X(BR_DEAD_REPLY)                           \
	X(BR_TRANSACTION_COMPLETE)                 \
	X(BR_INCREFS)                              \
	X(BR_ACQUIRE)                              \
	X(BR_RELEASE)                              \
	X(BR_DECREFS)                              \
	X(BR_ATTEMPT_ACQUIRE)                      \
	X(BR_NOOP)                                 \
	X(BR_SPAWN_LOOPER)                         \
	X(BR_FINISHED)                             \
	X(BR_DEAD_BINDER)                          \
	X(BR_CLEAR_DEATH_NOTIFICATION_DONE)        \
	X(BR_FAILED_REPLY)                         \
	X(BR_FROZEN_REPLY)                         \
	X(BR_ONEWAY_SPAM_SUSPECT)                  \
	X(BC_TRANSACTION)                          \
	X(BC_REPLY)                                \
	X(BC_ACQUIRE_RESULT)                       \
	X(BC_FREE_BUFFER)                          \
	X(BC_INCREFS)                              \
	X(BC_ACQUIRE)                              \
	X(BC_RELEASE)                              \
	X(BC_DECREFS)                              \
	X(BC_INCREFS_DONE)                         \
	X(BC_ACQUIRE_DONE)                         \
	X(BC_ATTEMPT_ACQUIRE)                      \
	X(BC_REGISTER_LOOPER)                      \
	X(BC_ENTER_LOOPER)                         \
	X(BC_EXIT_LOOPER)                          \
	X(BC_REQUEST_DEATH_NOTIFICATION)           \
	X(BC_CLEAR_DEATH_NOTIFICATION)             \
	X(BC_DEAD_BINDER_DONE)                     \
	X(BC_TRANSACTION_SG)                       \
	X(BC_REPLY_SG)

// Every named type: sizeof and alignof must match.  (The unnamed unions
// and the nested struct are covered through their fields below.)
#define IPCKIT_ABI_TYPES(X)                        \
	X(binder_size_t)                           \
	X(binder_uintptr_t)                        \
	X(binder_object_header)                    \
	X(flat_binder_object)                      \
	X(binder_fd_object)                        \
	X(binder_buffer_object)                    \
	X(binder_fd_array_object)                  \
	X(binder_write_read)                       \
	X(binder_version)                          \
	X(binder_node_debug_info)                  \
	X(binder_node_info_for_ref)                \
	X(binder_freeze_info)                      \
	X(binder_frozen_status_info)               \
	X(binder_extended_error)                   \
	X(transaction_flags)                       \
	X(binder_transaction_data)                 \
	X(binder_transaction_data_secctx)          \
	X(binder_transaction_data_sg)              \
	X(binder_ptr_cookie)                       \
	X(binder_handle_cookie)                    \
	X(binder_pri_desc)                         \
	X(binder_pri_ptr_cookie)                   \
	X(binder_driver_return_protocol)           \
	X(binder_driver_command_protocol)

// Every field, including members of (anonymous and named) nested unions
// and structs: offsetof, sizeof and type must match.
#define IPCKIT_ABI_FIELDS(X)                                       \
	X(binder_object_header, type)                              \
	X(flat_binder_object, hdr)                                 \
	X(flat_binder_object, flags)                               \
	X(flat_binder_object, binder)                              \
	X(flat_binder_object, handle)                              \
	X(flat_binder_object, cookie)                              \
	X(binder_fd_object, hdr)                                   \
	X(binder_fd_object, pad_flags)                             \
	X(binder_fd_object, pad_binder)                            \
	X(binder_fd_object, fd)                                    \
	X(binder_fd_object, cookie)                                \
	X(binder_buffer_object, hdr)                               \
	X(binder_buffer_object, flags)                             \
	X(binder_buffer_object, buffer)                            \
	X(binder_buffer_object, length)                            \
	X(binder_buffer_object, parent)                            \
	X(binder_buffer_object, parent_offset)                     \
	X(binder_fd_array_object, hdr)                             \
	X(binder_fd_array_object, pad)                             \
	X(binder_fd_array_object, num_fds)                         \
	X(binder_fd_array_object, parent)                          \
	X(binder_fd_array_object, parent_offset)                   \
	X(binder_write_read, write_size)                           \
	X(binder_write_read, write_consumed)                       \
	X(binder_write_read, write_buffer)                         \
	X(binder_write_read, read_size)                            \
	X(binder_write_read, read_consumed)                        \
	X(binder_write_read, read_buffer)                          \
	X(binder_version, protocol_version)                        \
	X(binder_node_debug_info, ptr)                             \
	X(binder_node_debug_info, cookie)                          \
	X(binder_node_debug_info, has_strong_ref)                  \
	X(binder_node_debug_info, has_weak_ref)                    \
	X(binder_node_info_for_ref, handle)                        \
	X(binder_node_info_for_ref, strong_count)                  \
	X(binder_node_info_for_ref, weak_count)                    \
	X(binder_node_info_for_ref, reserved1)                     \
	X(binder_node_info_for_ref, reserved2)                     \
	X(binder_node_info_for_ref, reserved3)                     \
	X(binder_freeze_info, pid)                                 \
	X(binder_freeze_info, enable)                              \
	X(binder_freeze_info, timeout_ms)                          \
	X(binder_frozen_status_info, pid)                          \
	X(binder_frozen_status_info, sync_recv)                    \
	X(binder_frozen_status_info, async_recv)                   \
	X(binder_extended_error, id)                               \
	X(binder_extended_error, command)                          \
	X(binder_extended_error, param)                            \
	X(binder_transaction_data, target)                         \
	X(binder_transaction_data, target.handle)                  \
	X(binder_transaction_data, target.ptr)                     \
	X(binder_transaction_data, cookie)                         \
	X(binder_transaction_data, code)                           \
	X(binder_transaction_data, flags)                          \
	X(binder_transaction_data, sender_pid)                     \
	X(binder_transaction_data, sender_euid)                    \
	X(binder_transaction_data, data_size)                      \
	X(binder_transaction_data, offsets_size)                   \
	X(binder_transaction_data, data)                           \
	X(binder_transaction_data, data.ptr)                       \
	X(binder_transaction_data, data.ptr.buffer)                \
	X(binder_transaction_data, data.ptr.offsets)               \
	X(binder_transaction_data, data.buf)                       \
	X(binder_transaction_data_secctx, transaction_data)        \
	X(binder_transaction_data_secctx, secctx)                  \
	X(binder_transaction_data_sg, transaction_data)            \
	X(binder_transaction_data_sg, buffers_size)                \
	X(binder_ptr_cookie, ptr)                                  \
	X(binder_ptr_cookie, cookie)                               \
	X(binder_handle_cookie, handle)                            \
	X(binder_handle_cookie, cookie)                            \
	X(binder_pri_desc, priority)                               \
	X(binder_pri_desc, desc)                                   \
	X(binder_pri_ptr_cookie, priority)                         \
	X(binder_pri_ptr_cookie, ptr)                              \
	X(binder_pri_ptr_cookie, cookie)

// ---------------------------------------------------------------------------
// Capture (expanded inside each namespace, right after its header, so that
// `struct binder_...` inside a macro names that namespace's type).
// ---------------------------------------------------------------------------

#define IPCKIT_ABI_CAPTURE_MACRO(name)                                   \
	inline constexpr unsigned long long m_##name = (name);           \
	using mt_##name = std::remove_cv_t<decltype(name)>;

// Function-like macro: captured on a few sample inputs, including a byte
// with the top bit set (as B_TYPE_LARGE is).
#define IPCKIT_ABI_CAPTURE_ALL                                           \
	IPCKIT_ABI_MACROS(IPCKIT_ABI_CAPTURE_MACRO)                      \
	inline constexpr unsigned long long m_B_PACK_CHARS[] = {         \
		B_PACK_CHARS('s', 'b', '*', B_TYPE_LARGE),               \
		B_PACK_CHARS(0x01, 0x02, 0x03, 0x04),                    \
		B_PACK_CHARS(0x7f, 0xff, 0x80, 0x00),                    \
	};

namespace ipckit_abi {

// Field types must be identical.  Both headers use the same global
// __u32/__s32/__u64/__kernel_pid_t..., so scalar and array fields compare
// with std::is_same (this catches e.g. __s32 vs __u32).  Struct/union fields
// are distinct types per namespace; their layout is checked through
// IPCKIT_ABI_TYPES and through their own fields, here only sizes/alignment.
template <typename A, typename B>
constexpr bool same_field_type()
{
	using EA = std::remove_all_extents_t<A>;
	using EB = std::remove_all_extents_t<B>;
	if constexpr (std::is_class_v<EA> || std::is_union_v<EA>)
		return (std::is_class_v<EB> || std::is_union_v<EB>) &&
		       std::is_class_v<EA> == std::is_class_v<EB> &&
		       std::is_union_v<EA> == std::is_union_v<EB> &&
		       std::extent_v<A> == std::extent_v<B> &&
		       sizeof(EA) == sizeof(EB) && alignof(EA) == alignof(EB);
	else
		return std::is_same_v<A, B>;
}

// Underlying type of an enumeration (enums) or the type itself.
template <typename T, bool = std::is_enum_v<T>>
struct underlying {
	using type = T;
};
template <typename T>
struct underlying<T, true> {
	using type = std::underlying_type_t<T>;
};
template <typename T>
using underlying_t = typename underlying<T>::type;

template <typename T>
constexpr long long enum_value(T v)
{
	return static_cast<long long>(static_cast<underlying_t<T>>(v));
}

}  // namespace ipckit_abi

// ---------------------------------------------------------------------------
// Pass 1: default (64-bit binder_size_t / binder_uintptr_t, protocol 8).
// ---------------------------------------------------------------------------
#define IPCKIT_ABI_SYS sys64
#define IPCKIT_ABI_OURS ours64
#define IPCKIT_ABI_PASS_NAME "64-bit"
#define IPCKIT_ABI_STAGE 1
#include "uapi_abi_test.cc"
#undef IPCKIT_ABI_STAGE
#undef IPCKIT_ABI_PASS_NAME
#undef IPCKIT_ABI_OURS
#undef IPCKIT_ABI_SYS

// ---------------------------------------------------------------------------
// Pass 2: BINDER_IPC_32BIT (32-bit binder_size_t / binder_uintptr_t,
// protocol 7), as both headers support it.
// ---------------------------------------------------------------------------
#define BINDER_IPC_32BIT
#define IPCKIT_ABI_SYS sys32
#define IPCKIT_ABI_OURS ours32
#define IPCKIT_ABI_PASS_NAME "BINDER_IPC_32BIT"
#define IPCKIT_ABI_STAGE 1
#include "uapi_abi_test.cc"
#undef IPCKIT_ABI_STAGE
#undef IPCKIT_ABI_PASS_NAME
#undef IPCKIT_ABI_OURS
#undef IPCKIT_ABI_SYS
#undef BINDER_IPC_32BIT

static_assert(sys64::m_BINDER_CURRENT_PROTOCOL_VERSION == 8, "protocol 8");
static_assert(sys32::m_BINDER_CURRENT_PROTOCOL_VERSION == 7, "protocol 7");
static_assert(sizeof(sys32::binder_uintptr_t) == 4, "32-bit pass ran");

// ---------------------------------------------------------------------------
// Finally ipckit.h the normal way, at global scope, as users include it.
// ---------------------------------------------------------------------------
#include "linux/ipckit.h"

// Extension section: its own ioctl type, fixed-size structs.
static_assert(IPCKIT_IOCTL_MAGIC != 'b', "IPCKIT_ must not use binder's type");
static_assert(IPCKIT_IOCTL_MAGIC != 'r' && IPCKIT_IOCTL_MAGIC != 'c',
	      "IPCKIT_ must not use the BR_/BC_ type bytes");
static_assert(_IOC_TYPE(IPCKIT_GET_VERSION) == IPCKIT_IOCTL_MAGIC, "type");
static_assert(_IOC_NR(IPCKIT_GET_VERSION) == 1, "IPCKIT_GET_VERSION nr");
static_assert(_IOC_DIR(IPCKIT_GET_VERSION) == _IOC_READ, "IPCKIT_GET_VERSION dir");
static_assert(_IOC_SIZE(IPCKIT_GET_VERSION) == 16, "IPCKIT_GET_VERSION size");
static_assert(sizeof(struct ipckit_version) == 16, "ipckit_version is 16 bytes");
static_assert(offsetof(struct ipckit_version, abi_version) == 0, "abi_version");
static_assert(offsetof(struct ipckit_version, protocol_version) == 4, "protocol_version");
static_assert(offsetof(struct ipckit_version, flags) == 8, "flags");
static_assert(offsetof(struct ipckit_version, reserved) == 12, "reserved");
static_assert(IPCKIT_ABI_VERSION == 2, "IPCKIT_ABI_VERSION");

// ---------------------------------------------------------------------------
// Runtime tests (the compile-time checks above are the real test).
// ---------------------------------------------------------------------------

TEST(UapiAbi, ProtocolVersionIs8On64Bit)
{
	EXPECT_EQ(BINDER_CURRENT_PROTOCOL_VERSION, 8);
	EXPECT_EQ(sizeof(binder_uintptr_t), 8u);
	EXPECT_EQ(sizeof(binder_size_t), 8u);
	EXPECT_EQ(sizeof(struct binder_transaction_data), 64u);
	EXPECT_EQ(sizeof(struct binder_handle_cookie), 12u);
}

TEST(UapiAbi, ExtensionIoctlsDoNotAliasBinder)
{
	EXPECT_NE(static_cast<unsigned>(_IOC_TYPE(IPCKIT_GET_VERSION)), static_cast<unsigned>('b'));
	EXPECT_EQ(static_cast<unsigned>(_IOC_TYPE(IPCKIT_GET_VERSION)), IPCKIT_IOCTL_MAGIC);

	const unsigned long binder_ioctls[] = {
#define IPCKIT_ABI_AS_VALUE(name) static_cast<unsigned long>(name),
		IPCKIT_ABI_MACROS(IPCKIT_ABI_AS_VALUE)
#undef IPCKIT_ABI_AS_VALUE
	};
	// Skip B_TYPE_LARGE and BINDER_CURRENT_PROTOCOL_VERSION (not ioctls).
	for (std::size_t i = 2; i < std::size(binder_ioctls); i++) {
		EXPECT_EQ(_IOC_TYPE(binder_ioctls[i]), static_cast<unsigned>('b')) << i;
		EXPECT_NE(binder_ioctls[i], static_cast<unsigned long>(IPCKIT_GET_VERSION)) << i;
	}
}

TEST(UapiAbi, IpckitVersionIsFixedSize)
{
	struct ipckit_version v = {};
	v.abi_version = IPCKIT_ABI_VERSION;
	v.protocol_version = BINDER_CURRENT_PROTOCOL_VERSION;
	EXPECT_EQ(sizeof(v), 16u);
	EXPECT_EQ(v.abi_version, 2u);
	EXPECT_EQ(v.protocol_version, 8u);
	EXPECT_EQ(v.flags, 0u);
	EXPECT_EQ(v.reserved, 0u);
}

#elif IPCKIT_ABI_STAGE == 1
// ===========================================================================
// Stage 1: one comparison pass.
// ===========================================================================

#undef _LINUX_BINDER_H  // allow the system header again (second pass)
namespace IPCKIT_ABI_SYS {
#include <linux/android/binder.h>
IPCKIT_ABI_CAPTURE_ALL
}  // namespace IPCKIT_ABI_SYS

#undef IPCKIT_ABI_STAGE
#define IPCKIT_ABI_STAGE 2
#include "uapi_abi_test.cc"  // forget every binder macro
#undef IPCKIT_ABI_STAGE
#define IPCKIT_ABI_STAGE 1

namespace IPCKIT_ABI_OURS {
#include "linux/ipckit.h"
IPCKIT_ABI_CAPTURE_ALL
}  // namespace IPCKIT_ABI_OURS

#undef IPCKIT_ABI_STAGE
#define IPCKIT_ABI_STAGE 2
#include "uapi_abi_test.cc"
#undef IPCKIT_ABI_STAGE
#define IPCKIT_ABI_STAGE 1

#define IPCKIT_ABI_MSG(what) "ABI mismatch [" IPCKIT_ABI_PASS_NAME "]: " what

#define IPCKIT_ABI_CHECK_MACRO(name)                                         \
	static_assert(IPCKIT_ABI_SYS::m_##name == IPCKIT_ABI_OURS::m_##name,  \
		      IPCKIT_ABI_MSG("macro " #name));                        \
	static_assert(std::is_same_v<IPCKIT_ABI_SYS::mt_##name,               \
				     IPCKIT_ABI_OURS::mt_##name>,             \
		      IPCKIT_ABI_MSG("type of macro " #name));
IPCKIT_ABI_MACROS(IPCKIT_ABI_CHECK_MACRO)
#undef IPCKIT_ABI_CHECK_MACRO

static_assert(IPCKIT_ABI_SYS::m_B_PACK_CHARS[0] == IPCKIT_ABI_OURS::m_B_PACK_CHARS[0] &&
	      IPCKIT_ABI_SYS::m_B_PACK_CHARS[1] == IPCKIT_ABI_OURS::m_B_PACK_CHARS[1] &&
	      IPCKIT_ABI_SYS::m_B_PACK_CHARS[2] == IPCKIT_ABI_OURS::m_B_PACK_CHARS[2],
	      IPCKIT_ABI_MSG("macro B_PACK_CHARS"));

#define IPCKIT_ABI_CHECK_ENUMERATOR(name)                                    \
	static_assert(ipckit_abi::enum_value(IPCKIT_ABI_SYS::name) ==         \
			      ipckit_abi::enum_value(IPCKIT_ABI_OURS::name),  \
		      IPCKIT_ABI_MSG("enumerator " #name));                   \
	static_assert(std::is_same_v<                                          \
			      ipckit_abi::underlying_t<decltype(IPCKIT_ABI_SYS::name)>, \
			      ipckit_abi::underlying_t<decltype(IPCKIT_ABI_OURS::name)>>, \
		      IPCKIT_ABI_MSG("underlying type of enumerator " #name));
IPCKIT_ABI_ENUMERATORS(IPCKIT_ABI_CHECK_ENUMERATOR)
#undef IPCKIT_ABI_CHECK_ENUMERATOR

#define IPCKIT_ABI_CHECK_TYPE(type)                                          \
	static_assert(sizeof(IPCKIT_ABI_SYS::type) == sizeof(IPCKIT_ABI_OURS::type), \
		      IPCKIT_ABI_MSG("sizeof " #type));                       \
	static_assert(alignof(IPCKIT_ABI_SYS::type) == alignof(IPCKIT_ABI_OURS::type), \
		      IPCKIT_ABI_MSG("alignof " #type));                      \
	static_assert(ipckit_abi::same_field_type<                            \
			      ipckit_abi::underlying_t<IPCKIT_ABI_SYS::type>,  \
			      ipckit_abi::underlying_t<IPCKIT_ABI_OURS::type>>(), \
		      IPCKIT_ABI_MSG("kind of type " #type));
IPCKIT_ABI_TYPES(IPCKIT_ABI_CHECK_TYPE)
#undef IPCKIT_ABI_CHECK_TYPE

#define IPCKIT_ABI_FIELD_T(ns, type, field) \
	decltype(std::declval<ns::type &>().field)
#define IPCKIT_ABI_CHECK_FIELD(type, field)                                  \
	static_assert(offsetof(IPCKIT_ABI_SYS::type, field) ==                \
			      offsetof(IPCKIT_ABI_OURS::type, field),          \
		      IPCKIT_ABI_MSG("offsetof(" #type ", " #field ")"));     \
	static_assert(sizeof(std::declval<IPCKIT_ABI_SYS::type &>().field) == \
			      sizeof(std::declval<IPCKIT_ABI_OURS::type &>().field), \
		      IPCKIT_ABI_MSG("sizeof(" #type "." #field ")"));        \
	static_assert(ipckit_abi::same_field_type<                            \
			      IPCKIT_ABI_FIELD_T(IPCKIT_ABI_SYS, type, field), \
			      IPCKIT_ABI_FIELD_T(IPCKIT_ABI_OURS, type, field)>(), \
		      IPCKIT_ABI_MSG("type of " #type "." #field));
IPCKIT_ABI_FIELDS(IPCKIT_ABI_CHECK_FIELD)
#undef IPCKIT_ABI_CHECK_FIELD
#undef IPCKIT_ABI_FIELD_T
#undef IPCKIT_ABI_MSG

#elif IPCKIT_ABI_STAGE == 2
// ===========================================================================
// Stage 2: forget every macro the two headers define (include guards too),
// so the next header in the sequence can be included cleanly.
// ===========================================================================
#undef _LINUX_BINDER_H
#undef _UAPI_LINUX_IPCKIT_H
#undef B_PACK_CHARS
#undef B_TYPE_LARGE
#undef BINDER_CURRENT_PROTOCOL_VERSION
#undef BINDER_WRITE_READ
#undef BINDER_SET_IDLE_TIMEOUT
#undef BINDER_SET_MAX_THREADS
#undef BINDER_SET_IDLE_PRIORITY
#undef BINDER_SET_CONTEXT_MGR
#undef BINDER_THREAD_EXIT
#undef BINDER_VERSION
#undef BINDER_GET_NODE_DEBUG_INFO
#undef BINDER_GET_NODE_INFO_FOR_REF
#undef BINDER_SET_CONTEXT_MGR_EXT
#undef BINDER_FREEZE
#undef BINDER_GET_FROZEN_INFO
#undef BINDER_ENABLE_ONEWAY_SPAM_DETECTION
#undef BINDER_GET_EXTENDED_ERROR
#undef IPCKIT_IOCTL_MAGIC
#undef IPCKIT_ABI_VERSION
#undef IPCKIT_GET_VERSION

#else
#error "uapi_abi_test.cc: unknown IPCKIT_ABI_STAGE"
#endif
