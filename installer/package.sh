#!/usr/bin/env bash
# Builds Gleaner's Debian package: dist/gleaner_<version>-<revision>_<arch>.deb.
#   <version>  the CMake project VERSION (CMakeLists.txt)
#   <revision> the Debian revision of the newest entry of installer/debian/changelog
#   <arch>     dpkg --print-architecture
# It configures and builds its own Release build in build-package/ (CPU only: -DGLEANER_CUDA=OFF,
# no test suites, Debian's hardening flags), installs it into a staging tree, adds the Debian
# files (installer/debian/: control, copyright, changelog), computes the dependencies from the
# binaries with dpkg-shlibdeps, and packs it with dpkg-deb. lintian checks it when installed.
# Missing build packages are installed with apt-get (sudo when not root), as setup.sh does.
# No model goes into the package.
#   GLEANER_PACKAGE_JOBS=N   parallel build jobs (default: nproc)
#   GLEANER_PACKAGE_LINTIAN=0  skip lintian
set -euo pipefail
umask 022
cd "$(dirname "${BASH_SOURCE[0]}")/.."
src="$PWD"
build="$src/build-package"
stage="$build/stage"
work="$build/debian-work"
dist="$src/dist"
debian="$src/installer/debian"

say() { echo "gleaner package: $*"; }
fail() { echo "gleaner package: $*" >&2; exit 1; }

# ---- build packages: the Build-Depends of installer/debian/control, and the packaging tools ----
build_deps="$(awk '/^Build-Depends:/ { f = 1; sub(/^Build-Depends:/, ""); print; next }
                   f && /^[ \t]/ { print; next } { f = 0 }' "$debian/control" |
              tr ',' '\n' | sed -e 's/(.*)//' -e 's/[[:space:]]//g' | grep -v '^$')"
missing=()
for p in build-essential dpkg-dev binutils $build_deps; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing the build packages ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        || fail "apt-get failed; install these packages by hand: ${missing[*]}"
fi

# ---- the Release build ------------------------------------------------------------------------
# Debian's compiler flags (stack protector, format checks, _FORTIFY_SOURCE, full RELRO), less -g
# (the binaries are stripped) and -O2 (the Release configuration's -O3 stays).
flags() { DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get "$1" | sed -e 's/\(^\| \)-g\( \|$\)/ /g' -e 's/\(^\| \)-O2\( \|$\)/ /g'; }
cppflags="$(flags CPPFLAGS)"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
say "configuring $build"
mkdir -p "$build"
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGLEANER_CUDA=OFF -DGLEANER_BUILD_TESTS=OFF \
      -DCMAKE_INSTALL_PREFIX=/usr "${launcher[@]}" \
      -DCMAKE_C_FLAGS="$(flags CFLAGS) $cppflags" -DCMAKE_CXX_FLAGS="$(flags CXXFLAGS) $cppflags" \
      -DCMAKE_EXE_LINKER_FLAGS="$(flags LDFLAGS)" > "$build/configure.log" 2>&1 \
    || { cat "$build/configure.log" >&2; fail "configure failed (log above; installer/setup.sh installs what the build needs)"; }
grep -q '^GLEANER_CUDA:STRING=OFF$' "$build/CMakeCache.txt" || fail "the build has the CUDA backend on"
say "building (this takes a while the first time)"
cmake --build "$build" -j "${GLEANER_PACKAGE_JOBS:-$(nproc 2>/dev/null || echo 2)}"

# ---- the version --------------------------------------------------------------------------------
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$build/CMakeCache.txt")"
[ -n "$version" ] || fail "no project VERSION in $build/CMakeCache.txt"
deb_version="$(dpkg-parsechangelog -l "$debian/changelog" -S Version)"
[ "${deb_version%-*}" = "$version" ] ||
    fail "installer/debian/changelog's newest entry is $deb_version, but the project VERSION is $version: add an entry ($version-1) to the changelog"
arch="$(dpkg --print-architecture)"

# ---- the staging tree -------------------------------------------------------------------------
rm -rf "$stage" "$work"
DESTDIR="$stage" cmake --install "$build" > /dev/null
for b in gleaner gleaner-cli; do
    [ -x "$stage/usr/bin/$b" ] || fail "$b was not installed into $stage/usr/bin"
    # as dh_strip does: no symbols, no debug information, no .comment/.note sections
    strip --remove-section=.comment --remove-section=.note --strip-unneeded "$stage/usr/bin/$b"
done
gzip -9n "$stage"/usr/share/man/man1/*.1
install -Dm644 "$debian/copyright" "$stage/usr/share/doc/gleaner/copyright"
gzip -9nc "$debian/changelog" > "$stage/usr/share/doc/gleaner/changelog.Debian.gz"
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f -exec chmod 0644 {} +
chmod 0755 "$stage"/usr/bin/*

# ---- the control file: dependencies from the binaries' libraries --------------------------------
mkdir -p "$work/debian" "$stage/DEBIAN"
cp "$debian/control" "$debian/changelog" "$work/debian/"
(
    cd "$work"
    dpkg-shlibdeps -Tdebian/substvars "$stage/usr/bin/gleaner" "$stage/usr/bin/gleaner-cli"
    dpkg-gencontrol -pgleaner -ldebian/changelog -cdebian/control -Tdebian/substvars -fdebian/files -P"$stage"
)
(cd "$stage" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"

# ---- the package ------------------------------------------------------------------------------
mkdir -p "$dist"
deb="$dist/gleaner_${deb_version}_${arch}.deb"
rm -f "$deb"
SOURCE_DATE_EPOCH="$(dpkg-parsechangelog -l "$debian/changelog" -S Timestamp)" \
    dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" > /dev/null
say "built ${deb#"$src"/} ($(du -h "$deb" | cut -f1))"
dpkg-deb --field "$deb" Package Version Architecture Installed-Size Depends Recommends

if [ "${GLEANER_PACKAGE_LINTIAN:-1}" != 0 ] && command -v lintian >/dev/null; then
    say "lintian:"
    lintian "$deb" || fail "lintian reports errors on $deb"
fi
