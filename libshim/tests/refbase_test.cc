// SPDX-License-Identifier: Apache-2.0
#include "ipckit/refbase.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace ipckit {
namespace {

struct Counted : public virtual RefBase {
    explicit Counted(int* destroyed) : destroyed_(destroyed) {}
    ~Counted() override { (*destroyed_)++; }
    void OnFirstStrongRef(const void*) override { firstStrong++; }
    void OnLastStrongRef(const void*) override { lastStrong++; }
    int* destroyed_;
    int firstStrong = 0;
    int lastStrong = 0;
};

struct Derived : public Counted {
    using Counted::Counted;
};

TEST(RefBase, LastSptrDestroysTheObjectOnce)
{
    int destroyed = 0;
    {
        sptr<Counted> a = MakeSptr<Counted>(&destroyed);
        EXPECT_EQ(1, a->GetSptrRefCount());
        EXPECT_EQ(1, a->firstStrong);
        sptr<Counted> b = a;
        EXPECT_EQ(2, a->GetSptrRefCount());
        b.clear();
        EXPECT_EQ(1, a->GetSptrRefCount());
        EXPECT_EQ(0, destroyed);
    }
    EXPECT_EQ(1, destroyed);
}

TEST(RefBase, WptrPromotesOnlyWhileAlive)
{
    int destroyed = 0;
    wptr<Counted> w;
    {
        sptr<Counted> s = MakeSptr<Counted>(&destroyed);
        w = s;
        EXPECT_EQ(2, s->GetWptrRefCount());  // the sptr's and the wptr's
        sptr<Counted> p = w.promote();
        ASSERT_TRUE(p);
        EXPECT_EQ(s.GetRefPtr(), p.GetRefPtr());
        EXPECT_EQ(2, s->GetSptrRefCount());
    }
    EXPECT_EQ(1, destroyed);
    EXPECT_FALSE(w.promote());  // the counter block outlives the object
    EXPECT_EQ(1, w.GetWeakRefCount());
}

TEST(RefBase, ObjectOnlyEverWeakDiesWithTheLastWptr)
{
    int destroyed = 0;
    auto* raw = MakeSptr<Counted>(&destroyed).Release();  // strong count 1, owned here
    {
        wptr<Counted> w(raw);
        raw->DecStrongRef();  // strong 0: destroyed even though w exists
        EXPECT_EQ(1, destroyed);
        EXPECT_FALSE(w.promote());
    }
    EXPECT_EQ(1, destroyed);
}

TEST(RefBase, ConvertsToBaseAndCompares)
{
    int destroyed = 0;
    sptr<Derived> d = MakeSptr<Derived>(&destroyed);
    sptr<Counted> c = d;
    sptr<RefBase> r = d;
    EXPECT_TRUE(c == d);
    EXPECT_EQ(3, d->GetSptrRefCount());
    sptr<Counted> moved = std::move(c);
    EXPECT_FALSE(c);
    EXPECT_EQ(3, d->GetSptrRefCount());
    EXPECT_TRUE(moved != nullptr ? true : false);
    EXPECT_FALSE(d == nullptr);
}

TEST(RefBase, LastStrongHookRunsBeforeDestruction)
{
    static bool sawAlive = false;
    int destroyed = 0;
    struct Hooked : public Counted {
        using Counted::Counted;
        void OnLastStrongRef(const void*) override { sawAlive = (*destroyed_ == 0); }
    };
    sptr<Hooked> h = MakeSptr<Hooked>(&destroyed);
    h.clear();
    EXPECT_TRUE(sawAlive);
    EXPECT_EQ(1, destroyed);
}

TEST(RefBase, ConcurrentCopiesAndPromotesKeepCountsExact)
{
    int destroyed = 0;
    sptr<Counted> s = MakeSptr<Counted>(&destroyed);
    wptr<Counted> w = s;
    std::vector<std::thread> threads;
    std::atomic<int> failed{0};
    for (int t = 0; t < 8; t++) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10000; i++) {
                sptr<Counted> a = s;
                sptr<Counted> b = w.promote();
                if (!b)
                    failed++;
            }
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(0, failed);
    EXPECT_EQ(1, s->GetSptrRefCount());
    EXPECT_EQ(2, s->GetWptrRefCount());
    s.clear();
    EXPECT_EQ(1, destroyed);
    EXPECT_FALSE(w.promote());
}

}  // namespace
}  // namespace ipckit
