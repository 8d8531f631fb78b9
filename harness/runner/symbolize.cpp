#include "runner/symbolize.h"

#include <cxxabi.h>
#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include <sys/stat.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_map>

namespace membench::runner {
namespace {

// The libdw functions used, resolved once from the dlopen'ed library.
#define MEMBENCH_LIBDW_FUNCTIONS(X)                                                                      \
  X(dwfl_begin) X(dwfl_end) X(dwfl_report_begin) X(dwfl_report_end) X(dwfl_report_elf)                  \
  X(dwfl_linux_proc_find_elf) X(dwfl_standard_find_debuginfo) X(dwfl_module_addrdie)                    \
  X(dwfl_module_addrname) X(dwfl_module_getsrc) X(dwfl_lineinfo) X(dwfl_module_info) X(dwarf_getscopes) \
  X(dwarf_tag) X(dwarf_attr_integrate) X(dwarf_formstring) X(dwarf_formudata) X(dwarf_getsrcfiles)      \
  X(dwarf_filesrc) X(dwarf_getscopes_die) X(dwarf_diename)

struct Libdw {
#define MEMBENCH_DECLARE(name) decltype(&::name) name = nullptr;
  MEMBENCH_LIBDW_FUNCTIONS(MEMBENCH_DECLARE)
#undef MEMBENCH_DECLARE
  std::string error;
};

const Libdw& libdw() {
  static const Libdw lib = [] {
    Libdw l;
    void* handle = ::dlopen("libdw.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      l.error = "cannot load libdw.so.1 (apt-get install libdw1)";
      return l;
    }
#define MEMBENCH_RESOLVE(name)                                                 \
  l.name = reinterpret_cast<decltype(&::name)>(::dlsym(handle, #name));      \
  if (!l.name && l.error.empty()) l.error = "libdw.so.1 lacks " #name;
    MEMBENCH_LIBDW_FUNCTIONS(MEMBENCH_RESOLVE)
#undef MEMBENCH_RESOLVE
    return l;  // the library stays loaded for the process's life
  }();
  return lib;
}

std::string demangle(const char* name) {
  if (!name) return "";
  int status = 0;
  char* out = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (status != 0 || !out) return name;
  std::string s = out;
  std::free(out);
  return s;
}

std::string die_name(const Libdw& dw, Dwarf_Die* die) {
  Dwarf_Attribute attr;
  for (unsigned at : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name})
    if (dw.dwarf_attr_integrate(die, at, &attr))
      if (const char* s = dw.dwarf_formstring(&attr)) return short_function_name(demangle(s));
  if (dw.dwarf_attr_integrate(die, DW_AT_name, &attr))
    if (const char* s = dw.dwarf_formstring(&attr)) return short_function_name(s);
  return "";
}

bool has_linkage_name(const Libdw& dw, Dwarf_Die* die) {
  Dwarf_Attribute attr;
  return dw.dwarf_attr_integrate(die, DW_AT_linkage_name, &attr) || dw.dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr);
}

bool is_hook_file(const std::string& file) {
  for (const char* hook : {"track/alloc_interpose.cpp", "track/alloc_sites.cpp", "track/operator_new.cpp"}) {
    std::size_t n = std::strlen(hook);
    if (file.size() >= n && file.compare(file.size() - n, n, hook) == 0) return true;
  }
  return false;
}

bool is_hook_function(const std::string& f) {
  static const char* const names[] = {"malloc", "calloc", "realloc", "reallocarray", "free", "memalign",
                                      "aligned_alloc", "posix_memalign", "valloc", "pvalloc"};
  for (const char* n : names)
    if (f == n) return true;
  return f.rfind("operator new", 0) == 0 || f.rfind("_Unwind_", 0) == 0 || f.rfind("uw_", 0) == 0;
}

}  // namespace

namespace {

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

bool ends_with_operator(const std::string& s) { return s.size() >= 8 && s.compare(s.size() - 8, 8, "operator") == 0; }

// Parameter lists out; "(anonymous namespace)" and "operator()" kept.
std::string without_parameters(const std::string& d) {
  std::string out;
  int depth = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    char c = d[i];
    if (depth == 0 && c == '(' && d.compare(i, 21, "(anonymous namespace)") == 0) {
      out += "(anonymous namespace)";
      i += 20;
    } else if (depth == 0 && c == '(' && d.compare(i, 2, "()") == 0 && ends_with_operator(out)) {
      out += "()";
      ++i;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      out += c;
    }
  }
  return out;
}

// Template arguments as "<>" (heaptrack's spelling), a lambda's as "<lambda>".
std::string without_template_arguments(const std::string& d) {
  std::string out;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (d[i] != '<' || ends_with_operator(out)) {
      out += d[i];
      continue;
    }
    std::size_t j = i;
    int depth = 0;
    for (; j < d.size(); ++j) {
      if (d[j] == '<') ++depth;
      else if (d[j] == '>' && --depth == 0) break;
    }
    out += d.compare(i + 1, 6, "lambda") == 0 ? "<lambda>" : "<>";
    i = j;
  }
  return out;
}

}  // namespace

