#include "util/command_words.h"

#include <string_view>

namespace membench {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

[[noreturn]] void refuse(char c, const char* what) {
  std::string text = "'";
  text += c;
  text += "' ";
  text += what;
  throw CommandWordsError(text);
}

// Inside double quotes a backslash escapes only these (POSIX).
bool escapable_in_double_quotes(char c) { return c == '$' || c == '`' || c == '"' || c == '\\' || c == '\n'; }

}  // namespace

std::vector<std::string> split_command_words(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (is_space(c)) {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
      continue;
    }
    if (c == '\'') {
      std::size_t end = line.find('\'', i + 1);
      if (end == std::string::npos) throw CommandWordsError("unterminated single quote");
      word.append(line, i + 1, end - i - 1);
      i = end;
    } else if (c == '"') {
      std::size_t j = i + 1;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size() && escapable_in_double_quotes(line[j + 1])) {
          ++j;
          if (line[j] != '\n') word += line[j];
        } else if (line[j] == '$' || line[j] == '`') {
          refuse(line[j], "inside double quotes expands in a shell: use single quotes, or --shell");
        } else {
          word += line[j];
        }
      }
      if (j >= line.size()) throw CommandWordsError("unterminated double quote");
      i = j;
    } else if (c == '\\') {
      if (i + 1 >= line.size()) throw CommandWordsError("a backslash at the end escapes nothing");
      ++i;
      if (line[i] != '\n') word += line[i];
    } else if (std::string_view("|&;<>()`$").find(c) != std::string_view::npos) {
      refuse(c, "is shell syntax (pipes, redirections, variables need --shell; quote it to pass it literally)");
    } else if (std::string_view("*?[").find(c) != std::string_view::npos) {
      refuse(c, "is a glob a shell would expand: quote it, or use --shell");
    } else if ((c == '~' || c == '#') && !in_word) {
      refuse(c, c == '~' ? "at the start of a word is expanded by a shell: use a full path, or --shell"
                         : "starts a comment in a shell: quote it, or use --shell");
    } else {
      word += c;
    }
    in_word = true;
  }
  if (in_word) words.push_back(word);
  return words;
}

}  // namespace membench
