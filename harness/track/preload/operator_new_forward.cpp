// Global operator new/delete for libmembench_count.so: each form is one
// malloc-family request, so a C++ program's allocations are counted once, and
// under a preloaded jemalloc (which exports an operator new of its own that
// would bypass malloc) too.
//
// The library must not depend on libstdc++ (a C program would load it and its
// start-up allocations would be counted). So when the request fails, the
// next definition of the same operator (libstdc++'s, found with RTLD_NEXT)
// takes over: it runs the new-handler and throws std::bad_alloc as the
// standard asks.
#include <dlfcn.h>
#include <stdlib.h>

#include <cstddef>
#include <new>

namespace {

template <typename Fn>
Fn next(const char* mangled) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, mangled));
}

using New = void* (*)(std::size_t);
using NewNothrow = void* (*)(std::size_t, const std::nothrow_t&);
using NewAligned = void* (*)(std::size_t, std::align_val_t);
using NewAlignedNothrow = void* (*)(std::size_t, std::align_val_t, const std::nothrow_t&);

void* aligned(std::size_t size, std::align_val_t align) {
  std::size_t alignment = static_cast<std::size_t>(align);
  if (alignment < sizeof(void*)) alignment = sizeof(void*);
  void* p = nullptr;
  return posix_memalign(&p, alignment, size == 0 ? 1 : size) == 0 ? p : nullptr;
}

}  // namespace

void* operator new(std::size_t n) {
  if (void* p = malloc(n == 0 ? 1 : n)) return p;
  return next<New>("_Znwm")(n);
}
void* operator new[](std::size_t n) {
  if (void* p = malloc(n == 0 ? 1 : n)) return p;
  return next<New>("_Znam")(n);
}
void* operator new(std::size_t n, const std::nothrow_t& t) noexcept {
  if (void* p = malloc(n == 0 ? 1 : n)) return p;
  auto f = next<NewNothrow>("_ZnwmRKSt9nothrow_t");
  return f ? f(n, t) : nullptr;
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept {
  if (void* p = malloc(n == 0 ? 1 : n)) return p;
  auto f = next<NewNothrow>("_ZnamRKSt9nothrow_t");
  return f ? f(n, t) : nullptr;
}
void* operator new(std::size_t n, std::align_val_t a) {
  if (void* p = aligned(n, a)) return p;
  return next<NewAligned>("_ZnwmSt11align_val_t")(n, a);
}
void* operator new[](std::size_t n, std::align_val_t a) {
  if (void* p = aligned(n, a)) return p;
  return next<NewAligned>("_ZnamSt11align_val_t")(n, a);
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t& t) noexcept {
  if (void* p = aligned(n, a)) return p;
  auto f = next<NewAlignedNothrow>("_ZnwmSt11align_val_tRKSt9nothrow_t");
  return f ? f(n, a, t) : nullptr;
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t& t) noexcept {
  if (void* p = aligned(n, a)) return p;
  auto f = next<NewAlignedNothrow>("_ZnamSt11align_val_tRKSt9nothrow_t");
  return f ? f(n, a, t) : nullptr;
}

void operator delete(void* p) noexcept { free(p); }
void operator delete[](void* p) noexcept { free(p); }
void operator delete(void* p, std::size_t) noexcept { free(p); }
void operator delete[](void* p, std::size_t) noexcept { free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { free(p); }
void operator delete(void* p, std::align_val_t) noexcept { free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { free(p); }
