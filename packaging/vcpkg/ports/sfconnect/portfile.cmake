# Overlay port for sfconnect, built from the checkout this port lives in (packaging/vcpkg/ports/sfconnect
# inside the repository): `vcpkg install sfconnect --overlay-ports=<checkout>/packaging/vcpkg/ports`.
# A port for the curated registry takes the sources from a release instead, i.e. vcpkg_from_github(
# OUT_SOURCE_PATH SOURCE_PATH REPO <owner>/sfconnect REF "v${VERSION}" SHA512 <of that archive> HEAD_REF main);
# see docs/packaging.md.
set(VCPKG_BUILD_TYPE release) # header-only

get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../../../.." ABSOLUTE)
if(NOT EXISTS "${SOURCE_PATH}/include/sfconnect/version.hpp")
    message(FATAL_ERROR "The sfconnect overlay port must stay at packaging/vcpkg/ports/sfconnect in an sfconnect checkout (looked in ${SOURCE_PATH}).")
endif()

# The port's version and the checkout's (written once, in version.hpp) must agree.
file(STRINGS "${SOURCE_PATH}/include/sfconnect/version.hpp" version_lines REGEX "#define SFCONNECT_VERSION_(MAJOR|MINOR|PATCH) ")
string(REGEX REPLACE ".*MAJOR ([0-9]+).*MINOR ([0-9]+).*PATCH ([0-9]+).*" "\\1.\\2.\\3" source_version "${version_lines}")
if(NOT source_version STREQUAL VERSION)
    message(FATAL_ERROR "packaging/vcpkg/ports/sfconnect/vcpkg.json says ${VERSION} but the checkout is ${source_version}.")
endif()

# Feature "redis": the component sfconnect::redis (hiredis). Explicit ON/OFF: never the AUTO default,
# which would follow whatever hiredis happens to be installed.
if("redis" IN_LIST FEATURES)
    set(redis_option -DSFCONNECT_WITH_REDIS=ON)
else()
    set(redis_option -DSFCONNECT_WITH_REDIS=OFF)
endif()

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        ${redis_option}
        -DSFCONNECT_BUILD_TESTS=OFF
        -DSFCONNECT_BUILD_EXAMPLES=OFF
        -DSFCONNECT_BUILD_BENCHMARKS=OFF
        -DSFCONNECT_BUILD_TOOLS=OFF
        -DCMAKE_DISABLE_FIND_PACKAGE_Doxygen=ON
    MAYBE_UNUSED_VARIABLES
        CMAKE_DISABLE_FIND_PACKAGE_Doxygen
)

vcpkg_cmake_install()

vcpkg_cmake_config_fixup(PACKAGE_NAME sfconnect CONFIG_PATH share/cmake/sfconnect)
vcpkg_fixup_pkgconfig()

# Header-only: no libraries, and the release-only build leaves no debug tree. The license goes to
# share/sfconnect/copyright; the guides are on the project's site, not in the installed tree.
file(REMOVE_RECURSE
    "${CURRENT_PACKAGES_DIR}/debug"
    "${CURRENT_PACKAGES_DIR}/lib"
    "${CURRENT_PACKAGES_DIR}/share/doc"
)

file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
