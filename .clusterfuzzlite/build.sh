#!/bin/bash
# ClusterFuzzLite / OSS-Fuzz build script for numguard (docs/FUZZING-campaigns.md).
#
# Runs inside the image of .clusterfuzzlite/Dockerfile (gcr.io/oss-fuzz-base/base-builder) with
# the environment the image's `compile` sets: $CC $CXX $CFLAGS $CXXFLAGS (sanitizer and coverage
# flags included; $CXXFLAGS carries -stdlib=libc++), $LIB_FUZZING_ENGINE, $SRC, $OUT, $WORK,
# $SANITIZER. The working directory is the numguard checkout ($SRC/numguard).
#
# 1. Builds the C++ dependencies that must share the targets' standard library from the sources
#    the Dockerfile cloned ($SRC/fmt, $SRC/json, $SRC/CLI11) into $WORK/deps; a missing source
#    falls back to the system package (fine for header-only ones and for libstdc++ builds).
# 2. Configures numguard with the provided compilers and flags, NUMGUARD_FUZZ=ON, no CUDA, tests
#    or benchmarks, and MPFR/GMP linked statically (the runner image has neither library).
# 3. Builds the libFuzzer targets: numguard-fuzz and its per-family wrappers numguard-fuzz-*
#    (fuzz/families.txt). Only the target's own source is coverage-instrumented, as in the
#    `fuzz` preset (below).
# 4. Copies each target to $OUT with <target>_seed_corpus.zip, <target>.dict and <target>.options,
#    then fails if a target needs a shared library that the runner image does not have.
#
# Overrides: NUMGUARD_CFL_TARGETS="t1 t2" builds only those targets;
# NUMGUARD_CFL_ALLOW_SHARED=1 turns the shared-library check into a warning and
# NUMGUARD_CFL_CMAKE_ARGS="-DX=Y ..." adds arguments to numguard's configure (local runs only).
set -euo pipefail

die() { echo "build.sh: $*" >&2; exit 1; }
log() { echo "build.sh: $*"; }

: "${CC:?CC must be set (OSS-Fuzz compiler)}"
: "${CXX:?CXX must be set (OSS-Fuzz compiler)}"
: "${LIB_FUZZING_ENGINE:?LIB_FUZZING_ENGINE must be set}"
: "${OUT:?OUT must be set}"
: "${SRC:?SRC must be set}"
CFLAGS="${CFLAGS:-}"
CXXFLAGS="${CXXFLAGS:-}"
SANITIZER="${SANITIZER:-address}"
WORK="${WORK:-$(mktemp -d)}"
jobs="$(nproc)"

# The numguard checkout: the working directory (the Dockerfile's WORKDIR), else this script's
# parent folder (a local run as .clusterfuzzlite/build.sh from elsewhere).
if [[ -f "$PWD/fuzz/CMakeLists.txt" && -f "$PWD/CMakeLists.txt" ]]; then
  root="$PWD"
else
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fi
[[ -f "$root/fuzz/CMakeLists.txt" ]] || die "cannot find the numguard checkout (tried $PWD and $root)"

# fuzz/CMakeLists.txt compiles and links its targets with -fsanitize=fuzzer itself, which is what
# $LIB_FUZZING_ENGINE is in libFuzzer builds; other engines (AFL++, honggfuzz, centipede) are not
# supported.
[[ "$LIB_FUZZING_ENGINE" == "-fsanitize=fuzzer" ]] ||
  die "only libFuzzer is supported (LIB_FUZZING_ENGINE='$LIB_FUZZING_ENGINE', expected -fsanitize=fuzzer)"
# MPFR and GMP come from the distribution, uninstrumented: MemorySanitizer would report every
# value that passes through them.
[[ "$SANITIZER" != "memory" ]] || die "SANITIZER=memory is not supported (MPFR and GMP are not instrumented)"

