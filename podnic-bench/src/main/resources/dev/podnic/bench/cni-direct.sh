#!/usr/bin/env bash
# The baseline: the bridge+tuning chain executed directly, the way a minimal runtime would, with no
# forks beyond the plugins themselves. Run inside the node namespace.
# Usage: cni-direct.sh BIN_DIR NETNS BRIDGE_CONF TUNING_CONF_PREFIX
# BRIDGE_CONF is the bridge plugin's full stdin; TUNING_CONF_PREFIX is the tuning plugin's stdin
# without its closing brace, so the driver can append "prevResult". For every container ID read
# from stdin it runs ADD+DEL once and prints the wall time in microseconds, so the caller can
# interleave these iterations with its own.
set -euo pipefail
bin=$1 netns=$2 bridge_conf=$3 tuning_prefix=$4
export CNI_PATH="$bin" CNI_NETNS="$netns" CNI_IFNAME=vmi0 CNI_ARGS=
while read -r cid; do
  export CNI_CONTAINERID="$cid"
  start=${EPOCHREALTIME/./}
  result=$(CNI_COMMAND=ADD "$bin/bridge" <<<"$bridge_conf")
  result=$(CNI_COMMAND=ADD "$bin/tuning" <<<"$tuning_prefix,\"prevResult\":$result}")
  CNI_COMMAND=DEL "$bin/tuning" <<<"$tuning_prefix,\"prevResult\":$result}" >/dev/null
  CNI_COMMAND=DEL "$bin/bridge" <<<"${bridge_conf%\}},\"prevResult\":$result}" >/dev/null
  end=${EPOCHREALTIME/./}
  echo $((end - start))
done
