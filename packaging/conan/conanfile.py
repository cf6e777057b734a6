# Conan 2 recipe for sfconnect (header-only). Packages the checkout it lives in:
#   conan create packaging/conan --build=missing
# docs/packaging.md explains its use and what was checked here (no Conan run: see there).
import os
import re

from conan import ConanFile
from conan.tools.build import check_min_cppstd
from conan.tools.files import copy, load
from conan.tools.layout import basic_layout

required_conan_version = ">=2.0"


class SfconnectConan(ConanFile):
    name = "sfconnect"
    description = ("Header-only C++20 SDK that connects applications to Salesforce with the OAuth 2.0 "
                   "client credentials flow")
    license = "BSL-1.0"
    homepage = "https://github.com/sfconnect/sfconnect"
    url = "https://github.com/sfconnect/sfconnect"
    topics = ("salesforce", "oauth2", "client-credentials", "rest", "asio", "beast", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    # redis=True: the Redis token store's component sfconnect::redis (hiredis); the headers are the same.
    options = {"redis": [True, False]}
    default_options = {"redis": False}
    no_copy_source = True

    @property
    def _repo_root(self):
        # The recipe lives in packaging/conan of the checkout it packages.
        return os.path.join(self.recipe_folder, os.pardir, os.pardir)

    def set_version(self):
        # The version is written once, in include/sfconnect/version.hpp.
        header = load(self, os.path.join(self._repo_root, "include", "sfconnect", "version.hpp"))
        parts = [re.search(rf"#define SFCONNECT_VERSION_{p} (\d+)", header).group(1)
                 for p in ("MAJOR", "MINOR", "PATCH")]
        self.version = self.version or ".".join(parts)

    def export_sources(self):
        copy(self, "LICENSE", self._repo_root, self.export_sources_folder)
        copy(self, "include/*", self._repo_root, self.export_sources_folder)

    def layout(self):
        basic_layout(self)

    def requirements(self):
        # Included by the public headers, so transitive (the default for a header-library).
        self.requires("boost/[>=1.81 <2]")
        self.requires("openssl/[>=3 <4]")
        self.requires("zlib/[>=1.2.11 <2]")
        if self.options.redis:
            self.requires("hiredis/[>=0.14 <2]")

    def package_id(self):
        self.info.clear()

    def validate(self):
        check_min_cppstd(self, 20)

    def build(self):
        pass

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        copy(self, "*.hpp", os.path.join(self.source_folder, "include"), os.path.join(self.package_folder, "include"))
        copy(self, "*.ipp", os.path.join(self.source_folder, "include"), os.path.join(self.package_folder, "include"))

    def _core_info(self, info):
        # The same names as the CMake package and the pkg-config file that `cmake --install` ships.
        info.set_property("cmake_target_name", "sfconnect::sfconnect")
        info.set_property("pkg_config_name", "sfconnect")
        info.bindirs = []
        info.libdirs = []
        # Boost.Beast/Asio are header-only; Boost.JSON is a compiled library; TLS needs both OpenSSL
        # libraries; compressed replies need zlib.
        info.requires = ["boost::headers", "boost::json", "openssl::ssl", "openssl::crypto", "zlib::zlib"]
        if self.settings.os in ["Linux", "FreeBSD"]:
            info.system_libs = ["pthread"]

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "sfconnect")
        self._core_info(self.cpp_info)
        if self.options.redis:
            # Components, as the CMake package has them: sfconnect::sfconnect and sfconnect::redis.
            self._core_info(self.cpp_info.components["sfconnect"])
            redis = self.cpp_info.components["redis"]
            redis.set_property("cmake_target_name", "sfconnect::redis")
            redis.bindirs = []
            redis.libdirs = []
            redis.requires = ["sfconnect", "hiredis::hiredis"]
            redis.defines = ["SFCONNECT_WITH_REDIS=1"]
