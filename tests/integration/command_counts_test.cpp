// run --command: every process of the command's tree is counted however it
// ends (exit, _exit, exec, a signal), and a process that cannot be counted
// leaves the case without allocation figures, named with its reason
// (docs/command-cases.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "process_helpers.h"

using nlohmann::json;

namespace {

// Lines of digits in a fixed shuffled order: several MiB of sort output,
// far more than a pipe holds, so `head` leaves sort writing into a closed pipe.
std::string numbers_file(const std::string& dir) {
  std::string path = dir + "/numbers.txt";
  std::ofstream out(path);
  unsigned x = 12345;
  for (int i = 0; i < 200000; ++i) {
    x = x * 1103515245u + 12345u;
    out << (x % 1000003) << " line " << i << "\n";
  }
  return path;
}

// `compare_outputs`: the commands' outputs must agree with the first's.
json count_run(const std::string& dir, const std::vector<std::string>& commands, int expected_exit = 0,
               bool compare_outputs = false) {
  std::string out = dir + "/report.json";
  std::vector<std::string> args{"run", "--shell", "--dataset", numbers_file(dir), "--phases", "count", "--out", out};
  if (!compare_outputs) args.push_back("--ignore-output");
  for (const std::string& c : commands) args.insert(args.end(), {"--command", c});
  CommandResult r = run_membench(args);
  EXPECT_EQ(r.exit_code, expected_exit) << r.err << r.out;
  return json::parse(read_text(out));
}

const json& case_named(const json& rep, const std::string& strategy) {
  for (const json& c : rep["results"])
    if (c["strategy"] == strategy) return c;
  static const json none = json::object();
  ADD_FAILURE() << "no case " << strategy;
  return none;
}

// The counted images whose executable ends with `name` ("/sort").
std::vector<json> images_of(const json& c, const std::string& name) {
  std::vector<json> found;
  for (const json& p : c["command"]["allocation_processes"]) {
    std::string exe = p["exe"];
    if (exe.size() >= name.size() && exe.compare(exe.size() - name.size(), name.size(), name) == 0) found.push_back(p);
  }
  return found;
}

std::uint64_t bytes_of(const json& c) { return c["allocations"]["bytes"].get<std::uint64_t>(); }

// A case in which python exec'd sort (as `exec_path`): its python image and
// the sort image it became, one each, the same process; null when not.
struct PythonExecOfSort {
  json python, sort;
};
PythonExecOfSort python_exec_of_sort(const json& c, const std::string& exec_path) {
  EXPECT_EQ(c["status"], "ok") << c["error"];
  EXPECT_TRUE(c.contains("allocations")) << c.value("allocations_unavailable", "");
  std::vector<json> pythons = images_of(c, "/python3.11");
  if (pythons.empty()) pythons = images_of(c, "/python3");
  std::vector<json> sorts = images_of(c, "/sort");
  EXPECT_EQ(pythons.size(), 1u) << c["command"].dump();
  EXPECT_EQ(sorts.size(), 1u) << c["command"].dump();
  if (pythons.size() != 1 || sorts.size() != 1 || !c.contains("allocations")) return {};
  EXPECT_EQ(pythons[0]["end"], "exec");
  EXPECT_EQ(pythons[0]["exec"], exec_path);
  EXPECT_EQ(pythons[0]["pid"], sorts[0]["pid"]);
  EXPECT_EQ(sorts[0]["end"], "exit");
  return {pythons[0], sorts[0]};
}

}  // namespace

// head exits after 100 bytes; sort, still writing, dies of SIGPIPE. Its
// totals are in the counts file all the same: the pipeline allocates at
// least what sort alone does.
TEST(CommandCounts, SortKilledBySigpipeIsCounted) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("the counting library is not preloaded into a sanitizer build's commands");
  std::string dir = test_dir("counts_sigpipe");
  json rep = count_run(dir, {"pipe=sort {input} | head -c 100", "direct=sort {input}"});
  const json& pipe = case_named(rep, "pipe");
  const json& direct = case_named(rep, "direct");
  ASSERT_EQ(pipe["status"], "ok") << pipe["error"];
  ASSERT_EQ(direct["status"], "ok") << direct["error"];
  ASSERT_TRUE(pipe.contains("allocations")) << pipe.value("allocations_unavailable", "");
  std::vector<json> sorts = images_of(pipe, "/sort");
  ASSERT_EQ(sorts.size(), 1u) << pipe["command"].dump();
  EXPECT_EQ(sorts[0]["end"], "no_exit") << "sort was killed by SIGPIPE";
  // sort's own buffers: the same order of magnitude as sort alone.
  EXPECT_GE(sorts[0]["bytes"].get<double>(), 0.5 * static_cast<double>(bytes_of(direct))) << pipe["command"].dump();
  EXPECT_GE(bytes_of(pipe), sorts[0]["bytes"].get<std::uint64_t>());
}