# Coverage instrumentation: the project instruments only fuzz/numguard_fuzz.cpp (its
# CMakeLists adds -fsanitize=fuzzer to that file), so libFuzzer learns from the signals of
# fuzz/feedback.h and not from the engine's own branches (docs/FUZZING.md). OSS-Fuzz puts
# -fsanitize=fuzzer-no-link on every file; it is taken out here so that CI fuzzes the same
# build as the `fuzz` preset. Sanitizers and the coverage build's profile flags stay.
# NUMGUARD_CFL_INSTRUMENT_ENGINE=1 keeps OSS-Fuzz's flags as they are.
without_fuzzer_no_link() {
  local flags tok item items out=() kept
  read -r -a flags <<<"$1"
  for tok in "${flags[@]}"; do
    if [[ "$tok" == -fsanitize=* ]]; then
      kept=()
      IFS=, read -r -a items <<<"${tok#-fsanitize=}"
      for item in "${items[@]}"; do
        [[ "$item" == fuzzer-no-link ]] || kept+=("$item")
      done
      [[ ${#kept[@]} -gt 0 ]] || continue
      tok="-fsanitize=$(IFS=,; echo "${kept[*]}")"
    fi
    out+=("$tok")
  done
  echo "${out[*]}"
}
if [[ "${NUMGUARD_CFL_INSTRUMENT_ENGINE:-0}" != "1" ]]; then
  CFLAGS="$(without_fuzzer_no_link "$CFLAGS")"
  CXXFLAGS="$(without_fuzzer_no_link "$CXXFLAGS")"
fi
log "CFLAGS=$CFLAGS"
log "CXXFLAGS=$CXXFLAGS"

mkdir -p "$OUT" "$WORK"
deps="$WORK/deps"

# cmake_dep NAME SOURCE_DIR [CMAKE_ARGS...]: configure, build and install one dependency into $deps
# with the OSS-Fuzz compilers and flags.
cmake_dep() {
  local name="$1" src="$2"
  shift 2
  log "dependency $name from $src"
  cmake -S "$src" -B "$WORK/build-$name" \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
    -DCMAKE_BUILD_TYPE=None -DCMAKE_INSTALL_PREFIX="$deps" -DCMAKE_INSTALL_LIBDIR=lib \
    -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON "$@" >"$WORK/build-$name.log" 2>&1 ||
    { cat "$WORK/build-$name.log" >&2; die "configuring $name failed"; }
  cmake --build "$WORK/build-$name" -j"$jobs" >>"$WORK/build-$name.log" 2>&1 ||
    { tail -n 50 "$WORK/build-$name.log" >&2; die "building $name failed"; }
  cmake --install "$WORK/build-$name" >>"$WORK/build-$name.log" 2>&1 ||
    { tail -n 50 "$WORK/build-$name.log" >&2; die "installing $name failed"; }
}

# fmt is a compiled library: a libfmt built against libstdc++ (the distribution's) does not link
# into targets built with -stdlib=libc++, so it is built here from source with the same flags.
if [[ -f "$SRC/fmt/CMakeLists.txt" ]]; then
  cmake_dep fmt "$SRC/fmt" -DFMT_TEST=OFF -DFMT_DOC=OFF -DFMT_INSTALL=ON
elif [[ " $CXXFLAGS " == *" -stdlib=libc++ "* ]]; then
  die "CXXFLAGS has -stdlib=libc++ but \$SRC/fmt is missing: the system libfmt is built against libstdc++ (clone fmt into \$SRC/fmt, see .clusterfuzzlite/Dockerfile)"
else
  log "no \$SRC/fmt: using the system fmt (CXXFLAGS without -stdlib=libc++)"
fi
# Header-only, but the Ubuntu 20.04 image has no (or too old) packages for them.
if [[ -f "$SRC/json/CMakeLists.txt" ]]; then
  cmake_dep nlohmann_json "$SRC/json" -DJSON_BuildTests=OFF -DJSON_Install=ON
fi
if [[ -f "$SRC/CLI11/CMakeLists.txt" ]]; then
  cmake_dep CLI11 "$SRC/CLI11" -DCLI11_BUILD_TESTS=OFF -DCLI11_BUILD_EXAMPLES=OFF -DCLI11_BUILD_DOCS=OFF \
    -DCLI11_INSTALL=ON
fi

# Static MPFR and GMP: the runner image (base-runner) has the binaries from $OUT, not the
# builder's packages.
static_lib() {
  local name="$1" dir
  for dir in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/lib; do
    if [[ -f "$dir/lib$name.a" ]]; then
      echo "$dir/lib$name.a"
      return 0
    fi
  done
  die "lib$name.a not found (apt-get install lib$name-dev)"
}
mpfr_a="$(static_lib mpfr)"
gmp_a="$(static_lib gmp)"

build="$WORK/build-numguard"
cmake_args=(
  -S "$root" -B "$build"
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX"
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS"
  # Only OSS-Fuzz's flags (-O1 -gline-tables-only ...): no build type adds -O3 or -DNDEBUG on top.
  -DCMAKE_BUILD_TYPE=None
  -DCMAKE_PREFIX_PATH="$deps"
  -DNUMGUARD_FUZZ=ON -DNUMGUARD_CUDA=OFF -DNUMGUARD_TESTS=OFF -DNUMGUARD_BENCH=OFF
  -DMPFR_LIBRARY="$mpfr_a" -DGMP_LIBRARY="$gmp_a"
)
[[ -f "$deps/lib/cmake/fmt/fmt-config.cmake" ]] && cmake_args+=(-Dfmt_DIR="$deps/lib/cmake/fmt")
if [[ -n "${NUMGUARD_CFL_CMAKE_ARGS:-}" ]]; then
  read -r -a extra_args <<<"$NUMGUARD_CFL_CMAKE_ARGS"
  cmake_args+=("${extra_args[@]}")
fi
log "configuring numguard ($root) in $build"
cmake "${cmake_args[@]}"

# The fuzz targets this tree defines: numguard-fuzz and numguard-fuzz-<family>.
if [[ -n "${NUMGUARD_CFL_TARGETS:-}" ]]; then
  read -r -a targets <<<"$NUMGUARD_CFL_TARGETS"
else
  # `--target help` lists "... NAME" (Makefiles) or "NAME: phony" (Ninja).
  all_targets="$(cmake --build "$build" --target help | sed -n -e 's/^\.\.\. \([^ ]*\).*/\1/p' -e 's/^\([^ :]*\): .*/\1/p' | sort -u)"
  mapfile -t targets < <(grep -E '^numguard-fuzz(-[a-z0-9]+)*$' <<<"$all_targets" || true)
fi
[[ ${#targets[@]} -gt 0 ]] || die "no fuzz targets in $root (is clang the compiler? NUMGUARD_FUZZ needs it)"
log "building ${targets[*]}"
cmake --build "$build" -j"$jobs" --target "${targets[@]}"

# Seeds of one target, one file per distinct input (named by its SHA-1, as libFuzzer names
# corpus files), zipped flat. The generic target takes every file of corpus/seeds/ (any input
# decodes for any kernel); a wrapper numguard-fuzz-<family> the files named <family>-* there
# (or a folder corpus/seeds/<family>/), all of them when none is.
seed_files_for() {
  local t="$1" family seeds="$root/corpus/seeds"
  if [[ "$t" == numguard-fuzz* ]]; then
    [[ -d "$seeds" ]] || return 0
    family="${t#numguard-fuzz}"
    family="${family#-}"
    if [[ -n "$family" && -d "$seeds/$family" ]]; then
      find "$seeds/$family" -type f ! -name '.*' ! -name '*.md' -print0
    elif [[ -n "$family" ]] && compgen -G "$seeds/$family-*" >/dev/null; then
      find "$seeds" -maxdepth 1 -type f -name "$family-*" -print0
    else
      find "$seeds" -type f ! -name '.*' ! -name '*.md' -print0
    fi
  fi
}

dict=""
for candidate in "$root/fuzz/numguard.dict" "$root/fuzz/numguard_fuzz.dict"; do
  if [[ -f "$candidate" ]]; then
    dict="$candidate"
    break
  fi
done
[[ -n "$dict" ]] || log "no dictionary (fuzz/numguard.dict) in this tree"

for t in "${targets[@]}"; do
  bin="$(find "$build" -type f -name "$t" -perm -u+x | head -n 1)"
  [[ -n "$bin" ]] || die "built $t but cannot find the binary under $build"
  cp "$bin" "$OUT/$t"

  stage="$WORK/seeds/$t"
  rm -rf "$stage"
  mkdir -p "$stage"
  while IFS= read -r -d '' f; do
    sum="$(sha1sum "$f")"
    cp "$f" "$stage/${sum%% *}"
  done < <(seed_files_for "$t")
  rm -f "$OUT/${t}_seed_corpus.zip"
  if compgen -G "$stage/*" >/dev/null; then
    (cd "$stage" && zip -q -X -r "$OUT/${t}_seed_corpus.zip" .)
    log "$t: $(find "$stage" -type f | wc -l) seeds"
  else
    log "$t: no seeds"
  fi

  # max_len as `numguard fuzz` uses it (docs/FUZZING.md): the value stream repeats when it runs
  # out, so longer inputs add little.
  {
    echo "[libfuzzer]"
    echo "max_len = 4096"
    if [[ -n "$dict" ]]; then
      cp "$dict" "$OUT/$t.dict"
      echo "dict = $t.dict"
    fi
  } >"$OUT/$t.options"
done

# The runner image has the C and C++ runtime only (libc++ is linked statically by OSS-Fuzz's
# clang); anything else a target loads at run time would be missing there.
allowed='^(linux-vdso|ld-linux-x86-64|libc|libm|libmvec|libpthread|libdl|librt|libutil|libgcc_s|libstdc\+\+)\.so'
bad=0
for t in "${targets[@]}"; do
  while read -r lib _; do
    [[ -z "$lib" || "$lib" =~ $allowed || "$lib" == /* ]] && continue
    echo "build.sh: $t needs $lib at run time" >&2
    bad=1
  done < <(ldd "$OUT/$t" | sed 's/^[[:space:]]*//')
done
if [[ $bad -ne 0 ]]; then
  if [[ "${NUMGUARD_CFL_ALLOW_SHARED:-0}" == "1" ]]; then
    log "warning: shared libraries above are not in the runner image (NUMGUARD_CFL_ALLOW_SHARED=1)"
  else
    die "link these statically: the runner image does not have them"
  fi
fi

log "done: ${targets[*]} in $OUT"
