// One registry for everything that registers itself: workloads, strategies,
// datasets, corpora and commands.
//
// Each registered item is a static object beside a static Entry that links it
// into its registry when the program starts; nothing calls a registration
// function by hand, so a new strategy (or dataset, or command) is one new file.
// The registry is an intrusive list of those entries: registering never
// allocates, so a measured process starts with nothing on the heap that a
// strategy did not put there. A registry is constant-initialised (constexpr
// constructor, trivial destructor), so it exists before the first entry of
// any file registers, whatever order the files initialise in.
#pragma once

#include <cstddef>
#include <iterator>
#include <string_view>

namespace membench {

// Orders: `before(a, b)` is true when a must come before b. Items with no
// order between them keep the order they registered in, which is link order.
struct InRegistrationOrder {
  template <class T>
  static constexpr bool before(const T&, const T&) {
    return false;
  }
};

// By the item's `name`, so listings do not depend on link order.
struct ByName {
  template <class T>
  static constexpr bool before(const T& a, const T& b) {
    return std::string_view(a.name) < std::string_view(b.name);
  }
};

template <class T, class Order = InRegistrationOrder>
class Registry {
 public:
  // Links `item` into `registry` for the life of the program: define it as a
  // static object right after the item (the MEMBENCH_* macros do).
  class Entry {
   public:
    Entry(Registry& registry, const T& item) : item_(&item) { registry.insert(*this); }
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;

   private:
    friend class Registry;
    const T* item_;
    Entry* next_ = nullptr;
  };

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;

    iterator() = default;
    reference operator*() const { return *at_->item_; }
    pointer operator->() const { return at_->item_; }
    iterator& operator++() {
      at_ = at_->next_;
      return *this;
    }
    iterator operator++(int) {
      iterator before = *this;
      at_ = at_->next_;
      return before;
    }
    bool operator==(const iterator&) const = default;

   private:
    friend class Registry;
    explicit iterator(const Entry* at) : at_(at) {}
    const Entry* at_ = nullptr;
  };

  constexpr Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  iterator begin() const { return iterator(head_); }
  iterator end() const { return iterator(); }
  bool empty() const { return head_ == nullptr; }
  std::size_t size() const {
    std::size_t n = 0;
    for (const Entry* e = head_; e; e = e->next_) ++n;
    return n;
  }

  // The first item (in the registry's order) that `match` accepts, or nullptr.
  template <class Match>
  const T* find_if(Match match) const {
    for (const T& item : *this)
      if (match(item)) return &item;
    return nullptr;
  }

  // The item named `name`, for registries of items with a `name`.
  const T* find(std::string_view name) const {
    return find_if([&](const T& item) { return name == item.name; });
  }

 private:
  // Sorted insertion: after every entry the new one is not before, so equal
  // items keep their registration order. Registries hold tens of entries and
  // insert once, at start-up.
  void insert(Entry& entry) {
    Entry** at = &head_;
    while (*at && !Order::before(*entry.item_, *(*at)->item_)) at = &(*at)->next_;
    entry.next_ = *at;
    *at = &entry;
  }

  Entry* head_ = nullptr;
};

}  // namespace membench

#define MEMBENCH_CONCAT_INNER(a, b) a##b
#define MEMBENCH_CONCAT(a, b) MEMBENCH_CONCAT_INNER(a, b)
