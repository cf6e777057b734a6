#!/usr/bin/env python3
"""Checks packaging/conan without Conan, which this machine cannot install (no PyPI).

    python3 packaging/conan/check_recipe.py WORK_DIR [CXX]

A STAND-IN for the `conan` Python package (written here, in a temporary directory, and put first on
sys.path) lets the recipe and its test_package import, so their methods can be called and their
attribute values checked: the package type, the cleared package id, the version ranges, the
cpp_info (empty bindirs/libdirs, the CMake and pkg-config names, the component requires). The
stand-in `copy` copies by pattern like Conan's, so export_sources() and package() run on real
folders and the packaged tree is compared with include/. With CXX, test_package.cpp is compiled
(syntax only) against that packaged tree. This is NOT a Conan run: no profiles, no dependency
graph, no CMakeDeps, no build of test_package; docs/packaging.md says so too.
"""
import fnmatch
import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir))

STUB = {
    "conan/__init__.py": """
        class _Info:
            def __init__(self):
                self.cleared = False
            def clear(self):
                self.cleared = True

        class _CppInfo:
            def __init__(self):
                self.properties = {}
                self.bindirs = ["bin"]
                self.libdirs = ["lib"]
                self.requires = []
                self.system_libs = []
                self.defines = []
                self.components = _Components()
            def set_property(self, name, value):
                self.properties[name] = value

        class _Components(dict):
            def __missing__(self, name):
                self[name] = _CppInfo()
                return self[name]

        class _Options:
            redis = False

        class ConanFile:
            def __init__(self, recipe_folder, settings):
                self.recipe_folder = recipe_folder
                self.settings = settings
                self.version = None
                self.info = _Info()
                self.cpp_info = _CppInfo()
                self.options = _Options()
                self.requirements_seen = []
                self.calls = []
            def requires(self, ref, **kwargs):
                self.requirements_seen.append(ref)
            def run(self, *args, **kwargs):
                self.calls.append(("run", args, kwargs))
        """,
    "conan/errors.py": """
        class ConanInvalidConfiguration(Exception):
            pass
        """,
    "conan/tools/__init__.py": "",
    "conan/tools/files.py": """
        import fnmatch, os, shutil
        def copy(conanfile, pattern, src, dst, keep_path=True, excludes=None):
            # Like conan.tools.files.copy: the pattern matches paths relative to src.
            copied = []
            for root, _, files in os.walk(src):
                for f in files:
                    rel = os.path.relpath(os.path.join(root, f), src)
                    if fnmatch.fnmatch(rel, pattern):
                        target = os.path.join(dst, rel if keep_path else f)
                        os.makedirs(os.path.dirname(target), exist_ok=True)
                        shutil.copy2(os.path.join(root, f), target)
                        copied.append(target)
            return copied
        def load(conanfile, path, encoding="utf-8"):
            with open(path, encoding=encoding) as f:
                return f.read()
        """,
    "conan/tools/layout.py": """
        def basic_layout(conanfile, src_folder="."):
            conanfile.calls.append(("basic_layout", src_folder))
        """,
    "conan/tools/build.py": """
        def check_min_cppstd(conanfile, cppstd, gnu_extensions=False):
            conanfile.calls.append(("check_min_cppstd", cppstd))
        def can_run(conanfile):
            return True
        """,
    "conan/tools/cmake.py": """
        class CMake:
            def __init__(self, conanfile):
                self.conanfile = conanfile
            def configure(self):
                self.conanfile.calls.append(("cmake.configure",))
            def build(self):
                self.conanfile.calls.append(("cmake.build",))
        def cmake_layout(conanfile, src_folder="."):
            conanfile.calls.append(("cmake_layout", src_folder))
        """,
}


class Settings:
    os = "Linux"
    arch = "x86_64"
    compiler = "gcc"
    build_type = "Release"


failures = []


def expect(what, cond):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        failures.append(what)


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def recipe_class(module):
    from conan import ConanFile
    classes = [v for v in vars(module).values()
               if isinstance(v, type) and issubclass(v, ConanFile) and v is not ConanFile]
    assert len(classes) == 1, classes
    return classes[0]


