// The system calls Node does not expose: becoming a subreaper, waiting for one given pid, and an AF_UNIX datagram (sd_notify).
#include <node_api.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

napi_value ThrowErrno(napi_env env, const char* call) {
  char message[128];
  snprintf(message, sizeof message, "%s: %s", call, strerror(errno));
  napi_throw_error(env, "E_REAPER_SYSCALL", message);
  return nullptr;
}

// setChildSubreaper(): orphans of our descendants are re-parented to us instead of to init.
napi_value SetChildSubreaper(napi_env env, napi_callback_info) {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return ThrowErrno(env, "prctl(PR_SET_CHILD_SUBREAPER)");
  napi_value result;
  napi_get_boolean(env, true, &result);
  return result;
}

// reapPid(pid): waitpid(pid, WNOHANG) for exactly that pid; null when it has not exited (or is not ours).
napi_value ReapPid(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t pid = 0;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &pid) != napi_ok || pid <= 0) {
    napi_throw_type_error(env, "E_REAPER_ARGUMENT", "reapPid expects a pid > 0");
    return nullptr;
  }
  int status = 0;
  pid_t reaped;
  do {
    reaped = waitpid(pid, &status, WNOHANG);
  } while (reaped < 0 && errno == EINTR);
  napi_value result;
  if (reaped <= 0) {
    napi_get_null(env, &result);
    return result;
  }
  napi_create_object(env, &result);
  napi_value exitCode, signal;
  if (WIFEXITED(status)) napi_create_int32(env, WEXITSTATUS(status), &exitCode); else napi_get_null(env, &exitCode);
  if (WIFSIGNALED(status)) napi_create_int32(env, WTERMSIG(status), &signal); else napi_get_null(env, &signal);
  napi_set_named_property(env, result, "exitCode", exitCode);
  napi_set_named_property(env, result, "signal", signal);
  return result;
}

std::string StringArgument(napi_env env, napi_value value) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, nullptr, 0, &length) != napi_ok) return std::string();
  std::string text(length, '\0');
  napi_get_value_string_utf8(env, value, text.data(), length + 1, &length);
  return text;
}

// sendDatagram(path, message): one sendto() on an AF_UNIX SOCK_DGRAM socket; `@path` is the abstract namespace.
napi_value SendDatagram(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 2) {
    napi_throw_type_error(env, "E_NOTIFY_ARGUMENT", "sendDatagram expects a socket path and a message");
    return nullptr;
  }
  std::string path = StringArgument(env, argv[0]);
  std::string message = StringArgument(env, argv[1]);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) {
    napi_throw_range_error(env, "E_NOTIFY_ARGUMENT", "sendDatagram: the socket path is empty or too long");
    return nullptr;
  }
  memcpy(address.sun_path, path.data(), path.size());
  if (path[0] == '@') address.sun_path[0] = '\0';
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ThrowErrno(env, "socket(AF_UNIX, SOCK_DGRAM)");
  ssize_t sent;
  do {
    sent = sendto(fd, message.data(), message.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&address), length);
  } while (sent < 0 && errno == EINTR);
  int sendError = errno;
  close(fd);
  if (sent < 0) {
    errno = sendError;
    return ThrowErrno(env, "sendto(NOTIFY_SOCKET)");
  }
  napi_value result;
  napi_get_boolean(env, true, &result);
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"setChildSubreaper", nullptr, SetChildSubreaper, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reapPid", nullptr, ReapPid, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sendDatagram", nullptr, SendDatagram, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
