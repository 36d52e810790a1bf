#include "runtime/posix/posix_runtime.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif
#include <cstdio>
#include <cstring>

namespace peregrine::rt::posix {
namespace {

thread_local PosixExecutor* tl_executor = nullptr;

Error errno_error(std::string_view what, int err = errno) {
  return Error{err, std::string(what) + ": " + std::strerror(err)};
}

// What an epoll registration points at.
struct Waiter {
  FiberLoop* loop = nullptr;
  FiberHandle reader;
  FiberHandle writer;
  // False once a read found the receive queue empty (EAGAIN, or a short
  // read: a stream socket returns less than asked only when it has no
  // more); set again by the next edge epoll reports. Saves the read that
  // would only return EAGAIN after every batch of requests.
  bool readable = true;
  // EPOLLOUT is asked for only once a write would block (or a connect is
  // pending): a socket registered for it gets an edge on every ACK that
  // frees send-buffer space, which is mostly wasted wakeup work.
  int epfd = -1;
  int fd = -1;
  bool want_out = false;
};

// Parks the calling fiber in `slot` until the fd becomes ready.
void wait_ready(Waiter& w, FiberHandle Waiter::*slot) {
  w.*slot = w.loop->current();
  w.loop->park();
  w.*slot = FiberHandle{};
}

int register_fd(int epfd, int fd, Waiter* w) {
  w->epfd = epfd;
  w->fd = fd;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = w;
  return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

// Adds EPOLLOUT to w's registration (once). EPOLL_CTL_MOD re-checks the
// socket, so a socket that is already writable reports an edge at once.
void want_writable(Waiter& w) {
  if (w.want_out) return;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = &w;
  if (epoll_ctl(w.epfd, EPOLL_CTL_MOD, w.fd, &ev) == 0) w.want_out = true;
}

std::string format_address(const sockaddr_storage& ss) {
  char host[INET6_ADDRSTRLEN] = {0};
  int port = 0;
  if (ss.ss_family == AF_INET) {
    auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
    port = ntohs(a->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  if (ss.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
    port = ntohs(a->sin6_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  return "?:0";
}

class PosixConnection final : public Connection {
 public:
  PosixConnection(int fd, PosixExecutor& ex) : fd_(fd) {
    waiter_.loop = &ex.loop();
    register_fd(ex.epoll_fd(), fd_, &waiter_);
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    if (getpeername(fd_, reinterpret_cast<sockaddr*>(&ss), &len) == 0) peer_ = format_address(ss);
    len = sizeof(ss);
    if (getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) == 0) local_ = format_address(ss);
  }
  ~PosixConnection() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Result<size_t> read_some(char* buf, size_t len) override {
    for (;;) {
      if (closed_) return Error{ECONNABORTED, "connection closed"};
      if (!waiter_.readable) {
        wait_ready(waiter_, &Waiter::reader);
        continue;
      }
      ssize_t n = ::read(fd_, buf, len);
      if (n > 0 && static_cast<size_t>(n) < len) waiter_.readable = false;
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      if (errno != EAGAIN) return errno_error("read");
      waiter_.readable = false;
    }
  }

  Result<size_t> try_read(char* buf, size_t len) override {
    if (closed_) return Error{ECONNABORTED, "connection closed"};
    for (;;) {
      ssize_t n = ::read(fd_, buf, len);
      if (n > 0 && static_cast<size_t>(n) < len) waiter_.readable = false;
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        waiter_.readable = false;
        return Error{EAGAIN, "no data"};
      }
      return errno_error("read");
    }
  }

  bool wait_readable(int64_t deadline_us) override {
    if (closed_) return true;
    waiter_.reader = waiter_.loop->current();
    bool in_time = true;
    if (deadline_us > 0) {
      in_time = waiter_.loop->park_until(deadline_us);
    } else {
      waiter_.loop->park();
    }
    waiter_.reader = FiberHandle{};
    return in_time;
  }

  Status write_all(std::string_view data) override {
    size_t off = 0;
    while (off < data.size()) {
      if (closed_) return Error{ECONNABORTED, "connection closed"};
      ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n >= 0) {
        off += static_cast<size_t>(n);
        continue;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN) return errno_error("write");
      want_writable(waiter_);
      wait_ready(waiter_, &Waiter::writer);
    }
    return Status::Ok();
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    waiter_.loop->wake(waiter_.reader);
    waiter_.loop->wake(waiter_.writer);
  }
  // For a non-blocking connect in progress: waits until it completes.
  // Suspends.
  Status wait_connected() {
    for (;;) {
      int err = 0;
      socklen_t len = sizeof(err);
      getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return errno_error("connect", err);
      sockaddr_storage ss{};
      len = sizeof(ss);
      if (getpeername(fd_, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
        peer_ = format_address(ss);
        len = sizeof(ss);
        if (getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) == 0) local_ = format_address(ss);
        return Status::Ok();
      }
      want_writable(waiter_);
      wait_ready(waiter_, &Waiter::writer);
    }
  }
  bool closed() const override { return closed_; }
  std::string peer_address() const override { return peer_; }
  std::string local_address() const override { return local_; }
  int64_t descriptor() const override { return fd_; }
  void set_keepalive(int interval_s) override {
    int yes = 1;
    setsockopt(fd_, SOL_SOCKET, SO_KEEPALIVE, &yes, sizeof(yes));
    if (interval_s > 0) {
      int idle = interval_s, intvl = interval_s / 3 > 0 ? interval_s / 3 : 1, cnt = 3;
      setsockopt(fd_, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
      setsockopt(fd_, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
      setsockopt(fd_, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
    }
  }

 private:
  int fd_;
  bool closed_ = false;
  Waiter waiter_;
  std::string peer_, local_;
};

class PosixListener final : public Listener {
 public:
  PosixListener(int fd, int port, PosixExecutor& ex) : fd_(fd), port_(port), ex_(ex) {
    waiter_.loop = &ex.loop();
    register_fd(ex.epoll_fd(), fd_, &waiter_);
  }
  ~PosixListener() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Result<std::unique_ptr<Connection>> accept() override {
    for (;;) {
      if (closed_) return Error{EBADF, "listener closed"};
      int fd = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd >= 0) {
        int yes = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
        return std::unique_ptr<Connection>(new PosixConnection(fd, ex_));
      }
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN) return errno_error("accept");
      wait_ready(waiter_, &Waiter::reader);
    }
  }
  void close() override {
    if (closed_) return;
    closed_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    waiter_.loop->wake(waiter_.reader);
  }
  int port() const override { return port_; }

 private:
  int fd_;
  int port_;
  bool closed_ = false;
  PosixExecutor& ex_;
  Waiter waiter_;
};

class PosixFile final : public File {
 public:
  explicit PosixFile(int fd) : fd_(fd) {}
  ~PosixFile() override { ::close(fd_); }
  Result<size_t> pread(void* buf, size_t len, uint64_t offset) override {
    for (;;) {
      ssize_t n = ::pread(fd_, buf, len, static_cast<off_t>(offset));
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) return errno_error("pread");
    }
  }
  Result<size_t> pwrite(const void* buf, size_t len, uint64_t offset) override {
    for (;;) {
      ssize_t n = ::pwrite(fd_, buf, len, static_cast<off_t>(offset));
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) return errno_error("pwrite");
    }
  }
  Status fsync() override {
    if (::fsync(fd_) != 0) return errno_error("fsync");
    return Status::Ok();
  }
  Result<uint64_t> size() override {
    struct stat st{};
    if (fstat(fd_, &st) != 0) return errno_error("fstat");
    return static_cast<uint64_t>(st.st_size);
  }
  Status truncate(uint64_t len) override {
    if (ftruncate(fd_, static_cast<off_t>(len)) != 0) return errno_error("ftruncate");
    return Status::Ok();
  }

 private:
  int fd_;
};

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

// ------------------------------------------------------------ executor

PosixExecutor::PosixExecutor(PosixRuntime& rt, std::string name, bool background)
    : rt_(rt),
      name_(std::move(name)),
      loop_([&rt] { return rt.monotonic_us(); }),
      background_(background) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  event_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &event_fd_;  // tag: the eventfd
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, event_fd_, &ev);
}

PosixExecutor::~PosixExecutor() {
  if (signal_fd_ >= 0) ::close(signal_fd_);
  ::close(event_fd_);
  ::close(epoll_fd_);
}

void PosixExecutor::post(std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    posted_.push_back(std::move(fn));
  }
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(event_fd_, &one, sizeof(one));
}