std::string short_function_name(const std::string& demangled) {
  // The compiler's specialised copies ("f(int) [clone .constprop.0]") are the function.
  // A symbol's version ("pthread_create@GLIBC_2.2.5") is not part of its name.
  std::string name = demangled.substr(0, std::min(demangled.find(" [clone "), demangled.find('@')));
  std::string out = without_template_arguments(without_parameters(name));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > 6 && out.compare(out.size() - 6, 6, " const") == 0) out.resize(out.size() - 6);
  // A lambda in a const member function: "f() const::{lambda()#1}" is f's lambda.
  for (const char* qualified : {" const::", " volatile::", " &::", " &&::"}) replace_all(out, qualified, "::");
  // A function template's name starts with its return type: drop it.
  replace_all(out, "(anonymous namespace)", "\x01");
  replace_all(out, "operator ", "operator\x02");
  if (std::size_t sp = out.rfind(' '); sp != std::string::npos) out = out.substr(sp + 1);
  replace_all(out, "\x01", "(anonymous namespace)");
  replace_all(out, "operator\x02", "operator ");
  replace_all(out, "std::__cxx11::basic_string<>", "std::string");
  replace_all(out, "std::basic_string_view<>", "std::string_view");
  replace_all(out, "std::__cxx11::", "std::");
  return out;
}

std::vector<MappedFile> parse_mapped_files(const std::string& maps) {
  // As libdw's dwfl_linux_proc_maps_report groups the lines: consecutive
  // mappings of one file (device and inode) are one module, and lines that
  // map no file (the heap, anonymous memory, [vdso]) are passed over.
  std::vector<MappedFile> files;
  std::uint64_t last_inode = 0;
  unsigned last_major = 0, last_minor = 0;
  std::size_t at = 0;
  while (at < maps.size()) {
    std::size_t end_of_line = std::min(maps.find('\n', at), maps.size());
    std::string line = maps.substr(at, end_of_line - at);
    at = end_of_line + 1;
    std::uint64_t start = 0, end = 0, offset = 0, inode = 0;
    unsigned major = 0, minor = 0;
    int consumed = -1;
    if (std::sscanf(line.c_str(), "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64 " %x:%x %" SCNu64 " %n", &start, &end, &offset,
                    &major, &minor, &inode, &consumed) < 6 ||
        consumed <= 0)
      throw std::runtime_error("cannot read the memory map");
    std::string path = line.substr(static_cast<std::size_t>(consumed));
    path.erase(0, path.find_first_not_of(" \t"));
    if (path.empty() || path[0] != '/' || (inode == 0 && major == 0 && minor == 0)) continue;
    if (!files.empty() && inode == last_inode && major == last_major && minor == last_minor) {
      files.back().high = end;
    } else {
      files.push_back({std::move(path), static_cast<std::uintptr_t>(start), static_cast<std::uintptr_t>(end)});
      last_inode = inode;
      last_major = major;
      last_minor = minor;
    }
  }
  return files;
}

