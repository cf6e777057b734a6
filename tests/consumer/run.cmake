# ctest -P script: builds and runs tests/consumer (an outside project) the way a user would take sfconnect.
#   MODE=find_package        cmake --install to a temporary prefix, then find_package(sfconnect)
#   MODE=add_subdirectory    add_subdirectory(<checkout>)
#   MODE=fetchcontent        FetchContent_Declare(URL file://<source archive of the checkout> URL_HASH ...)
#   MODE=pkg_config          no CMake on the user's side: $CXX main.cpp $(pkg-config --cflags --libs sfconnect)
#   MODE=redis_component     cmake --install, then find_package(sfconnect COMPONENTS redis) and a program
#                            linking sfconnect::redis (hiredis found through the installed config)
#   MODE=missing_dependency  find_package(sfconnect) with Boost, OpenSSL, ZLIB or Threads unfindable must fail
#                            with sfconnect's message naming the missing package
# Inputs: SOURCE_DIR, BINARY_DIR (sfconnect's build tree), COMPILER, LAUNCHER (may be empty), EXPECT_BIN
# (comma-separated tools the install must contain). The installed and pkg-config consumers also fetch a
# token from the emulator; the other two compile the same target, so they only validate (keeps CI short).
set(work ${BINARY_DIR}/consumer-${MODE})
file(REMOVE_RECURSE ${work})
set(launcher_arg "")
if(LAUNCHER)
  set(launcher_arg -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()

function(run_or_fail what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

function(install_to prefix)
  run_or_fail("cmake --install" ${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${prefix})
  set(expected share/cmake/sfconnect/sfconnectConfig.cmake share/cmake/sfconnect/sfconnectConfigVersion.cmake
      share/cmake/sfconnect/sfconnectTargets.cmake share/pkgconfig/sfconnect.pc
      include/sfconnect/sfconnect.hpp include/sfconnect/testing/emulator.hpp
      share/doc/sfconnect/LICENSE share/doc/sfconnect/README.md share/doc/sfconnect/CHANGELOG.md
      share/doc/sfconnect/docs/index.md share/doc/sfconnect/docs/packaging.md)
  string(REPLACE "," ";" tools "${EXPECT_BIN}")
  foreach(tool IN LISTS tools)
    list(APPEND expected bin/${tool})
  endforeach()
  foreach(f IN LISTS expected)
    if(NOT EXISTS ${prefix}/${f})
      message(FATAL_ERROR "the install is missing ${f}")
    endif()
  endforeach()
  # Header-only: nothing architecture-specific may land in lib/.
  file(GLOB_RECURSE libfiles ${prefix}/lib/* ${prefix}/lib64/*)
  if(libfiles)
    message(FATAL_ERROR "a header-only install put files in lib/: ${libfiles}")
  endif()
endfunction()

function(configure_consumer build)
  run_or_fail("configuring the consumer" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer -B ${build} -G Ninja
              -DCMAKE_CXX_COMPILER=${COMPILER} ${launcher_arg} ${ARGN})
endfunction()

function(run_consumer exe)
  run_or_fail("the consumer" ${exe})
  message(STATUS "${out}")
endfunction()

if(MODE STREQUAL "missing_dependency")
  install_to(${work}/prefix)
  foreach(dep IN ITEMS Boost OpenSSL ZLIB Threads)
    execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer -B ${work}/build-${dep} -G Ninja
                            -DCMAKE_CXX_COMPILER=${COMPILER} -DCMAKE_PREFIX_PATH=${work}/prefix
                            -DCMAKE_DISABLE_FIND_PACKAGE_${dep}=ON
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc)
      message(FATAL_ERROR "find_package(sfconnect) succeeded although ${dep} could not be found")
    endif()
    # find_package(sfconnect REQUIRED) prints the config file's reason; it must name the package.
    string(REGEX REPLACE "[ \n]+" " " err "${err}")
    if(NOT err MATCHES "Reason given by package: sfconnect needs ${dep}")
      message(FATAL_ERROR "the error for a missing ${dep} does not name it:\n${err}")
    endif()
    string(REGEX MATCH "Reason given by package: .*" reason "${err}")
    string(STRIP "${reason}" reason)
    message(STATUS "${dep} unfindable -> ${reason}")
  endforeach()
elseif(MODE STREQUAL "find_package")
  install_to(${work}/prefix)
  configure_consumer(${work}/build -DCMAKE_PREFIX_PATH=${work}/prefix -DCONSUMER_FETCH_TOKEN=ON)
  run_or_fail("building the consumer" ${CMAKE_COMMAND} --build ${work}/build)
  run_consumer(${work}/build/consumer)
elseif(MODE STREQUAL "redis_component")
  install_to(${work}/prefix)
  if(NOT EXISTS ${work}/prefix/share/cmake/sfconnect/sfconnectRedisTargets.cmake)
    message(FATAL_ERROR "the install is missing share/cmake/sfconnect/sfconnectRedisTargets.cmake")
  endif()
  configure_consumer(${work}/build -DCMAKE_PREFIX_PATH=${work}/prefix -DCONSUMER_REDIS=ON)
  run_or_fail("building the Redis consumer" ${CMAKE_COMMAND} --build ${work}/build --target consumer_redis)
  run_consumer(${work}/build/consumer_redis)
elseif(MODE STREQUAL "pkg_config")
  install_to(${work}/prefix)
  run_or_fail("pkg-config" ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${work}/prefix/share/pkgconfig
              pkg-config --cflags --libs sfconnect)
  string(STRIP "${out}" flags)
  message(STATUS "pkg-config --cflags --libs sfconnect: ${flags}")
  separate_arguments(flags UNIX_COMMAND "${flags}")
  file(MAKE_DIRECTORY ${work}/build)
  # Compile and link as two commands, as a Makefile would (and so that ccache can cache the compile).
  run_or_fail("compiling with pkg-config flags" ${LAUNCHER} ${COMPILER} -DSFCONNECT_CONSUMER_FETCH_TOKEN
              -c ${SOURCE_DIR}/tests/consumer/main.cpp -o ${work}/build/main.o ${flags})
  run_or_fail("linking with pkg-config flags" ${COMPILER} ${work}/build/main.o -o ${work}/build/consumer ${flags})
  run_consumer(${work}/build/consumer)
elseif(MODE STREQUAL "add_subdirectory")
  configure_consumer(${work}/build -DSFCONNECT_SOURCE_DIR=${SOURCE_DIR})
  run_or_fail("building the consumer" ${CMAKE_COMMAND} --build ${work}/build)
  run_consumer(${work}/build/consumer)
elseif(MODE STREQUAL "fetchcontent")
  # A source archive of the checkout, laid out like a release tarball (one top-level directory), so
  # FetchContent works offline exactly as it does with a download URL.
  set(stage ${work}/stage/sfconnect-src)
  file(MAKE_DIRECTORY ${stage})
  foreach(entry IN ITEMS CMakeLists.txt cmake include tools docs LICENSE README.md CHANGELOG.md)
    file(COPY ${SOURCE_DIR}/${entry} DESTINATION ${stage})
  endforeach()
  run_or_fail("packing the source archive" ${CMAKE_COMMAND} -E chdir ${work}/stage
              ${CMAKE_COMMAND} -E tar czf ${work}/sfconnect-src.tar.gz sfconnect-src)
  file(SHA256 ${work}/sfconnect-src.tar.gz hash)
  configure_consumer(${work}/build -DSFCONNECT_URL=file://${work}/sfconnect-src.tar.gz
                     -DSFCONNECT_URL_HASH=${hash} -DFETCHCONTENT_BASE_DIR=${work}/deps)
  run_or_fail("building the consumer" ${CMAKE_COMMAND} --build ${work}/build)
  run_consumer(${work}/build/consumer)
else()
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()
