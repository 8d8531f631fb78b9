// Prints util/format's text for each number given on the command line, one
// per line as "<argument>\t<format_bytes>": tests/js/format.test.js runs it
// and holds the page script's formatBytes to the same text.
#include <cstdio>
#include <cstdlib>

#include "util/format.h"

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    char* end = nullptr;
    double v = std::strtod(argv[i], &end);
    if (end == argv[i] || *end != '\0') {
      std::fprintf(stderr, "format_values: not a number: %s\n", argv[i]);
      return 2;
    }
    std::printf("%s\t%s\n", argv[i], membench::format_bytes(v).c_str());
  }
  return 0;
}