namespace {

struct DwflEnd {
  void operator()(Dwfl* dwfl) const { libdw().dwfl_end(dwfl); }
};

// What a cached module file is checked against before each use: a file
// rebuilt or replaced since it was read differs in one of these.
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

// Only regular files: reading a mapped device could block (libdw's own
// dwfl_linux_proc_find_elf refuses them too).
std::optional<FileIdentity> regular_file_identity(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return FileIdentity{st.st_dev, st.st_ino, st.st_size,
                      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

std::string file_name_of(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A module file read by libdw at its own link-time addresses (as if loaded
// at base 0), with the frames found in it so far.
struct LoadedFile {
  FileIdentity identity;
  std::string name;            // the file's name without its directory
  Dwfl_Callbacks callbacks{};  // the Dwfl points to these and to debuginfo_path
  char* debuginfo_path = nullptr;
  std::unique_ptr<Dwfl, DwflEnd> dwfl;  // declared after what it points to: ended first
  Dwfl_Module* module = nullptr;        // null: not an ELF file libdw can read
  Dwarf_Addr low = 0;                   // the module's first address (its first loadable segment's page)
  std::unordered_map<Dwarf_Addr, std::vector<SymbolFrame>> frames;  // by address in the file
};

// The frame of an address in a mapped file without debug information or
// symbols (or that libdw cannot read): the file's name.
std::vector<SymbolFrame> file_only_frame(const std::string& name) { return {SymbolFrame{"", name, 0, false}}; }

}  // namespace

struct Symbolizer::State {
  std::string source_dir;
  mutable std::mutex mutex;  // over everything below
  std::map<std::string, std::unique_ptr<LoadedFile>> files;  // by path
  std::size_t files_read = 0;

  // `comp_dir`: the compilation unit's directory, against which a file
  // name the compiler recorded as relative ("../src/x.cpp", as a build run
  // through ccache with a base directory records it) is resolved.
  std::string relative(const char* file, const std::string& comp_dir) const {
    if (!file) return "";
    std::string f = file;
    if (!f.empty() && f[0] != '/' && !comp_dir.empty())
      f = (std::filesystem::path(comp_dir) / f).lexically_normal().string();
    if (!source_dir.empty() && f.size() > source_dir.size() + 1 && f.compare(0, source_dir.size(), source_dir) == 0 &&
        f[source_dir.size()] == '/')
      return f.substr(source_dir.size() + 1);
    return f;
  }

  // The file at `path` as it is now on disk: the cached one while it is the
  // same file, else read again. Null when it is not a regular file.
  LoadedFile* file(const std::string& path) {
    std::optional<FileIdentity> identity = regular_file_identity(path);
    if (!identity) return nullptr;
    std::unique_ptr<LoadedFile>& cached = files[path];
    if (cached && cached->identity == *identity) return cached.get();
    cached = read_file(path, *identity);
    return cached.get();
  }

  std::unique_ptr<LoadedFile> read_file(const std::string& path, const FileIdentity& identity) {
    const Libdw& dw = libdw();
    ++files_read;
    auto f = std::make_unique<LoadedFile>();
    f->identity = identity;  // taken before libdw opens it: a file replaced in between is read again next time
    f->name = file_name_of(path);
    f->callbacks.find_elf = dw.dwfl_linux_proc_find_elf;
    f->callbacks.find_debuginfo = dw.dwfl_standard_find_debuginfo;
    f->callbacks.debuginfo_path = &f->debuginfo_path;
    f->dwfl.reset(dw.dwfl_begin(&f->callbacks));
    if (!f->dwfl) throw std::runtime_error("libdw: dwfl_begin failed");
    dw.dwfl_report_begin(f->dwfl.get());
    // Base 0 added to the segments' own addresses: a shared object or a
    // position-independent executable sits where its link-time addresses
    // say, whatever base a process mapped it at.
    f->module = dw.dwfl_report_elf(f->dwfl.get(), path.c_str(), path.c_str(), -1, 0, true);
    dw.dwfl_report_end(f->dwfl.get(), nullptr, nullptr);
    if (f->module) dw.dwfl_module_info(f->module, nullptr, &f->low, nullptr, nullptr, nullptr, nullptr, nullptr);
    return f;
  }

  std::vector<SymbolFrame> frames_in(const LoadedFile& f, Dwarf_Addr address) const;
};

std::vector<SymbolFrame> Symbolizer::State::frames_in(const LoadedFile& f, Dwarf_Addr address) const {
  const Libdw& dw = libdw();
  std::vector<SymbolFrame> out;
  Dwfl_Module* mod = f.module;
  // The line of the innermost frame comes from the line table; each inlined
  // call's own line is where its caller called it.
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = dw.dwfl_module_addrdie(mod, address, &bias);
  std::string file;
  std::uint32_t line = 0;
  std::string comp_dir;
  Dwarf_Attribute comp_dir_attr;
  if (cu && dw.dwarf_attr_integrate(cu, DW_AT_comp_dir, &comp_dir_attr))
    if (const char* d = dw.dwarf_formstring(&comp_dir_attr)) comp_dir = d;
  // Only a compilation unit with debug information covering the address
  // has its line; another unit's nearest line would be a wrong one.
  if (Dwfl_Line* l = cu ? dw.dwfl_module_getsrc(mod, address) : nullptr) {
    int ln = 0;
    file = relative(dw.dwfl_lineinfo(l, nullptr, &ln, nullptr, nullptr, nullptr), comp_dir);
    line = static_cast<std::uint32_t>(ln > 0 ? ln : 0);
  }
  Dwarf_Die* scopes = nullptr;
  int n = cu ? dw.dwarf_getscopes(cu, address - bias, &scopes) : 0;
  // Past an inlined call, dwarf_getscopes follows the callee's abstract
  // definition; the chain of concrete scopes holding the innermost function
  // (its callers, inlined or not) comes from dwarf_getscopes_die.
  for (int i = 0; i < n; ++i) {
    int tag = dw.dwarf_tag(&scopes[i]);
    if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram) continue;
    Dwarf_Die innermost = scopes[i];
    std::free(scopes);
    scopes = nullptr;
    n = dw.dwarf_getscopes_die(&innermost, &scopes);
    break;
  }
  Dwarf_Files* files = nullptr;
  std::size_t nfiles = 0;
  if (cu && dw.dwarf_getsrcfiles(cu, &files, &nfiles) != 0) files = nullptr;
  for (int i = 0; i < n; ++i) {
    int tag = dw.dwarf_tag(&scopes[i]);
    if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram) continue;
    std::string name = die_name(dw, &scopes[i]);
    // An out-of-line function without a linkage name in the debug information
    // (one in an anonymous namespace): the symbol table has its full name.
    if (tag == DW_TAG_subprogram && !has_linkage_name(dw, &scopes[i]))
      if (const char* sym = dw.dwfl_module_addrname(mod, address)) name = short_function_name(demangle(sym));
    out.push_back({name, file, line, false});
    if (tag == DW_TAG_subprogram) break;
    Dwarf_Attribute attr;
    Dwarf_Word call_file = 0, call_line = 0;
    if (dw.dwarf_attr_integrate(&scopes[i], DW_AT_call_file, &attr)) dw.dwarf_formudata(&attr, &call_file);
    if (dw.dwarf_attr_integrate(&scopes[i], DW_AT_call_line, &attr)) dw.dwarf_formudata(&attr, &call_line);
    file = files && call_file < nfiles ? relative(dw.dwarf_filesrc(files, call_file, nullptr, nullptr), comp_dir) : "";
    line = static_cast<std::uint32_t>(call_line);
  }
  std::free(scopes);
  if (out.empty()) {
    // No debug information: the symbol table's name, the module's file.
    const char* sym = dw.dwfl_module_addrname(mod, address);
    out.push_back({sym ? short_function_name(demangle(sym)) : "", file.empty() ? f.name : file, line, false});
  }
  for (SymbolFrame& frame : out) frame.in_hook = is_hook_file(frame.file) || is_hook_function(frame.function);
  return out;
}

Symbolizer::Symbolizer(std::string source_dir) : state_(std::make_unique<State>()) {
  const Libdw& dw = libdw();
  if (!dw.error.empty()) throw std::runtime_error(dw.error);
  state_->source_dir = std::move(source_dir);
}

Symbolizer::~Symbolizer() = default;

std::vector<std::vector<SymbolFrame>> Symbolizer::frames(const std::string& maps,
                                                         const std::vector<std::uintptr_t>& addresses) {
  std::vector<MappedFile> mapped = parse_mapped_files(maps);
  std::sort(mapped.begin(), mapped.end(), [](const MappedFile& a, const MappedFile& b) { return a.low < b.low; });
  std::lock_guard lock(state_->mutex);
  std::map<std::string, LoadedFile*> loaded;  // this process's files, each looked at once
  std::vector<std::vector<SymbolFrame>> out;
  out.reserve(addresses.size());
  for (std::uintptr_t address : addresses) {
    auto after = std::upper_bound(mapped.begin(), mapped.end(), address,
                                  [](std::uintptr_t a, const MappedFile& m) { return a < m.low; });
    if (after == mapped.begin() || address >= std::prev(after)->high) {
      out.push_back({SymbolFrame{"", "", 0, false}});
      continue;
    }
    const MappedFile& m = *std::prev(after);
    auto [it, fresh] = loaded.emplace(m.path, nullptr);
    if (fresh) it->second = state_->file(m.path);
    LoadedFile* f = it->second;
    if (!f || !f->module) {
      out.push_back(file_only_frame(file_name_of(m.path)));
      continue;
    }
    // The same offset from the module's start as in the process: libdw
    // places a mapped module the same way (its bias is where the first
    // mapping starts less the first segment's page).
    Dwarf_Addr in_file = address - m.low + f->low;
    auto cached = f->frames.find(in_file);
    if (cached == f->frames.end()) cached = f->frames.emplace(in_file, state_->frames_in(*f, in_file)).first;
    out.push_back(cached->second);
  }
  return out;
}

std::size_t Symbolizer::files_read() const {
  std::lock_guard lock(state_->mutex);
  return state_->files_read;
}

}  // namespace membench::runner