def tree(root):
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    work = os.path.abspath(sys.argv[1])
    cxx = sys.argv[2] if len(sys.argv) > 2 else None
    shutil.rmtree(work, ignore_errors=True)
    stub_dir = os.path.join(work, "conan-stand-in")
    for rel, text in STUB.items():
        os.makedirs(os.path.dirname(os.path.join(stub_dir, rel)), exist_ok=True)
        with open(os.path.join(stub_dir, rel), "w") as f:
            f.write(textwrap.dedent(text))
    sys.path.insert(0, stub_dir)
    sys.dont_write_bytecode = True  # leave no __pycache__ in the checkout

    # --- the recipe -----------------------------------------------------------------------------
    Recipe = recipe_class(load_module("sfconnect_recipe", os.path.join(HERE, "conanfile.py")))
    r = Recipe(HERE, Settings())
    expect("name is sfconnect", Recipe.name == "sfconnect")
    expect("package_type is header-library", Recipe.package_type == "header-library")
    expect("no_copy_source is True", Recipe.no_copy_source is True)
    expect("license is BSL-1.0", Recipe.license == "BSL-1.0")
    expect("'header-only' is a topic", "header-only" in Recipe.topics)

    r.set_version()
    with open(os.path.join(REPO, "include", "sfconnect", "version.hpp")) as f:
        header = f.read()
    expect(f"set_version() reads version.hpp ({r.version})",
           r.version is not None and f'version_string = "{r.version}"' in header)

    r.requirements()
    expect(f"requires boost/[>=1.81 <2], openssl/[>=3 <4] and zlib/[>=1.2.11 <2] ({r.requirements_seen})",
           r.requirements_seen == ["boost/[>=1.81 <2]", "openssl/[>=3 <4]", "zlib/[>=1.2.11 <2]"])
    r.package_id()
    expect("package_id() clears the info (one package for every configuration)", r.info.cleared)
    r.validate()
    expect("validate() requires C++20", ("check_min_cppstd", 20) in r.calls)
    r.layout()
    expect("layout() is basic_layout", ("basic_layout", ".") in r.calls)

    r.export_sources_folder = os.path.join(work, "export_source")
    r.export_sources()
    exported = tree(r.export_sources_folder)
    expect("export_sources() exports LICENSE and the headers",
           "LICENSE" in exported and "include/sfconnect/sfconnect.hpp" in exported)
    expect("export_sources() exports nothing but LICENSE and include/",
           all(p == "LICENSE" or p.startswith("include/") for p in exported))

    r.source_folder = r.export_sources_folder  # no_copy_source + basic_layout: sources stay there
    r.package_folder = os.path.join(work, "package")
    r.package()
    packaged = tree(r.package_folder)
    headers = sorted(os.path.join("include", p) for p in tree(os.path.join(REPO, "include")))
    expect("package() ships every file under include/ and nothing else besides the license",
           packaged == sorted(headers + ["licenses/LICENSE"]))

    r.package_info()
    props = r.cpp_info.properties
    expect("cmake_file_name sfconnect", props.get("cmake_file_name") == "sfconnect")
    expect("cmake_target_name sfconnect::sfconnect", props.get("cmake_target_name") == "sfconnect::sfconnect")
    expect("pkg_config_name sfconnect", props.get("pkg_config_name") == "sfconnect")
    expect("bindirs and libdirs are empty", r.cpp_info.bindirs == [] and r.cpp_info.libdirs == [])
    expect(f"requires the components {r.cpp_info.requires}",
           sorted(r.cpp_info.requires) == ["boost::headers", "boost::json", "openssl::crypto", "openssl::ssl",
                                            "zlib::zlib"])
    expect("links pthread on Linux", r.cpp_info.system_libs == ["pthread"])
    expect("no components without the redis option", not r.cpp_info.components)

    # --- the redis option: hiredis and the component sfconnect::redis ---------------------------
    expect("option redis, off by default", Recipe.options == {"redis": [True, False]}
           and Recipe.default_options == {"redis": False})
    rr = Recipe(HERE, Settings())
    rr.options.redis = True
    rr.requirements()
    expect(f"redis=True also requires hiredis ({rr.requirements_seen})",
           rr.requirements_seen == ["boost/[>=1.81 <2]", "openssl/[>=3 <4]", "zlib/[>=1.2.11 <2]",
                                       "hiredis/[>=0.14 <2]"])
    rr.package_info()
    core, redis = rr.cpp_info.components["sfconnect"], rr.cpp_info.components["redis"]
    expect("redis=True: component sfconnect is sfconnect::sfconnect with the same requires",
           core.properties.get("cmake_target_name") == "sfconnect::sfconnect"
           and sorted(core.requires) == sorted(r.cpp_info.requires))
    expect("redis=True: component redis is sfconnect::redis, needs sfconnect and hiredis, defines SFCONNECT_WITH_REDIS=1",
           redis.properties.get("cmake_target_name") == "sfconnect::redis"
           and redis.requires == ["sfconnect", "hiredis::hiredis"] and redis.defines == ["SFCONNECT_WITH_REDIS=1"]
           and redis.bindirs == [] and redis.libdirs == [])

    # --- test_package ---------------------------------------------------------------------------
    TestRecipe = recipe_class(load_module("sfconnect_test_package", os.path.join(HERE, "test_package", "conanfile.py")))
    t = TestRecipe(os.path.join(HERE, "test_package"), Settings())
    t.tested_reference_str = f"sfconnect/{r.version}"
    t.requirements()
    expect("test_package requires the tested reference", t.requirements_seen == [t.tested_reference_str])
    expect("test_package uses CMakeDeps and CMakeToolchain",
           set(TestRecipe.generators) == {"CMakeDeps", "CMakeToolchain"})
    with open(os.path.join(HERE, "test_package", "CMakeLists.txt")) as f:
        cml = f.read()
    expect("test_package finds sfconnect and links sfconnect::sfconnect",
           "find_package(sfconnect CONFIG REQUIRED)" in cml and "sfconnect::sfconnect" in cml)

    if cxx:
        src = os.path.join(HERE, "test_package", "test_package.cpp")
        cmd = [cxx, "-std=c++20", "-fsyntax-only", "-I", os.path.join(r.package_folder, "include"), src]
        result = subprocess.run(cmd, capture_output=True, text=True)
        expect(f"test_package.cpp compiles against the packaged headers ({os.path.basename(cxx)})",
               result.returncode == 0)
        if result.returncode:
            print(result.stderr)

    if failures:
        sys.exit(f"{len(failures)} check(s) failed")
    print("conan recipe: checked under a stand-in for the conan module (not a Conan run)")


if __name__ == "__main__":
    main()
