#!/usr/bin/env bash
# Builds the AMX kernels (libswitchyard_amx.so) into the directory $1; run by Maven in
# generate-resources with the building JDK as $2 (for jni.h). Without a C compiler it only warns:
# the library is an accelerator, and Switchyard falls back to the Vector API kernel without it.
set -euo pipefail
out="$1"
jdk="$2"
here="$(cd "$(dirname "$0")" && pwd)"
lib="$out/libswitchyard_amx.so"
cc="${CC:-gcc}"

if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  echo "[amx] skipped: the AMX kernels are for Linux on x86-64 only"
  exit 0
fi
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "[amx] WARNING: no C compiler ($cc); building without the AMX kernel (products use the Vector API)"
  exit 0
fi
if [[ -f "$lib" && "$lib" -nt "$here/amx_gemm.c" && "$lib" -nt "$here/amx_ceiling.c" && "$lib" -nt "$here/amx_tiles.h" && "$lib" -nt "$here/amx_pack.h" && "$lib" -nt "$here/amx_detect.c" && "$lib" -nt "$0" ]]; then
  exit 0
fi
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
includes=(-I"$jdk/include" -I"$jdk/include/linux")
# Detection runs on any x86-64 CPU, so it gets no special instruction set; the kernels are only
# entered after it said yes.
"$cc" -O2 -fPIC -Wall -Werror "${includes[@]}" -c "$here/amx_detect.c" -o "$tmp/detect.o"
amx=(-O3 -fPIC -Wall -Werror "${includes[@]}" -mavx512f -mavx512bw -mavx512vl -mavx512bf16 -mamx-tile -mamx-bf16 -mprfchw -mtune=sapphirerapids)
"$cc" "${amx[@]}" -c "$here/amx_gemm.c" -o "$tmp/gemm.o"
"$cc" "${amx[@]}" -c "$here/amx_ceiling.c" -o "$tmp/ceiling.o"
"$cc" -shared -o "$lib" "$tmp/detect.o" "$tmp/gemm.o" "$tmp/ceiling.o"