// sh -c: the shell's own allocations are counted (dash ends with _exit,
// which runs no destructor), beside each program it starts.
TEST(CommandCounts, ShellIsCountedWithItsCommands) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("the counting library is not preloaded into a sanitizer build's commands");
  std::string dir = test_dir("counts_shell");
  json rep = count_run(dir, {"loop=for i in 1 2 3; do cat {input} >/dev/null; done; echo done"});
  const json& c = case_named(rep, "loop");
  ASSERT_EQ(c["status"], "ok") << c["error"];
  ASSERT_TRUE(c.contains("allocations")) << c.value("allocations_unavailable", "");
  const json& processes = c["command"]["allocation_processes"];
  ASSERT_FALSE(processes.empty());
  // The first image is the shell itself: `sh -c` was exec'd first.
  const json& shell = processes[0];
  EXPECT_TRUE(shell["exe"].get<std::string>().ends_with("sh")) << shell.dump();
  EXPECT_NE(shell["end"], "exec") << shell.dump();
  EXPECT_GT(shell["count"].get<std::uint64_t>(), 0u) << shell.dump();
  std::uint64_t sum = 0;
  for (const json& p : processes) sum += p["count"].get<std::uint64_t>();
  EXPECT_EQ(c["allocations"]["count"].get<std::uint64_t>(), sum) << "the case is the sum of its processes";
  EXPECT_EQ(images_of(c, "/cat").size(), 3u) << c["command"].dump();
}

// A process killed by SIGKILL in the middle of its work keeps what it had
// counted: python allocates 2000 blocks of 4000 bytes and kills itself.
TEST(CommandCounts, ProcessKilledBySigkillKeepsItsCounts) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("the counting library is not preloaded into a sanitizer build's commands");
  std::string dir = test_dir("counts_sigkill");
  json rep = count_run(dir, {"killed=/usr/bin/python3 -c 'import os, signal; keep = [bytearray(4000) for _ in "
                             "range(2000)]; os.kill(os.getpid(), signal.SIGKILL)'; echo after"});
  const json& c = case_named(rep, "killed");
  ASSERT_EQ(c["status"], "ok") << c["error"];
  ASSERT_TRUE(c.contains("allocations")) << c.value("allocations_unavailable", "");
  std::vector<json> pythons = images_of(c, "/python3.11");
  if (pythons.empty()) pythons = images_of(c, "/python3");
  ASSERT_EQ(pythons.size(), 1u) << c["command"].dump();
  EXPECT_EQ(pythons[0]["end"], "no_exit");
  EXPECT_GE(pythons[0]["count"].get<std::uint64_t>(), 2000u);
  EXPECT_GE(pythons[0]["bytes"].get<std::uint64_t>(), 2000u * 4000u);
}

// python allocates, then execs sort in the same process: both programs are
// counted, the first with end "exec", the second under the same pid.
TEST(CommandCounts, ProcessThatExecsIsCountedAsBothPrograms) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("the counting library is not preloaded into a sanitizer build's commands");
  std::string dir = test_dir("counts_exec");
  json rep = count_run(dir, {"exec=/usr/bin/python3 -c 'import os, sys; keep = [bytearray(4000) for _ in "
                             "range(2000)]; os.execv(\"/usr/bin/sort\", [\"sort\", sys.argv[1]])' {input}",
                             "sort=sort {input}"});
  const json& c = case_named(rep, "exec");
  const PythonExecOfSort images = python_exec_of_sort(c, "/usr/bin/sort");
  ASSERT_FALSE(images.python.is_null());
  EXPECT_GE(images.python["bytes"].get<std::uint64_t>(), 2000u * 4000u);
  // Sort alone allocates as much as the exec'd sort; the case holds both programs.
  std::uint64_t sort_alone = bytes_of(case_named(rep, "sort"));
  EXPECT_GE(bytes_of(c), sort_alone / 2 + images.python["bytes"].get<std::uint64_t>());
}