void PosixExecutor::drain_posted() {
  uint64_t count;
  [[maybe_unused]] ssize_t n = ::read(event_fd_, &count, sizeof(count));
  std::vector<std::function<void()>> work;
  {
    std::lock_guard lock(mu_);
    work.swap(posted_);
  }
  for (auto& fn : work) loop_.spawn("posted", std::move(fn));
}

void PosixExecutor::on_signal(int signo, std::function<void()> fn) {
  signal_handlers_.emplace_back(signo, std::move(fn));
  sigset_t mask;
  sigemptyset(&mask);
  for (auto& [s, _] : signal_handlers_) sigaddset(&mask, s);
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
  if (signal_fd_ < 0) {
    signal_fd_ = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &signal_fd_;  // tag: the signalfd
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, signal_fd_, &ev);
  } else {
    signalfd(signal_fd_, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  }
}

void PosixExecutor::handle_signals() {
  signalfd_siginfo info;
  while (::read(signal_fd_, &info, sizeof(info)) == sizeof(info)) {
    for (auto& [s, fn] : signal_handlers_)
      if (static_cast<uint32_t>(s) == info.ssi_signo) fn();
  }
}

void PosixExecutor::stop() {
  stop_ = true;
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(event_fd_, &one, sizeof(one));
}

void PosixExecutor::run() {
  tl_executor = this;
  if (background_) {
    // The lowest priority there is: the thread runs only on a CPU that
    // nothing else wants, and a waking thread of any other policy takes the
    // CPU from it at once.
    sched_param param{};
    pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
  }
  constexpr int kMaxEvents = 256;
  epoll_event events[kMaxEvents];
  while (!stop_) {
    loop_.fire_timers(rt_.monotonic_us());
    loop_.run_ready();
    if (stop_) break;
    // A background fiber that yielded wants more time: let any runnable
    // thread have the CPU first.
    if (background_ && loop_.has_ready()) sched_yield();
    int timeout_ms = -1;
    int64_t deadline = loop_.next_deadline_us();
    if (loop_.has_ready()) {
      timeout_ms = 0;
    } else if (deadline >= 0) {
      int64_t wait_us = deadline - rt_.monotonic_us();
      timeout_ms = wait_us <= 0 ? 0 : static_cast<int>((wait_us + 999) / 1000);
    }
    int n = epoll_wait(epoll_fd_, events, kMaxEvents, timeout_ms);
    for (int i = 0; i < n; ++i) {
      void* tag = events[i].data.ptr;
      if (tag == &event_fd_) {
        drain_posted();
      } else if (tag == &signal_fd_) {
        handle_signals();
      } else {
        auto* w = static_cast<Waiter*>(tag);
        uint32_t e = events[i].events;
        if (e & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP)) {
          w->readable = true;
          w->loop->wake(w->reader);
        }
        if (e & (EPOLLOUT | EPOLLERR | EPOLLHUP)) w->loop->wake(w->writer);
      }
    }
  }
  tl_executor = nullptr;
}

