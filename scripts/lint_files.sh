# Shared by scripts/format and scripts/lint (sourced, not run): which files the house tools cover
# and which clang tools they use.

# Vendored code keeps its upstream format and is never linted.
lint_vendored_regex='^tests/catch\.hpp$'

# Every tracked C++ file that follows the house format, one per line, relative to the repository root.
formatted_files() {
  git -C "$root" ls-files -- '*.hpp' '*.cpp' '*.ipp' '*.h' '*.cc' | grep -Ev "$lint_vendored_regex"
}

# find_clang_tool format|tidy: the version-14 binary. 14 is the reference (Debian 12): other major
# versions format some constructs differently and have other checks.
find_clang_tool() {
  local c
  for c in "clang-$1-14" "clang-$1"; do
    if command -v "$c" >/dev/null && "$c" --version | grep -q 'version 14\.'; then echo "$c"; return; fi
  done
  echo "scripts/lint: clang-$1 14 not found (Debian 12: apt-get install clang-$1-14)" >&2
  return 1
}
