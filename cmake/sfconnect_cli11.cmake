# CLI11 (header-only; Debian libcli11-dev, installed by scripts/deps) parses the command lines of the
# tools and benchmark programs: a dependency of those programs only, never of the library.
# sfconnect_require_cli11(<who>) makes the target CLI11::CLI11 available or stops with a clear message.
macro(sfconnect_require_cli11 who)
  if(NOT TARGET CLI11::CLI11)
    find_package(CLI11 CONFIG QUIET)
  endif()
  if(NOT TARGET CLI11::CLI11)
    find_path(SFCONNECT_CLI11_INCLUDE_DIR CLI/CLI.hpp)
    if(NOT SFCONNECT_CLI11_INCLUDE_DIR)
      message(FATAL_ERROR "sfconnect ${who} need CLI11 (header-only, CLI/CLI.hpp): install libcli11-dev "
                          "(scripts/deps does) or pass -DSFCONNECT_CLI11_INCLUDE_DIR=<dir>")
    endif()
    add_library(CLI11::CLI11 INTERFACE IMPORTED)
    target_include_directories(CLI11::CLI11 INTERFACE ${SFCONNECT_CLI11_INCLUDE_DIR})
  endif()
endmacro()
