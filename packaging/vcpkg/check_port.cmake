# Checks the overlay port without vcpkg (which this machine cannot download):
#   cmake -DWORK_DIR=<scratch dir> [-DCXX=<compiler>] -P packaging/vcpkg/check_port.cmake
# - ports/sfconnect/vcpkg.json and the root vcpkg.json are valid JSON with the expected fields;
# - portfile.cmake runs under stand-ins for the vcpkg helpers it calls. The stand-ins check the
#   arguments, and the two that build do what vcpkg_cmake_configure/install do at their core (a
#   real configure of the checkout with the port's options, a real install into the package dir), so
#   the port's file operations run on a real install tree and the resulting layout is asserted.
# This is NOT a vcpkg run: no triplet, toolchain, binary cache, post-build checks or dependency
# resolution. docs/packaging.md says what was and was not run.
cmake_minimum_required(VERSION 3.25)
if(NOT WORK_DIR)
  message(FATAL_ERROR "pass -DWORK_DIR=<scratch directory>")
endif()
get_filename_component(repo "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(port_dir "${CMAKE_CURRENT_LIST_DIR}/ports/sfconnect")

function(expect cond_text)
  if(NOT (${ARGN}))
    message(FATAL_ERROR "check failed: ${cond_text}")
  endif()
endfunction()

# --- the manifests ---------------------------------------------------------------------------------
file(READ "${port_dir}/vcpkg.json" port_json)
string(JSON name GET "${port_json}" name)
string(JSON VERSION GET "${port_json}" version)
string(JSON license GET "${port_json}" license)
expect("port name is sfconnect" name STREQUAL "sfconnect")
expect("port license is BSL-1.0" license STREQUAL "BSL-1.0")
string(JSON ndeps LENGTH "${port_json}" dependencies)
set(plain_deps "")
set(host_deps "")
math(EXPR last "${ndeps} - 1")
foreach(i RANGE ${last})
  string(JSON type TYPE "${port_json}" dependencies ${i})
  if(type STREQUAL "STRING")
    string(JSON dep GET "${port_json}" dependencies ${i})
    list(APPEND plain_deps ${dep})
  else()
    string(JSON dep GET "${port_json}" dependencies ${i} name)
    string(JSON host GET "${port_json}" dependencies ${i} host)
    expect("${dep} is a host dependency" host)
    list(APPEND host_deps ${dep})
  endif()
endforeach()
foreach(dep IN ITEMS boost-asio boost-beast boost-json openssl zlib)
  expect("the port depends on ${dep}" dep IN_LIST plain_deps)
endforeach()
foreach(dep IN ITEMS vcpkg-cmake vcpkg-cmake-config)
  expect("the port has the host dependency ${dep}" dep IN_LIST host_deps)
endforeach()

file(READ "${repo}/vcpkg.json" root_json)
string(JSON root_version GET "${root_json}" version)
expect("root vcpkg.json version ${root_version} matches the port's ${VERSION}" root_version STREQUAL VERSION)
string(JSON catch_dep GET "${root_json}" features tests dependencies 0)
expect("the tests feature brings catch2" catch_dep STREQUAL "catch2")
string(JSON redis_dep GET "${port_json}" features redis dependencies 0)
expect("the port's redis feature brings hiredis" redis_dep STREQUAL "hiredis")

# --- stand-ins for the vcpkg helpers ---------------------------------------------------------------
set(PORT sfconnect)
set(CURRENT_PACKAGES_DIR "${WORK_DIR}/packages/sfconnect_x64-linux")
set(CURRENT_BUILDTREES_DIR "${WORK_DIR}/buildtrees/sfconnect")
file(REMOVE_RECURSE "${WORK_DIR}/packages" "${WORK_DIR}/buildtrees")
set_property(GLOBAL PROPERTY sfc_calls "")

function(record call)
  set_property(GLOBAL APPEND PROPERTY sfc_calls ${call})
endfunction()

function(vcpkg_cmake_configure)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "SOURCE_PATH" "OPTIONS;MAYBE_UNUSED_VARIABLES")
  expect("vcpkg_cmake_configure gets an existing SOURCE_PATH" EXISTS "${arg_SOURCE_PATH}/CMakeLists.txt")
  expect("the port builds release only" VCPKG_BUILD_TYPE STREQUAL "release")
  # FEATURES is empty here (no feature requested): the Redis component must be off, not AUTO.
  expect("the port passes -DSFCONNECT_WITH_REDIS=OFF without the redis feature"
         "-DSFCONNECT_WITH_REDIS=OFF" IN_LIST arg_OPTIONS)
  foreach(opt IN ITEMS TESTS EXAMPLES BENCHMARKS TOOLS)
    expect("the port passes -DSFCONNECT_BUILD_${opt}=OFF" "-DSFCONNECT_BUILD_${opt}=OFF" IN_LIST arg_OPTIONS)
  endforeach()
  set(cxx_arg "")
  if(CXX)
    set(cxx_arg -DCMAKE_CXX_COMPILER=${CXX})
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -S "${arg_SOURCE_PATH}" -B "${CURRENT_BUILDTREES_DIR}/x64-linux-rel"
                          -G Ninja -DCMAKE_BUILD_TYPE=Release ${cxx_arg} ${arg_OPTIONS}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  expect("configuring the checkout with the port's options succeeds:\n${out}\n${err}" rc EQUAL 0)
  record(configure)
