// Allocation sites: the counter's per-stack figures on programs whose
// allocations are known, symbolized the way the runner does it.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <thread>

#include "report/sites.h"
#include "runner/sites.h"
#include "runner/symbolize.h"
#include "track/alloc_counter.h"
#include "util/read_file.h"

namespace {

using membench::report::AllocationSite;

template <typename T>
T* keep(T* p) {
  asm volatile("" : : "g"(p) : "memory");
  return p;
}

// Each allocates from a frame of its own, so each is a site of its own
// (noipa: not merged with another of the same body, not cloned).
[[gnu::noipa]] void* site_a(std::size_t n) { return keep(std::malloc(n)); }
[[gnu::noipa]] void* site_b(std::size_t n) { return keep(std::calloc(1, n)); }
[[gnu::noipa]] int* site_new() { return keep(new int(7)); }

struct Recorded {
  membench::track::AllocationTotals totals;
  std::vector<AllocationSite> sites;
};

// Runs `body` in a window with sites on, and symbolizes what it recorded.
template <typename Body>
[[gnu::noinline]] Recorded record(Body body) {
  membench::runner::SitesFile file(true);
  int frame = 0;
  EXPECT_TRUE(membench::track::enable_sites(&frame));
  EXPECT_TRUE(membench::track::start_counting());
  body();
  Recorded r;
  r.totals = membench::track::stop_counting();
  {
    int fd = ::open(file.path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    EXPECT_GE(fd, 0);
    EXPECT_TRUE(membench::track::write_sites(fd));
    ::close(fd);
  }
  auto raw = membench::runner::parse_raw_sites(membench::read_regular_file(file.path(), "sites", 1u << 30));
  EXPECT_EQ(raw.totals.count, r.totals.count);
  // One symbolizer for every recording, as the runner keeps one for every case.
  static membench::runner::Symbolizer symbols("");
  r.sites = membench::runner::symbolize_sites(raw, symbols);
  return r;
}

bool passes_through(const AllocationSite& s, const std::string& function) {
  for (const auto& f : s.frames)
    if (f.function.find(function) != std::string::npos) return true;
  return false;
}

const AllocationSite* find_site(const std::vector<AllocationSite>& sites, const std::string& function) {
  for (const AllocationSite& s : sites)
    if (passes_through(s, function)) return &s;
  return nullptr;
}

std::string describe(const std::vector<AllocationSite>& sites) {
  std::string out;
  for (const AllocationSite& s : sites) {
    out += '\n';
    out += std::to_string(s.count);
    for (const auto& f : s.frames) {
      out += " | ";
      out += f.function;
    }
  }
  return out;
}

class Sites : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!membench::track::counter_available()) GTEST_SKIP() << "built without the interposer (sanitizer build)";
  }
};

}  // namespace

TEST_F(Sites, EachStackIsASiteAndTheSumsAreTheTotals) {
  Recorded r = record([] {
    for (int i = 0; i < 10; ++i) std::free(site_a(16));
    void* kept = site_b(100);
    for (int i = 0; i < 3; ++i) delete site_new();
    (void)kept;  // leaked on purpose: 100 bytes
  });
  const AllocationSite* a = find_site(r.sites, "site_a");
  const AllocationSite* b = find_site(r.sites, "site_b");
  const AllocationSite* n = find_site(r.sites, "site_new");
  ASSERT_TRUE(a && b && n) << describe(r.sites);
  EXPECT_EQ(a->count, 10u);
  EXPECT_EQ(a->bytes, 160u);
  EXPECT_EQ(a->temporary, 10u);
  EXPECT_EQ(b->count, 1u);
  EXPECT_EQ(b->leaked_bytes, 100u);
  EXPECT_EQ(n->count, 3u);
  EXPECT_EQ(n->bytes, 12u);
  // The interposer's own frames are cut: no site shows malloc or operator new.
  for (const AllocationSite& s : r.sites)
    for (const auto& f : s.frames) {
      EXPECT_NE(f.function, "malloc");
      EXPECT_EQ(f.function.rfind("operator new", 0), std::string::npos) << f.function;
    }
  AllocationSite sum;
  for (const AllocationSite& s : r.sites) membench::report::add_site(sum, s);
  EXPECT_EQ(sum.count, r.totals.count);
  EXPECT_EQ(sum.bytes, r.totals.bytes);
  EXPECT_EQ(sum.temporary, r.totals.temporary);
  EXPECT_EQ(sum.leaked_bytes, r.totals.leaked_bytes);
  EXPECT_EQ(sum.peak_live_bytes, r.totals.peak_live_bytes);
  std::free(nullptr);
}

