# Compiles SOURCE and passes only if compilation FAILS with every text given in the source's
# "// expect-error: <text>" lines (so a failure for an unrelated reason does not count).
# A sibling check compiles the same file with -DSFCONNECT_COMPILE_FAIL_CONTROL, which must SUCCEED:
# that proves the snippet is valid apart from the line under test.
file(STRINGS ${SOURCE} expect_lines REGEX "^// expect-error: ")
if(NOT expect_lines)
  message(FATAL_ERROR "${SOURCE} has no '// expect-error:' line")
endif()
set(include_flags "")
foreach(dir IN LISTS INCLUDE_DIRS)
  if(dir)
    list(APPEND include_flags "-I${dir}")
  endif()
endforeach()

execute_process(
  COMMAND ${COMPILER} -std=c++20 -fsyntax-only ${include_flags} ${SOURCE}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but it must not")
endif()
foreach(line IN LISTS expect_lines)
  string(REGEX REPLACE "^// expect-error: " "" needle "${line}")
  string(FIND "${err}${out}" "${needle}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "${SOURCE} failed to compile, but not with '${needle}':\n${err}")
  endif()
endforeach()

execute_process(
  COMMAND ${COMPILER} -std=c++20 -fsyntax-only -DSFCONNECT_COMPILE_FAIL_CONTROL ${include_flags} ${SOURCE}
  RESULT_VARIABLE rc2 OUTPUT_VARIABLE out2 ERROR_VARIABLE err2)
if(NOT rc2 EQUAL 0)
  message(FATAL_ERROR "control build of ${SOURCE} (without the failing line) must compile:\n${err2}")
endif()
message(STATUS "${SOURCE}: fails as expected")
