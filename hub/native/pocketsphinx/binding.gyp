# The PocketSphinx grammar recogniser, in-process (no process start per utterance). Links Debian's
# libpocketsphinx-dev (0.8 / sphinxbase API); include paths come from pkg-config.
{
  "targets": [
    {
      "target_name": "jarvis_pocketsphinx",
      "sources": ["src/binding.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(pkg-config --cflags-only-I pocketsphinx sphinxbase | sed s/-I//g)"
      ],
      "libraries": ["<!@(pkg-config --libs pocketsphinx sphinxbase)"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O2"]
    }
  ]
}
