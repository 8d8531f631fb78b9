#include "runner/symbolize.h"

#include <cxxabi.h>
#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>

namespace membench::runner {
namespace {

// The libdw functions used, resolved once from the dlopen'ed library.
#define MEMBENCH_LIBDW_FUNCTIONS(X)                                                                      \
  X(dwfl_begin) X(dwfl_end) X(dwfl_report_begin) X(dwfl_report_end) X(dwfl_linux_proc_maps_report)      \
  X(dwfl_linux_proc_find_elf) X(dwfl_standard_find_debuginfo) X(dwfl_addrmodule) X(dwfl_module_addrdie) \
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

struct Symbolizer::State {
  Dwfl_Callbacks callbacks{};
  char* debuginfo_path = nullptr;
  Dwfl* dwfl = nullptr;
  std::string source_dir;
  ~State() {
    if (dwfl) libdw().dwfl_end(dwfl);
  }
  std::string relative(const char* file) const {
    if (!file) return "";
    std::string f = file;
    if (!source_dir.empty() && f.size() > source_dir.size() + 1 && f.compare(0, source_dir.size(), source_dir) == 0 &&
        f[source_dir.size()] == '/')
      return f.substr(source_dir.size() + 1);
    return f;
  }
};

Symbolizer::Symbolizer(const std::string& maps, std::string source_dir) : state_(std::make_unique<State>()) {
  const Libdw& dw = libdw();
  if (!dw.error.empty()) throw std::runtime_error(dw.error);
  state_->source_dir = std::move(source_dir);
  state_->callbacks.find_elf = dw.dwfl_linux_proc_find_elf;
  state_->callbacks.find_debuginfo = dw.dwfl_standard_find_debuginfo;
  state_->callbacks.debuginfo_path = &state_->debuginfo_path;
  state_->dwfl = dw.dwfl_begin(&state_->callbacks);
  if (!state_->dwfl) throw std::runtime_error("libdw: dwfl_begin failed");
  std::FILE* in = ::fmemopen(const_cast<char*>(maps.data()), maps.size(), "r");
  if (!in) throw std::runtime_error("cannot read the memory map");
  dw.dwfl_report_begin(state_->dwfl);
  int rc = dw.dwfl_linux_proc_maps_report(state_->dwfl, in);
  std::fclose(in);
  dw.dwfl_report_end(state_->dwfl, nullptr, nullptr);
  if (rc != 0) throw std::runtime_error("libdw could not read the memory map");
}

Symbolizer::~Symbolizer() = default;

std::vector<SymbolFrame> Symbolizer::frames(std::uintptr_t address) {
  const Libdw& dw = libdw();
  std::vector<SymbolFrame> out;
  Dwfl_Module* mod = dw.dwfl_addrmodule(state_->dwfl, address);
  if (!mod) return {SymbolFrame{"", "", 0, false}};
  const char* module_name = dw.dwfl_module_info(mod, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
  std::string module_file = module_name ? module_name : "";
  if (auto slash = module_file.rfind('/'); slash != std::string::npos) module_file = module_file.substr(slash + 1);
  // The line of the innermost frame comes from the line table; each inlined
  // call's own line is where its caller called it.
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = dw.dwfl_module_addrdie(mod, address, &bias);
  std::string file;
  std::uint32_t line = 0;
  // Only a compilation unit with debug information covering the address
  // has its line; another unit's nearest line would be a wrong one.
  if (Dwfl_Line* l = cu ? dw.dwfl_module_getsrc(mod, address) : nullptr) {
    int ln = 0;
    file = state_->relative(dw.dwfl_lineinfo(l, nullptr, &ln, nullptr, nullptr, nullptr));
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
    file = files && call_file < nfiles ? state_->relative(dw.dwarf_filesrc(files, call_file, nullptr, nullptr)) : "";
    line = static_cast<std::uint32_t>(call_line);
  }
  std::free(scopes);
  if (out.empty()) {
    // No debug information: the symbol table's name, the module's file.
    const char* sym = dw.dwfl_module_addrname(mod, address);
    out.push_back({sym ? short_function_name(demangle(sym)) : "", file.empty() ? module_file : file, line, false});
  }
  for (SymbolFrame& f : out) f.in_hook = is_hook_file(f.file) || is_hook_function(f.function);
  return out;
}

}  // namespace membench::runner
