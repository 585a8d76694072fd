// The system calls Node does not expose: becoming a subreaper, waiting for one given pid, AF_UNIX datagrams (sd_notify both ways), listening sockets libuv never accepts on (socket activation), setrlimit(RLIMIT_NOFILE) (supervisord's minfds), and a plain pipe for a child's stdin.
#include <node_api.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <fcntl.h>
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

// bindDatagram(path): a bound, non-blocking AF_UNIX SOCK_DGRAM socket with SO_PASSCRED; returns its fd.
napi_value BindDatagram(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  std::string path = argc < 1 ? std::string() : StringArgument(env, argv[0]);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) {
    napi_throw_range_error(env, "E_NOTIFY_ARGUMENT", "bindDatagram: the socket path is empty or too long");
    return nullptr;
  }
  memcpy(address.sun_path, path.data(), path.size());
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return ThrowErrno(env, "socket(AF_UNIX, SOCK_DGRAM)");
  int on = 1;
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
  if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    int failure = errno;
    close(fd);
    errno = failure;
    return ThrowErrno(env, "bind(NOTIFY_SOCKET)");
  }
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

// receiveDatagram(fd): one non-blocking recvmsg; {pid, message}, or null when none is waiting. Passed fds (systemd-notify's barrier) are closed, which answers the barrier.
napi_value ReceiveDatagram(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t fd = -1;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, "E_NOTIFY_ARGUMENT", "receiveDatagram expects a socket fd");
    return nullptr;
  }
  char buffer[4096];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(int) * 16)];
  iovec vector{buffer, sizeof buffer - 1};
  msghdr message{};
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  ssize_t received;
  do {
    received = recvmsg(fd, &message, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
  } while (received < 0 && errno == EINTR);
  napi_value result;
  if (received < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      napi_get_null(env, &result);
      return result;
    }
    return ThrowErrno(env, "recvmsg(NOTIFY_SOCKET)");
  }
  int32_t pid = 0;
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr; header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level != SOL_SOCKET) continue;
    if (header->cmsg_type == SCM_CREDENTIALS) {
      ucred credentials;
      memcpy(&credentials, CMSG_DATA(header), sizeof credentials);
      pid = credentials.pid;
    } else if (header->cmsg_type == SCM_RIGHTS) {
      size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; i++) {
        int passed;
        memcpy(&passed, CMSG_DATA(header) + i * sizeof(int), sizeof passed);
        close(passed);
      }
    }
  }
  size_t size = static_cast<size_t>(received) < sizeof buffer - 1 ? static_cast<size_t>(received) : sizeof buffer - 1;
  napi_create_object(env, &result);
  napi_value pidValue, text;
  napi_create_int32(env, pid, &pidValue);
  napi_create_string_utf8(env, buffer, size, &text);
  napi_set_named_property(env, result, "pid", pidValue);
  napi_set_named_property(env, result, "message", text);
  return result;
}

// closeFd(fd): closes a socket bindDatagram returned.
napi_value CloseFd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t fd = -1;
  if (argc >= 1 && napi_get_value_int32(env, argv[0], &fd) == napi_ok && fd >= 0) close(fd);
  napi_value result;
  napi_get_undefined(env, &result);
  return result;
}

// A listening socket that only children accept on: CLOEXEC so no other child inherits it, blocking as systemd's
// consumers expect, and never watched by libuv (a net.Server's fd passed to a child is accepted on by both).
int ListenOn(int fd, const sockaddr* address, socklen_t length, int backlog) {
  if (bind(fd, address, length) != 0 || listen(fd, backlog) != 0) {
    int failure = errno;
    close(fd);
    errno = failure;
    return -1;
  }
  return fd;
}

// listenTcp(host, port, backlog): a bound, listening TCP socket on a numeric IPv4 or IPv6 address; returns its fd.
napi_value ListenTcp(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t port = 0, backlog = 0;
  if (argc < 3 || napi_get_value_int32(env, argv[1], &port) != napi_ok || napi_get_value_int32(env, argv[2], &backlog) != napi_ok || port < 0 || port > 65535) {
    napi_throw_type_error(env, "E_SOCKET_ARGUMENT", "listenTcp expects a host, a port and a backlog");
    return nullptr;
  }
  std::string host = StringArgument(env, argv[0]);
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  int family;
  if (inet_pton(AF_INET, host.c_str(), &v4.sin_addr) == 1) {
    family = AF_INET;
    v4.sin_family = AF_INET;
    v4.sin_port = htons(static_cast<uint16_t>(port));
  } else if (inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr) == 1) {
    family = AF_INET6;
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(static_cast<uint16_t>(port));
  } else {
    napi_throw_range_error(env, "E_SOCKET_ARGUMENT", "listenTcp: the host is not a numeric IPv4 or IPv6 address");
    return nullptr;
  }
  int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ThrowErrno(env, "socket(SOCK_STREAM)");
  int on = 1;
  // A restarted supervisor rebinds at once, whatever connections of the last one linger in TIME_WAIT.
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  int listened = family == AF_INET ? ListenOn(fd, reinterpret_cast<sockaddr*>(&v4), sizeof v4, backlog) : ListenOn(fd, reinterpret_cast<sockaddr*>(&v6), sizeof v6, backlog);
  if (listened < 0) return ThrowErrno(env, "bind/listen");
  napi_value result;
  napi_create_int32(env, listened, &result);
  return result;
}