// execl, execlp and execle (called from python through ctypes, so that the
// preloaded library's definitions are the ones called): the argument list
// reaches sort whole (its output is the reference's), execle's environment
// keeps the library loaded, and both programs are counted.
TEST(CommandCounts, ExeclFormsAreCountedAsBothPrograms) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("the counting library is not preloaded into a sanitizer build's commands");
  std::string dir = test_dir("counts_execl");
  std::string script = dir + "/exec_list.py";
  std::ofstream(script) << R"(import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
s = ctypes.c_char_p
form, path = sys.argv[1], s(sys.argv[2].encode())
keep = [bytearray(4000) for _ in range(500)]
if form == "execl":
    libc.execl(s(b"/usr/bin/sort"), s(b"sort"), s(b"-r"), path, None)
elif form == "execlp":
    libc.execlp(s(b"sort"), s(b"sort"), s(b"-r"), path, None)
else:
    env = [(k + "=" + v).encode() for k, v in os.environ.items()]
    libc.execle(s(b"/usr/bin/sort"), s(b"sort"), s(b"-r"), path, None, (s * (len(env) + 1))(*env, None))
sys.exit(form + " failed: " + os.strerror(ctypes.get_errno()))
)";
  std::vector<std::string> commands{"reference=sort -r {input}"};
  for (const char* form : {"execl", "execlp", "execle"})
    commands.push_back(std::string(form) + "=/usr/bin/python3 " + script + " " + form + " {input}");
  json rep = count_run(dir, commands, 0, true);
  for (const char* form : {"execl", "execlp", "execle"}) {
    SCOPED_TRACE(form);
    const json& c = case_named(rep, form);
    const PythonExecOfSort images =
        python_exec_of_sort(c, std::string(form) == "execlp" ? "sort" : "/usr/bin/sort");
    ASSERT_FALSE(images.python.is_null());
    EXPECT_GE(images.python["bytes"].get<std::uint64_t>(), 500u * 4000u);
  }
}

// A shell that execs a statically linked program: that program cannot be
// counted, so the case has no allocation figures and every output says which
// process is missing and why.
TEST(CommandCounts, ExecOfAStaticProgramIsReportedMissing) {
  MEMBENCH_SKIP_IN_SANITIZER_BUILD("the counting library is not preloaded into a sanitizer build's commands");
  if (!std::filesystem::exists("/sbin/ldconfig")) GTEST_SKIP() << "no /sbin/ldconfig";
  std::string dir = test_dir("counts_static_exec");
  json rep = count_run(dir, {"static=cat {input} >/dev/null; /sbin/ldconfig --version"});
  const json& c = case_named(rep, "static");
  ASSERT_EQ(c["status"], "ok") << c["error"];
  EXPECT_FALSE(c.contains("allocations")) << "a partial sum must not stand for the whole";
  std::string why = c.value("allocations_unavailable", "");
  EXPECT_NE(why.find("1 of the command's processes could not be counted"), std::string::npos) << why;
  EXPECT_NE(why.find("/sbin/ldconfig"), std::string::npos) << why;
  EXPECT_NE(why.find("statically linked"), std::string::npos) << why;
  ASSERT_EQ(c["command"]["allocation_missing"].size(), 1u) << c["command"].dump();
  EXPECT_EQ(c["command"]["allocation_missing"][0]["program"], "/sbin/ldconfig");
  // The processes that were counted are still listed, each with its own figures.
  EXPECT_EQ(images_of(c, "/cat").size(), 1u) << c["command"].dump();
  std::string report = dir + "/report.json";
  CommandResult md = run_membench({"report", report, "--markdown", "-"});
  EXPECT_NE(md.out.find("allocations: unavailable (1 of the command's processes could not be counted"),
            std::string::npos)
      << md.out;
  CommandResult html = run_membench({"report", report, "-o", dir + "/report.html"});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_NE(read_text(dir + "/report.html").find("could not be counted"), std::string::npos);
}
