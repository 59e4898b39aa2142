# whisper.cpp for Jarvis: smart-whisper's node-addon-api binding and its vendored whisper.cpp, compiled
# here with this CPU's vector instructions (build-config.cjs) — the package's own build has none.
{
  "targets": [
    {
      "target_name": "jarvis_whisper",
      "sources": ["<!@(node build-config.cjs sources)"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node build-config.cjs includes)"
      ],
      "defines": ["NAPI_CPP_EXCEPTIONS", "NDEBUG", "_GNU_SOURCE"],
      "cflags!": ["-fno-exceptions", "-O2"],
      "cflags_cc!": ["-fno-exceptions", "-O2"],
      "cflags": ["-O3", "-pthread", "<!@(node build-config.cjs cflags)"],
      "cflags_cc": ["-O3", "-std=c++17", "-pthread", "<!@(node build-config.cjs cxxflags)"],
      "ldflags": ["-pthread"]
    }
  ]
}