// ------------------------------------------------------------ runtime

PosixRuntime::PosixRuntime() {
  signal(SIGPIPE, SIG_IGN);
  if (getrandom(rng_state_, sizeof(rng_state_), 0) != sizeof(rng_state_)) {
    // Fall back to time-derived state; still only reached through Random.
    uint64_t t = static_cast<uint64_t>(wall_us());
    for (auto& s : rng_state_) s = (t = t * 6364136223846793005ULL + 1442695040888963407ULL);
  }
  main_ = std::make_unique<PosixExecutor>(*this, "main");
#if defined(__x86_64__)
  // Calibrate the time-stamp counter against the monotonic clock over about
  // a millisecond. The kernel keeps the TSC as its clocksource only when it
  // is invariant; otherwise span_ns() falls back to the clock.
  const int64_t t0 = monotonic_us();
  const uint64_t c0 = __rdtsc();
  int64_t t1;
  do {
    t1 = monotonic_us();
  } while (t1 - t0 < 1000);
  const uint64_t c1 = __rdtsc();
  if (c1 > c0) ns_per_tick_ = static_cast<double>(t1 - t0) * 1000.0 / static_cast<double>(c1 - c0);
#endif
}

int64_t PosixRuntime::span_ns() {
#if defined(__x86_64__)
  if (ns_per_tick_ > 0) return static_cast<int64_t>(static_cast<double>(__rdtsc()) * ns_per_tick_);
#endif
  return monotonic_us() * 1000;
}

PosixRuntime::~PosixRuntime() {
  for (auto& e : extra_) e->stop();
  for (auto& t : threads_) t.join();
}

Scheduler& PosixRuntime::scheduler() { return current_executor().loop(); }

PosixExecutor& PosixRuntime::current_executor() { return tl_executor ? *tl_executor : *main_; }

void PosixRuntime::write_console(std::string_view text) {
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(STDOUT_FILENO, text.data() + off, text.size() - off);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return;
    }
    off += static_cast<size_t>(n);
  }
}

void PosixRuntime::request_stop() { main_->stop(); }
int64_t PosixRuntime::process_id() { return getpid(); }

