# The PocketSphinx grammar recogniser, in-process (no process start per utterance). Links Debian's
# libpocketsphinx-dev (0.8 / sphinxbase API); paths from build-config.cjs (pkg-config, else Debian's).
{
  "targets": [
    {
      "target_name": "jarvis_pocketsphinx",
      "sources": ["src/binding.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node build-config.cjs includes)"
      ],
      "libraries": ["<!@(node build-config.cjs libs)"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O2"]
    }
  ]
}