TEST_F(Sites, PeakSharesAreTheLiveBytesAtTheLatestPeak) {
  Recorded r = record([] {
    void* a1 = site_a(100);  // live 100
    void* b1 = site_b(50);   // live 150
    std::free(a1);           // live 50
    void* b2 = site_b(200);  // live 250: the peak, all of it b's
    std::free(b1);
    std::free(b2);           // live 0
    void* a2 = site_a(40);   // below the peak: shares stay
    std::free(a2);
  });
  const AllocationSite* a = find_site(r.sites, "site_a");
  const AllocationSite* b = find_site(r.sites, "site_b");
  ASSERT_TRUE(a && b) << describe(r.sites);
  EXPECT_EQ(r.totals.peak_live_bytes, 250u);
  EXPECT_EQ(b->peak_live_bytes, 250u);
  EXPECT_EQ(a->peak_live_bytes, 0u);

  Recorded later = record([] {
    void* b1 = site_b(50);
    void* a1 = site_a(100);  // live 150: a new peak, 100 a's and 50 b's
    std::free(b1);
    std::free(a1);
  });
  a = find_site(later.sites, "site_a");
  b = find_site(later.sites, "site_b");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->peak_live_bytes, 100u);
  EXPECT_EQ(b->peak_live_bytes, 50u);
  EXPECT_EQ(a->peak_live_bytes + b->peak_live_bytes, later.totals.peak_live_bytes);
}

TEST_F(Sites, ThreadsAreNamedByTheOrderTheyFirstAllocated) {
  Recorded r = record([] {
    std::free(site_a(8));
    std::thread t([] { std::free(site_b(8)); });
    t.join();
  });
  const AllocationSite* a = find_site(r.sites, "site_a");
  const AllocationSite* b = find_site(r.sites, "site_b");
  ASSERT_TRUE(a && b) << describe(r.sites);
  EXPECT_EQ(a->threads, std::vector<std::uint32_t>{0});
  EXPECT_EQ(b->threads, std::vector<std::uint32_t>{1});
  // The thread's start routine is not part of its site.
  EXPECT_FALSE(passes_through(*b, "start_thread")) << describe(r.sites);
}

TEST_F(Sites, ARawSitesFileIsReadStrictly) {
  using membench::runner::parse_raw_sites;
  EXPECT_THROW(parse_raw_sites("garbage"), std::runtime_error);
  EXPECT_THROW(parse_raw_sites("membench.sites 1\ntotals 1 2 3 4 5\nsite 1 2\nmaps\n"), std::runtime_error);
  EXPECT_THROW(parse_raw_sites("membench.sites 1\ntotals 1 2 3 4 5\nsite 1 2 0 0 0 1 0 1 zz\nmaps\n"), std::runtime_error);
  EXPECT_THROW(parse_raw_sites("membench.sites 1\nsite 1 2 0 0 0 1 0 0\nmaps\n"), std::runtime_error);
  auto ok = parse_raw_sites("membench.sites 1\ntotals 1 2 2 0 2\nsite 1 2 0 2 2 1 0 1 401000\nmaps\nx\n");
  ASSERT_EQ(ok.sites.size(), 1u);
  EXPECT_EQ(ok.sites[0].frames, std::vector<std::uintptr_t>{0x401000});
  EXPECT_EQ(ok.maps, "x\n");
}

TEST(SiteNames, ParameterListsAreLeftOutAndStringsSpeltShort) {
  using membench::runner::short_function_name;
  EXPECT_EQ(short_function_name("ns::f(int, long) const"), "ns::f");
  EXPECT_EQ(short_function_name("(anonymous namespace)::run(membench::Input const&)"), "(anonymous namespace)::run");
  EXPECT_EQ(short_function_name("std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >::_M_create(unsigned long&, unsigned long)"),
            "std::string::_M_create");
  EXPECT_EQ(short_function_name("f(int)::{lambda(std::basic_string_view<char, std::char_traits<char> >)#1}::operator()"),
            "f::{lambda#1}::operator()");
  // A lambda of a const member function template keeps its function's name.
  EXPECT_EQ(short_function_name("auto ns::parse_rows<ns::Row>(std::basic_string_view<char, std::char_traits<char> >, ns::Row&) "
                                "const::{lambda(std::basic_string_view<char, std::char_traits<char> >)#1}::operator()"
                                "(std::basic_string_view<char, std::char_traits<char> >) const"),
            "ns::parse_rows<>::{lambda#1}::operator()");
}
