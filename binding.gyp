{
  "targets": [
    {
      "target_name": "taskmaster_reaper",
      "sources": ["native/reaper.cc"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
