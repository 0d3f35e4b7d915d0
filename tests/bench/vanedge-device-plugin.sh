#!/usr/bin/env bash
# tests/bench/vanedge-device-plugin.sh — vanedge with a device port (a veth
# host end through a packet socket) instead of its own tap, as a plug-in of
# ../shared/bench/anchors.sh: vanedge-plugin.sh with VAN_PORT=device.
VAN_PORT=device exec bash "$(dirname "$0")/vanedge-plugin.sh" "$@"
