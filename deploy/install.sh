#!/usr/bin/env bash
# Installs (or removes) the Jarvis hub or a Jarvis worker as a systemd service, from the checkout this
# script sits in. Run it as root on Debian 12/13 or Ubuntu 22.04+.
#
#   deploy/install.sh hub                                   # the hub: /opt/jarvis + jarvis-hub.service
#   deploy/install.sh worker --hub HOST:PORT --token-file FILE   # a worker, enrolled with a join token
#   jarvis token create | deploy/install.sh worker --hub HOST:PORT --token-file -   # the token on stdin
#   deploy/install.sh uninstall hub|worker [--purge]        # stop, disable, remove (--purge: data and user too)
#
# Run `deploy/install.sh --help` for every option.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: deploy/install.sh hub [options]
       deploy/install.sh worker --hub HOST:PORT --token-file FILE|- [--name NAME] [options]
       deploy/install.sh uninstall hub|worker [--purge] [options]

Installs the Jarvis hub or a worker node as a systemd service from this checkout: checks Node.js (20 or
newer), installs the Debian packages it needs, creates a system user, copies the app into PREFIX, runs
`npm ci`, the build and `npm prune --omit=dev` there, installs and enables the unit.

The worker's join token is read from a file or from standard input (--token-file -), never from the
command line, where `ps` and shell history would show it. Create one on the hub with
`jarvis token create` (or the dashboard's Workers page).

Options:
  --prefix DIR        where the app goes (default /opt/jarvis)
  --hub HOST:PORT     worker: the hub's gRPC address (port 8642 by default on the hub)
  --token-file FILE   worker: the one-time join token, first line of FILE; - reads standard input
  --name NAME         worker: the name it enrolls under (default: this host's name)
  --purge             uninstall: also remove the data directory (/var/lib/jarvis or /var/lib/jarvis-worker)
                      and the system user
  --skip-packages     do not run apt-get (the packages are installed already)
  --no-start          install and enable the unit, but do not start it now
  -h, --help          this text

Environment (for packagers and tests): DESTDIR stages every file under that root and implies
--skip-packages; SYSTEMCTL, NPM, APT_GET, USERADD, USERDEL, RUNUSER and NODE name the tools to call.
Exit codes: 0 done, 1 a step failed, 2 bad arguments or unmet requirement.
EOF
}

die() { echo "install.sh: $*" >&2; exit 1; }
bad() { echo "install.sh: $*" >&2; echo "Run 'deploy/install.sh --help' for usage." >&2; exit 2; }
step() { echo "==> $*"; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
checkout=$(cd "$here/.." && pwd)

DESTDIR=${DESTDIR:-}
SYSTEMCTL=${SYSTEMCTL:-systemctl}
NPM=${NPM:-npm}
APT_GET=${APT_GET:-apt-get}
USERADD=${USERADD:-useradd}
USERDEL=${USERDEL:-userdel}
RUNUSER=${RUNUSER:-runuser}
NODE=${NODE:-$(command -v node || true)}

role=""
action=install
prefix=/opt/jarvis
hub=""
token_file=""
name=""
purge=0
skip_packages=0
start=1

[ $# -gt 0 ] || { usage >&2; exit 2; }
case "$1" in
  -h|--help) usage; exit 0 ;;
  hub|worker) role=$1; shift ;;
  uninstall)
    action=uninstall; shift
    case "${1:-}" in hub|worker) role=$1; shift ;; *) bad "uninstall needs hub or worker" ;; esac ;;
  *) bad "unknown command '$1' (hub, worker or uninstall)" ;;
esac

need_value() { [ $# -ge 2 ] && [ -n "$2" ] || bad "$1 needs a value"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) need_value "$@"; prefix=$2; shift 2 ;;
    --hub) need_value "$@"; hub=$2; shift 2 ;;
    --token-file) need_value "$@"; token_file=$2; shift 2 ;;
    --name) need_value "$@"; name=$2; shift 2 ;;
    --token) bad "--token would put the secret where ps shows it: use --token-file FILE, or --token-file - and pipe it in" ;;
    --purge) purge=1; shift ;;
    --skip-packages) skip_packages=1; shift ;;
    --no-start) start=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) bad "unknown option '$1'" ;;
  esac
done