endfunction()

function(vcpkg_cmake_install)
  execute_process(COMMAND ${CMAKE_COMMAND} --build "${CURRENT_BUILDTREES_DIR}/x64-linux-rel"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  expect("building the configured tree succeeds:\n${out}\n${err}" rc EQUAL 0)
  execute_process(COMMAND ${CMAKE_COMMAND} --install "${CURRENT_BUILDTREES_DIR}/x64-linux-rel"
                          --prefix "${CURRENT_PACKAGES_DIR}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  expect("installing into the package dir succeeds:\n${out}\n${err}" rc EQUAL 0)
  expect("a header-only build installs no tools" NOT EXISTS "${CURRENT_PACKAGES_DIR}/bin")
  record(install)
endfunction()

function(vcpkg_cmake_config_fixup)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "PACKAGE_NAME;CONFIG_PATH" "")
  expect("config_fixup PACKAGE_NAME is sfconnect" arg_PACKAGE_NAME STREQUAL "sfconnect")
  expect("config_fixup CONFIG_PATH ${arg_CONFIG_PATH} holds sfconnectConfig.cmake"
         EXISTS "${CURRENT_PACKAGES_DIR}/${arg_CONFIG_PATH}/sfconnectConfig.cmake")
  # What the real helper does to the layout (it also rewrites absolute paths; ours has none).
  file(RENAME "${CURRENT_PACKAGES_DIR}/${arg_CONFIG_PATH}" "${CURRENT_PACKAGES_DIR}/share/${arg_PACKAGE_NAME}.moved")
  file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/share/cmake")
  file(RENAME "${CURRENT_PACKAGES_DIR}/share/${arg_PACKAGE_NAME}.moved" "${CURRENT_PACKAGES_DIR}/share/${arg_PACKAGE_NAME}")
  record(config_fixup)
endfunction()

function(vcpkg_fixup_pkgconfig)
  expect("there is a .pc file for vcpkg_fixup_pkgconfig" EXISTS "${CURRENT_PACKAGES_DIR}/share/pkgconfig/sfconnect.pc")
  file(STRINGS "${CURRENT_PACKAGES_DIR}/share/pkgconfig/sfconnect.pc" prefix_line REGEX "^prefix=")
  expect("the .pc file is relocatable (prefix=${prefix_line})" prefix_line STREQUAL "prefix=\${pcfiledir}/../..")
  record(fixup_pkgconfig)
endfunction()

function(vcpkg_install_copyright)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "" "FILE_LIST")
  foreach(f IN LISTS arg_FILE_LIST)
    expect("copyright file ${f} exists" EXISTS "${f}")
  endforeach()
  file(READ "${arg_FILE_LIST}" text)
  file(WRITE "${CURRENT_PACKAGES_DIR}/share/${PORT}/copyright" "${text}")
  record(copyright)
endfunction()

foreach(fn IN ITEMS vcpkg_from_github vcpkg_from_git vcpkg_download_distfile vcpkg_extract_source_archive)
  cmake_language(EVAL CODE "function(${fn})\n  message(FATAL_ERROR \"the overlay port must not download (${fn})\")\nendfunction()")
endforeach()

# --- run the portfile and check the package tree -------------------------------------------------------
include("${port_dir}/portfile.cmake")

get_property(calls GLOBAL PROPERTY sfc_calls)
string(JOIN "," calls ${calls})
expect("helpers called in order (${calls})" calls STREQUAL "configure,install,config_fixup,fixup_pkgconfig,copyright")
foreach(f IN ITEMS include/sfconnect/sfconnect.hpp include/sfconnect/version.hpp
                   share/sfconnect/sfconnectConfig.cmake share/sfconnect/sfconnectConfigVersion.cmake
                   share/sfconnect/sfconnectTargets.cmake share/sfconnect/copyright share/sfconnect/usage
                   share/pkgconfig/sfconnect.pc)
  expect("the package has ${f}" EXISTS "${CURRENT_PACKAGES_DIR}/${f}")
endforeach()
foreach(d IN ITEMS debug lib bin share/cmake share/doc)
  expect("the package has no ${d}/" NOT EXISTS "${CURRENT_PACKAGES_DIR}/${d}")
endforeach()
message(STATUS "vcpkg port: manifests valid; portfile ran under stand-ins (not vcpkg) and produced the expected tree")