int64_t PosixRuntime::process_rss_bytes() {
  int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[128];
  ssize_t n = ::read(fd, buf, sizeof(buf) - 1);
  ::close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  long long pages = 0, resident = 0;
  if (std::sscanf(buf, "%lld %lld", &pages, &resident) != 2) return 0;
  return resident * sysconf(_SC_PAGESIZE);
}
void PosixRuntime::discard_pages(void* p, size_t len) {
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + page - 1) & ~(page - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + len) & ~(page - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

int64_t PosixRuntime::total_system_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page : 0;
}
void PosixRuntime::run() { main_->run(); }

int64_t PosixRuntime::monotonic_us() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

int64_t PosixRuntime::wall_us() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

void PosixRuntime::process_cpu_us(int64_t* user_us, int64_t* sys_us) {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  *user_us = static_cast<int64_t>(ru.ru_utime.tv_sec) * 1000000 + ru.ru_utime.tv_usec;
  *sys_us = static_cast<int64_t>(ru.ru_stime.tv_sec) * 1000000 + ru.ru_stime.tv_usec;
}

uint64_t PosixRuntime::next_u64() {
  // xoshiro256** seeded from getrandom.
  std::lock_guard lock(random_mu_);
  uint64_t* s = rng_state_;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

Executor& PosixRuntime::create_executor(std::string name) {
  return start_executor(std::move(name), false);
}

Executor& PosixRuntime::create_background_executor(std::string name) {
  return start_executor(std::move(name), true);
}

Executor& PosixRuntime::start_executor(std::string name, bool background) {
  extra_.push_back(std::make_unique<PosixExecutor>(*this, std::move(name), background));
  PosixExecutor* ex = extra_.back().get();
  threads_.emplace_back([ex] {
    // The executor's name on its thread (15 characters at most), for ps,
    // top and perf.
    pthread_setname_np(pthread_self(), ex->name().substr(0, 15).c_str());
    ex->run();
  });
  return *ex;
}

Result<std::unique_ptr<Listener>> PosixRuntime::listen(const std::string& host, int port,
                                                       int backlog) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
  addrinfo* res = nullptr;
  std::string port_str = std::to_string(port);
  int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port_str.c_str(), &hints, &res);
  if (rc != 0) return Error{EINVAL, std::string("bad address ") + host + ": " + gai_strerror(rc)};
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    freeaddrinfo(res);
    return errno_error("socket");
  }
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  if (res->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof(yes));
  if (::bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
    Error e = errno_error("bind " + host + ":" + port_str);
    freeaddrinfo(res);
    ::close(fd);
    return e;
  }
  freeaddrinfo(res);
  if (::listen(fd, backlog) != 0) {
    Error e = errno_error("listen");
    ::close(fd);
    return e;
  }
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  int bound = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                       : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return std::unique_ptr<Listener>(new PosixListener(fd, bound, current_executor()));
}

Result<std::unique_ptr<Connection>> PosixRuntime::connect(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST;
  addrinfo* res = nullptr;
  std::string port_str = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), port_str.c_str(), &hints, &res);
  if (rc != 0) return Error{EINVAL, std::string("bad address ") + host + ": " + gai_strerror(rc)};
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    freeaddrinfo(res);
    return errno_error("socket");
  }
  rc = ::connect(fd, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (rc != 0 && errno != EINPROGRESS) {
    Error e = errno_error("connect");
    ::close(fd);
    return e;
  }
  auto conn = std::make_unique<PosixConnection>(fd, current_executor());
  if (rc != 0) {
    if (Status s = conn->wait_connected(); !s) return s.error();
  }
  int yes = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  return std::unique_ptr<Connection>(std::move(conn));
}

Result<std::unique_ptr<File>> PosixRuntime::open(const std::string& path, OpenMode mode) {
  int flags = O_CLOEXEC | (mode.write ? O_RDWR : O_RDONLY);
  if (mode.create) flags |= O_CREAT;
  if (mode.truncate) flags |= O_TRUNC;
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return errno_error("open " + path);
  return std::unique_ptr<File>(new PosixFile(fd));
}

Status PosixRuntime::rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return errno_error("rename " + from);
  return Status::Ok();
}

Status PosixRuntime::unlink(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return errno_error("unlink " + path);
  return Status::Ok();
}

Result<std::vector<std::string>> PosixRuntime::list(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) return errno_error("opendir " + dir);
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  closedir(d);
  return names;
}

Status PosixRuntime::fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_error("open " + dir);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return errno_error("fsync " + dir, err);
  return Status::Ok();
}

Status PosixRuntime::mkdir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return errno_error("mkdir " + dir);
  return Status::Ok();
}

bool PosixRuntime::exists(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace peregrine::rt::posix