// listenUnix(path, backlog): a bound, listening AF_UNIX stream socket; a stale socket file nobody answers on is replaced.
napi_value ListenUnix(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t backlog = 0;
  if (argc < 2 || napi_get_value_int32(env, argv[1], &backlog) != napi_ok) {
    napi_throw_type_error(env, "E_SOCKET_ARGUMENT", "listenUnix expects a path and a backlog");
    return nullptr;
  }
  std::string path = StringArgument(env, argv[0]);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) {
    napi_throw_range_error(env, "E_SOCKET_ARGUMENT", "listenUnix: the socket path is empty or too long");
    return nullptr;
  }
  memcpy(address.sun_path, path.data(), path.size());
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ThrowErrno(env, "socket(AF_UNIX, SOCK_STREAM)");
  int bound = bind(fd, reinterpret_cast<sockaddr*>(&address), length);
  if (bound != 0 && errno == EADDRINUSE) {
    // Left by a process that died: nothing accepts on it, so the name is free to take; a live one is refused.
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool stale = probe >= 0 && connect(probe, reinterpret_cast<sockaddr*>(&address), length) != 0 && errno == ECONNREFUSED;
    if (probe >= 0) close(probe);
    if (stale) {
      unlink(path.c_str());
      bound = bind(fd, reinterpret_cast<sockaddr*>(&address), length);
    } else {
      errno = EADDRINUSE;
    }
  }
  if (bound != 0) {
    int failure = errno;
    close(fd);
    errno = failure;
    return ThrowErrno(env, "bind");
  }
  if (listen(fd, backlog) != 0) {
    int failure = errno;
    close(fd);
    unlink(path.c_str());
    errno = failure;
    return ThrowErrno(env, "listen");
  }
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

// makePipe(): [readFd, writeFd] of pipe2(O_CLOEXEC); a child's stdin that is a pipe, not the socketpair Node makes (bash sources ~/.bashrc on a socket).
napi_value MakePipe(napi_env env, napi_callback_info) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return ThrowErrno(env, "pipe2");
  napi_value result, readEnd, writeEnd;
  napi_create_array_with_length(env, 2, &result);
  napi_create_int32(env, fds[0], &readEnd);
  napi_create_int32(env, fds[1], &writeEnd);
  napi_set_element(env, result, 0, readEnd);
  napi_set_element(env, result, 1, writeEnd);
  return result;
}

// setNoFileLimit(soft, hard): setrlimit(RLIMIT_NOFILE); raising the hard limit needs root (or CAP_SYS_RESOURCE).
napi_value SetNoFileLimit(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  double soft = 0;
  double hard = 0;
  if (argc < 2 || napi_get_value_double(env, argv[0], &soft) != napi_ok || napi_get_value_double(env, argv[1], &hard) != napi_ok || soft < 0 || hard < soft) {
    napi_throw_type_error(env, "E_RLIMIT_ARGUMENT", "setNoFileLimit expects a soft and a hard limit, soft <= hard");
    return nullptr;
  }
  rlimit limit{static_cast<rlim_t>(soft), static_cast<rlim_t>(hard)};
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return ThrowErrno(env, "setrlimit(RLIMIT_NOFILE)");
  napi_value result;
  napi_get_boolean(env, true, &result);
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"setChildSubreaper", nullptr, SetChildSubreaper, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reapPid", nullptr, ReapPid, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sendDatagram", nullptr, SendDatagram, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"bindDatagram", nullptr, BindDatagram, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"receiveDatagram", nullptr, ReceiveDatagram, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"closeFd", nullptr, CloseFd, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"listenTcp", nullptr, ListenTcp, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"listenUnix", nullptr, ListenUnix, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"makePipe", nullptr, MakePipe, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setNoFileLimit", nullptr, SetNoFileLimit, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
