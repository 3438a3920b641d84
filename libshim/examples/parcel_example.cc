// SPDX-License-Identifier: Apache-2.0
//
// parcel_example: the data side of IPC Kit, no driver needed. Writes a
// MessageParcel (an int, a string, raw bytes and a shared memory region),
// reads it back as a receiver would, and prints what came out.
//
//   pkg-config:  g++ -std=c++20 parcel_example.cc $(pkg-config --cflags --libs ipckit)
//   CMake:       find_package(ipckit REQUIRED) + target_link_libraries(... ipckit::ipckit)
#include <ipckit/ipc_kit.h>

#include <sys/mman.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

int Fail(const char* what) {
    std::fprintf(stderr, "parcel_example: %s\n", what);
    return 1;
}

}  // namespace

int main() {
    using ipckit::Ashmem;
    using ipckit::MessageParcel;
    using ipckit::sptr;

    // A region for data too big for a parcel: filled, then made read-only
    // before it is handed out, so no receiver can change it.
    const std::string shared = "hello through shared memory";
    sptr<Ashmem> region = Ashmem::CreateAshmem("parcel_example", 4096);
    if (!region || !region->MapReadAndWriteAshmem())
        return Fail("cannot create the shared memory region");
    if (!region->WriteToAshmem(shared.c_str(), static_cast<int32_t>(shared.size() + 1), 0))
        return Fail("cannot fill the shared memory region");
    if (!region->SetProtection(PROT_READ))
        return Fail("cannot make the region read-only");

    const std::array<uint8_t, 8> raw = {0, 1, 2, 3, 4, 5, 6, 7};
    MessageParcel data;
    if (!data.WriteInt32(42) || !data.WriteString("hello from ipckit") ||
        !data.WriteRawData(raw.data(), raw.size()) || !data.WriteAshmem(region))
        return Fail("cannot write the parcel");
    std::printf("parcel: %zu bytes\n", data.GetDataSize());

    // The receiving side: the same reads, in the same order.
    int32_t number = data.ReadInt32();
    std::string text = data.ReadString();
    auto* bytes = static_cast<const uint8_t*>(data.ReadRawData(raw.size()));
    sptr<Ashmem> received = data.ReadAshmem();
    if (!bytes || !received)
        return Fail("cannot read the parcel back");

    std::printf("int32: %d\n", number);
    std::printf("string: %s\n", text.c_str());
    std::printf("raw:");
    for (std::size_t i = 0; i < raw.size(); i++)
        std::printf(" %u", static_cast<unsigned>(bytes[i]));
    std::printf("\n");

    // The receiver's region: readable, but write access is gone for good.
    if (!received->MapReadOnlyAshmem())
        return Fail("cannot map the received region");
    if (received->MapReadAndWriteAshmem() || received->GetProtection() != PROT_READ)
        return Fail("the received region is writable");
    int32_t size = received->GetAshmemSize();
    auto* text2 = static_cast<const char*>(
        received->ReadFromAshmem(static_cast<int32_t>(shared.size() + 1), 0));
    if (!text2)
        return Fail("cannot read the received region");
    std::printf("ashmem: %d bytes, read-only: %s\n", size, text2);

    if (number != 42 || text != "hello from ipckit" ||
        std::memcmp(bytes, raw.data(), raw.size()) != 0 || shared != text2)
        return Fail("what was read differs from what was written");
    std::printf("parcel_example: OK\n");
    return 0;
}
