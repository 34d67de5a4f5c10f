#!/usr/bin/env bash
# Builds the native kernels into the directory $1: the AMX kernels (libswitchyard_amx.so), the
# AVX512-BF16 kernels (libswitchyard_avx512bf16.so) and the AVX-512 float32 kernel
# (libswitchyard_avx512.so), each its own library so that each can be loaded, or refused, on its own. Run by Maven in generate-resources with the building JDK as $2
# (for jni.h). Without a C compiler it only warns: the libraries are accelerators, and Switchyard
# falls back to the Vector API kernel without them.
set -euo pipefail
out="$1"
jdk="$2"
here="$(cd "$(dirname "$0")" && pwd)"
cc="${CC:-gcc}"

if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  echo "[native] skipped: the AMX, AVX512-BF16 and AVX-512 kernels are for Linux on x86-64 only"
  exit 0
fi
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "[native] WARNING: no C compiler ($cc); building without the AMX, AVX512-BF16 and AVX-512 kernels (products use the Vector API)"
  exit 0
fi
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
includes=(-I"$jdk/include" -I"$jdk/include/linux")

# True when library $1 is newer than this script and each of its sources (the other arguments).
fresh() {
  local lib="$1"
  shift
  [[ -f "$lib" && "$lib" -nt "$0" ]] || return 1
  for f in "$@"; do
    [[ "$lib" -nt "$here/$f" ]] || return 1
  done
}

# Detection runs on any x86-64 CPU, so it gets no special instruction set; the kernels are only
# entered after it said yes.
lib="$out/libswitchyard_amx.so"
if ! fresh "$lib" amx_gemm.c amx_ceiling.c amx_tiles.h amx_pack.h transpose16.h amx_detect.c; then
  "$cc" -O2 -fPIC -Wall -Werror "${includes[@]}" -c "$here/amx_detect.c" -o "$tmp/amx_detect.o"
  amx=(-O3 -fPIC -Wall -Werror "${includes[@]}" -mavx512f -mavx512bw -mavx512vl -mavx512bf16 -mamx-tile -mamx-bf16 -mprfchw -mtune=sapphirerapids)
  "$cc" "${amx[@]}" -c "$here/amx_gemm.c" -o "$tmp/amx_gemm.o"
  "$cc" "${amx[@]}" -c "$here/amx_ceiling.c" -o "$tmp/amx_ceiling.o"
  "$cc" -shared -o "$lib" "$tmp/amx_detect.o" "$tmp/amx_gemm.o" "$tmp/amx_ceiling.o"
fi

lib="$out/libswitchyard_avx512bf16.so"
if ! fresh "$lib" bf16_gemm.c bf16_ceiling.c bf16_kernel.h bf16_pack.h avx512_tile.h tiled_gemm.h transpose16.h avx512_detect.h bf16_detect.c; then
  "$cc" -O2 -fPIC -Wall -Werror "${includes[@]}" -c "$here/bf16_detect.c" -o "$tmp/bf16_detect.o"
  bf16=(-O3 -fPIC -Wall -Werror "${includes[@]}" -mavx512f -mavx512bw -mavx512vl -mavx512bf16)
  "$cc" "${bf16[@]}" -c "$here/bf16_gemm.c" -o "$tmp/bf16_gemm.o"
  "$cc" "${bf16[@]}" -c "$here/bf16_ceiling.c" -o "$tmp/bf16_ceiling.o"
  "$cc" -shared -o "$lib" "$tmp/bf16_detect.o" "$tmp/bf16_gemm.o" "$tmp/bf16_ceiling.o"
fi

lib="$out/libswitchyard_avx512.so"
if ! fresh "$lib" f32_gemm.c f32_kernel.h f32_pack.h avx512_tile.h tiled_gemm.h transpose16.h avx512_detect.h f32_detect.c; then
  "$cc" -O2 -fPIC -Wall -Werror "${includes[@]}" -c "$here/f32_detect.c" -o "$tmp/f32_detect.o"
  f32=(-O3 -fPIC -Wall -Werror "${includes[@]}" -mavx512f -mavx512bw -mavx512vl)
  "$cc" "${f32[@]}" -c "$here/f32_gemm.c" -o "$tmp/f32_gemm.o"
  "$cc" -shared -o "$lib" "$tmp/f32_detect.o" "$tmp/f32_gemm.o"
fi