case "$prefix" in /*) ;; *) bad "--prefix must be an absolute path, got '$prefix'" ;; esac
[ "$prefix" != "/" ] || bad "--prefix / would overwrite the system"
[ -n "$DESTDIR" ] && skip_packages=1

if [ "$role" = hub ]; then
  user=jarvis; unit=jarvis-hub.service; state=/var/lib/jarvis
else
  user=jarvis-worker; unit=jarvis-worker.service; state=/var/lib/jarvis-worker
fi
unitdir="$DESTDIR/etc/systemd/system"

if [ "$action" = install ] && [ "$role" = worker ]; then
  [ -n "$hub" ] || bad "worker needs --hub HOST:PORT (the hub's gRPC address)"
  [[ "$hub" =~ ^[A-Za-z0-9._:-]+:[0-9]{1,5}$ || "$hub" =~ ^\[[0-9A-Fa-f:]+\]:[0-9]{1,5}$ ]] || bad "--hub must be HOST:PORT, got '$hub'"
  [ -n "$token_file" ] || bad "worker needs the join token: --token-file FILE, or --token-file - with the token on standard input"
  if [ "$token_file" = - ]; then
    IFS= read -r token || true
  else
    [ -r "$token_file" ] || bad "--token-file $token_file: not a readable file"
    IFS= read -r token < "$token_file" || true
  fi
  token=$(printf '%s' "${token:-}" | tr -d '[:space:]')
  [ -n "$token" ] || bad "--token-file $token_file holds no token"
fi

if [ "$(id -u)" -ne 0 ] && [ -z "$DESTDIR" ]; then
  bad "run it as root (sudo deploy/install.sh ...), or set DESTDIR to stage the files"
fi

# ---------------------------------------------------------------------------------------------- uninstall
if [ "$action" = uninstall ]; then
  step "stopping and disabling $unit"
  "$SYSTEMCTL" disable --now "$unit" || echo "install.sh: $unit was not running" >&2
  rm -f "$unitdir/$unit"
  "$SYSTEMCTL" daemon-reload
  other=jarvis-worker.service; [ "$role" = worker ] && other=jarvis-hub.service
  if [ -e "$unitdir/$other" ]; then
    step "keeping $prefix: $other still uses it"
  else
    step "removing $DESTDIR$prefix"
    rm -rf "${DESTDIR:?}$prefix" 2>/dev/null || rm -rf "$DESTDIR$prefix"
  fi
  if [ "$purge" = 1 ]; then
    step "purging $DESTDIR$state and the user $user"
    rm -rf "$DESTDIR$state"
    "$USERDEL" "$user" || echo "install.sh: no user $user to remove" >&2
  else
    echo "kept $state (the data, keys and identity); --purge removes it and the user $user"
  fi
  echo "uninstalled $unit"
  exit 0
fi

# ------------------------------------------------------------------------------------------------ install
step "checking Node.js"
if [ -z "$NODE" ] || ! node_version=$("$NODE" -p 'process.versions.node' 2>/dev/null); then
  cat >&2 <<'EOF'
install.sh: Node.js 20 or newer is needed and none was found.
  Debian 12's own `nodejs` package is 18, which is too old. Install Node.js 20 LTS or newer from
  NodeSource's Debian packages or the official Linux binaries, or use Debian 13 (its nodejs is 20),
  then run this script again (set NODE=/path/to/node if it is not on PATH).
EOF
  exit 2
fi
major=${node_version%%.*}
if [ "$major" -lt 20 ]; then
  echo "install.sh: Node.js $node_version at $NODE is too old: Jarvis needs 20 or newer (Debian 12's nodejs is 18; install Node.js 20 LTS from NodeSource or the official binaries)." >&2
  exit 2
fi
echo "Node.js $node_version ($NODE)"

if [ "$skip_packages" = 0 ]; then
  # What the native addons build with, and what the hub runs: espeak-ng/sox for speech, PocketSphinx for
  # the command recogniser. A worker needs only the build tools.
  packages=(build-essential python3 ca-certificates)
  [ "$role" = hub ] && packages+=(espeak-ng sox libpocketsphinx-dev pocketsphinx-en-us)
  step "installing Debian packages: ${packages[*]}"
  DEBIAN_FRONTEND=noninteractive "$APT_GET" install -y --no-install-recommends "${packages[@]}"
fi

if [ -z "$DESTDIR" ]; then
  if id -u "$user" >/dev/null 2>&1; then
    echo "user $user exists"
  else
    step "creating the system user $user"
    "$USERADD" --system --home-dir "$state" --no-create-home --shell /usr/sbin/nologin "$user"
  fi
fi

step "copying the app into $DESTDIR$prefix"
mkdir -p "$DESTDIR$prefix"
if git -C "$checkout" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Exactly what the repository tracks (no node_modules, build output or local data).
  (cd "$checkout" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -C "$DESTDIR$prefix" -xf -
else
  tar -C "$checkout" --exclude=./node_modules --exclude='./*/node_modules' --exclude=./.git --exclude='*/dist' -cf - . | tar -C "$DESTDIR$prefix" -xf -
fi

step "npm ci, build and prune in $DESTDIR$prefix (compiles the native addons: several minutes)"
(
  cd "$DESTDIR$prefix"
  "$NPM" ci --no-fund --no-audit
  "$NPM" run build
  "$NPM" prune --omit=dev --no-fund --no-audit
)

step "installing $unit"
mkdir -p "$unitdir"
sed -e "s#@NODE@#$NODE#g" -e "s#@PREFIX@#$prefix#g" "$here/systemd/$unit" > "$unitdir/$unit"
chmod 0644 "$unitdir/$unit"
"$SYSTEMCTL" daemon-reload

if [ "$role" = worker ]; then
  step "enrolling with the hub at $hub"
  mkdir -p "$DESTDIR$state"
  chmod 0700 "$DESTDIR$state"
  [ -z "$DESTDIR" ] && chown "$user:$user" "$DESTDIR$state"
  enroll=("$NODE" "$prefix/worker-node/dist/cli.js" enroll --hub "$hub" --token-file - --state-dir "$state")
  [ -n "$name" ] && enroll+=(--name "$name")
  # The token goes in on stdin, so it is never in any process's argv.
  printf '%s\n' "$token" | "$RUNUSER" -u "$user" -- "${enroll[@]}"
fi

if [ "$start" = 1 ]; then
  step "enabling and starting $unit"
  "$SYSTEMCTL" enable --now "$unit"
else
  step "enabling $unit (not started: --no-start)"
  "$SYSTEMCTL" enable "$unit"
fi

echo
if [ "$role" = hub ]; then
  cat <<EOF
The Jarvis hub is installed as $unit.
  Admin API token: written once, on first start, to $state/admin-token (readable by root):
      sudo cat $state/admin-token
  Config (optional): /etc/jarvis/jarvis.yaml      Logs: journalctl -u jarvis-hub -o cat
  API: http://$(hostname):8640/   MQTT 1883, audio UDP 8641, workers gRPC 8642
EOF
else
  cat <<EOF
The Jarvis worker is installed as $unit and enrolled with $hub.
  Identity: $state (kept across restarts and reinstalls; uninstall --purge removes it)
  Logs: journalctl -u jarvis-worker -o cat
EOF
fi
