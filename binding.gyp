{
  "targets": [
    {
      "target_name": "winsock",
      "sources": [
        "native/activity.cc",
        "native/addon.cc",
        "native/batches.cc",
        "native/chunks.cc",
        "native/completions.cc",
        "native/error.cc",
        "native/handles.cc",
        "native/arguments.cc",
        "native/js_address.cc",
        "native/read_into.cc",
        "native/socket_calls.cc",
        "native/socket_messages.cc",
        "native/socket_reading.cc",
        "native/socket_wrap.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "10.15"
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"] }
      },
      "conditions": [
        ["OS=='win'", {
          "sources": [
            "native/win/address.cc",
            "native/win/afd.cc",
            "native/win/constants.cc",
            "native/win/errors.cc",
            "native/win/loop.cc",
            "native/win/message.cc",
            "native/win/op_connect.cc",
            "native/win/op_life.cc",
            "native/win/op_read.cc",
            "native/win/op_send.cc",
            "native/win/op_urgent.cc",
            "native/win/ops.cc",
            "native/win/socket.cc",
            "native/win/wine.cc"
          ],
          "defines": ["_WIN32_WINNT=0x0A00", "WIN32_LEAN_AND_MEAN", "NOMINMAX", "_HAS_EXCEPTIONS=1"],
          "libraries": ["-lws2_32", "-lmswsock"]
        }, {
          "sources": [
            "native/posix/address.cc",
            "native/posix/batch.cc",
            "native/posix/batch_reads.cc",
            "native/posix/calls.cc",
            "native/posix/constants.cc",
            "native/posix/errors.cc",
            "native/posix/loop.cc",
            "native/posix/message.cc",
            "native/posix/ops.cc",
            "native/posix/socket.cc",
            "native/posix/uring.cc"
          ]
        }]
      ]
    }
  ]
}
