# @jarvis/whisper's addon: our node-addon-api binding (src/) and whisper.cpp's CPU backend from whisper.rn's
# sources, compiled with this CPU's vector instructions and threading (build-config.cjs answers every list).
# An exclusion list ("cflags!") applies to the merged flags, our own included: never list -O3 in one.
{
  "targets": [
    {
      "target_name": "jarvis_whisper",
      "sources": ["<!@(node build-config.cjs sources)"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node build-config.cjs includes)"
      ],
      "defines": ["NAPI_CPP_EXCEPTIONS", "NAPI_VERSION=8", "<!@(node build-config.cjs defines)"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++1y"],
      "cflags": ["<!@(node build-config.cjs cflags)"],
      "cflags_c": ["-std=gnu11"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "ldflags": ["<!@(node build-config.cjs ldflags)"]
    }
  ]
}
