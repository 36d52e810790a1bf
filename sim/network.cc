#include "sim/network.h"

#include <algorithm>
#include <cerrno>

namespace peregrine::sim {
namespace {

// Parks the calling fiber as the pipe's reader until data, EOF or reset.
void park_reader(Pipe& p, rt::FiberLoop& loop) {
  p.reader_loop = &loop;
  p.reader = loop.current();
  loop.park();
  p.reader = rt::FiberHandle{};
}

void wake_reader(Pipe& p) {
  if (p.reader_loop && p.reader.valid()) p.reader_loop->wake(p.reader);
}

}  // namespace

class SimConnection final : public rt::Connection {
 public:
  SimConnection(SimNetwork& net, rt::FiberLoop& loop, std::shared_ptr<Pipe> in,
                std::shared_ptr<Pipe> out, std::string local, std::string peer, int64_t id)
      : net_(net), loop_(loop), in_(std::move(in)), out_(std::move(out)),
        local_(std::move(local)), peer_(std::move(peer)), id_(id) {}
  ~SimConnection() override { close(); }

  Result<size_t> read_some(char* buf, size_t len) override {
    for (;;) {
      if (closed_) return Error{ECONNABORTED, "connection closed"};
      if (in_->reset) return Error{ECONNRESET, "connection reset by peer"};
      if (!in_->buffer.empty()) {
        size_t n = std::min(len, in_->buffer.size());
        std::copy_n(in_->buffer.begin(), n, buf);
        in_->buffer.erase(in_->buffer.begin(), in_->buffer.begin() + static_cast<std::ptrdiff_t>(n));
        return n;
      }
      if (in_->eof) return size_t{0};
      park_reader(*in_, loop_);
    }
  }

  Result<size_t> try_read(char* buf, size_t len) override {
    if (closed_) return Error{ECONNABORTED, "connection closed"};
    if (in_->reset) return Error{ECONNRESET, "connection reset by peer"};
    if (!in_->buffer.empty()) {
      size_t n = std::min(len, in_->buffer.size());
      std::copy_n(in_->buffer.begin(), n, buf);
      in_->buffer.erase(in_->buffer.begin(), in_->buffer.begin() + static_cast<std::ptrdiff_t>(n));
      return n;
    }
    if (in_->eof) return size_t{0};
    return Error{EAGAIN, "no data"};
  }

  bool wait_readable(int64_t deadline_us) override {
    if (closed_) return true;
    in_->reader_loop = &loop_;
    in_->reader = loop_.current();
    bool in_time = true;
    if (deadline_us > 0) {
      in_time = loop_.park_until(deadline_us);
    } else {
      loop_.park();
    }
    in_->reader = rt::FiberHandle{};
    return in_time;
  }

  Status write_all(std::string_view data) override {
    if (closed_) return Error{ECONNABORTED, "connection closed"};
    if (out_->reset || in_->reset) return Error{ECONNRESET, "connection reset by peer"};
    if (net_.faults().reset_p > 0 && net_.world().prng().chance(net_.faults().reset_p)) {
      net_.reset_pair(in_, out_);
      return Error{ECONNRESET, "connection reset by peer"};
    }
    net_.send(out_, data);
    return Status::Ok();
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    net_.send_eof(out_);
    wake_reader(*in_);
    // The reader (if any) is woken; forget it so a later delivery cannot
    // reach a fiber or loop that no longer exists.
    in_->reader = rt::FiberHandle{};
    in_->reader_loop = nullptr;
  }
  bool closed() const override { return closed_; }
  std::string peer_address() const override { return peer_; }
  std::string local_address() const override { return local_; }
  int64_t descriptor() const override { return id_; }
  void set_keepalive(int) override {}

 private:
  SimNetwork& net_;
  rt::FiberLoop& loop_;
  std::shared_ptr<Pipe> in_, out_;
  std::string local_, peer_;
  int64_t id_;
  bool closed_ = false;
};

class SimListener final : public rt::Listener {
 public:
  SimListener(SimNetwork& net, rt::FiberLoop& loop, std::string host, int port)
      : net_(net), loop_(loop), host_(std::move(host)), port_(port) {}
  ~SimListener() override { close(); }

  Result<std::unique_ptr<rt::Connection>> accept() override {
    for (;;) {
      if (closed_) return Error{EBADF, "listener closed"};
      if (!pending_.empty()) {
        auto c = std::move(pending_.front());
        pending_.pop_front();
        return c;
      }
      waiter_ = loop_.current();
      loop_.park();
      waiter_ = rt::FiberHandle{};
    }
  }
  void close() override {
    if (closed_) return;
    closed_ = true;
    net_.unregister_listener(this);
    pending_.clear();
    loop_.wake(waiter_);
  }
  int port() const override { return port_; }

  void enqueue(std::unique_ptr<rt::Connection> c) {
    pending_.push_back(std::move(c));
    loop_.wake(waiter_);
  }
  rt::FiberLoop& loop() { return loop_; }
  const std::string& host() const { return host_; }

 private:
  SimNetwork& net_;
  rt::FiberLoop& loop_;
  std::string host_;
  int port_;
  bool closed_ = false;
  std::deque<std::unique_ptr<rt::Connection>> pending_;
  rt::FiberHandle waiter_;
};

Result<std::unique_ptr<rt::Listener>> SimNetwork::listen(const std::string& host, int port,
                                                         rt::FiberLoop& loop) {
  if (port == 0) port = next_port_++;
  auto key = std::make_pair(host, port);
  if (listeners_.count(key)) return Error{EADDRINUSE, "bind: Address already in use"};
  auto l = std::make_unique<SimListener>(*this, loop, host, port);
  listeners_[key] = l.get();
  return std::unique_ptr<rt::Listener>(std::move(l));
}

void SimNetwork::unregister_listener(SimListener* l) {
  for (auto it = listeners_.begin(); it != listeners_.end(); ++it)
    if (it->second == l) {
      listeners_.erase(it);
      return;
    }
}

Result<std::unique_ptr<rt::Connection>> SimNetwork::connect(const std::string& from,
                                                            const std::string& host, int port,
                                                            rt::FiberLoop& loop) {
  // The handshake takes one round trip.
  loop.sleep_for_us(2 * faults_.latency_min_us);
  auto it = listeners_.find({host, port});
  if (it == listeners_.end()) return Error{ECONNREFUSED, "connect: Connection refused"};
  if (partitions_.count({from, host}) || partitions_.count({host, from}))
    return Error{ETIMEDOUT, "connect: Connection timed out"};
  SimListener* l = it->second;
  auto a_to_b = std::make_shared<Pipe>();
  auto b_to_a = std::make_shared<Pipe>();
  a_to_b->from_host = b_to_a->to_host = from;
  a_to_b->to_host = b_to_a->from_host = host;
  if (pipes_.size() > 1024)
    std::erase_if(pipes_, [](const std::weak_ptr<Pipe>& w) { return w.expired(); });
  pipes_.push_back(a_to_b);
  pipes_.push_back(b_to_a);
  int client_port = next_port_++;
  std::string client_addr = from + ":" + std::to_string(client_port);
  std::string server_addr = host + ":" + std::to_string(port);
  int64_t id = client_port;
  l->enqueue(std::make_unique<SimConnection>(*this, l->loop(), a_to_b, b_to_a, server_addr,
                                             client_addr, id));
  return std::unique_ptr<rt::Connection>(
      new SimConnection(*this, loop, b_to_a, a_to_b, client_addr, server_addr, id));
}

bool SimNetwork::blocked(const Pipe& p) const {
  return partitions_.count({p.from_host, p.to_host}) > 0;
}

int64_t SimNetwork::delay_for(const Pipe& p) {
  int64_t d = world_.prng().range(faults_.latency_min_us, faults_.latency_max_us);
  if (faults_.spike_p > 0 && world_.prng().chance(faults_.spike_p)) d += faults_.spike_us;
  if (auto it = clogged_.find(p.from_host); it != clogged_.end()) d += it->second;
  if (auto it = clogged_.find(p.to_host); it != clogged_.end()) d += it->second;
  return d;
}

void SimNetwork::send(const std::shared_ptr<Pipe>& pipe, std::string_view data) {
  size_t off = 0;
  while (off < data.size()) {
    size_t n = data.size() - off;
    if (faults_.split_p > 0 && world_.prng().chance(faults_.split_p))
      n = 1 + world_.prng().below(std::min(n, faults_.max_chunk));
    n = std::min(n, faults_.max_chunk);
    deliver(pipe, std::string(data.substr(off, n)), false);
    off += n;
  }
}

void SimNetwork::send_eof(const std::shared_ptr<Pipe>& pipe) { deliver(pipe, std::string(), true); }

void SimNetwork::deliver(const std::shared_ptr<Pipe>& pipe, std::string chunk, bool eof) {
  if (pipe->reset) return;
  if (blocked(*pipe)) {
    held_.push_back(Held{pipe, std::move(chunk), eof});
    return;
  }
  int64_t at = std::max(world_.now_us() + delay_for(*pipe), pipe->last_delivery_us);
  pipe->last_delivery_us = at;
  world_.schedule(at, [this, pipe, chunk = std::move(chunk), eof]() {
    if (pipe->reset) return;
    world_.trace_bytes(chunk.data(), chunk.size());
    pipe->buffer.insert(pipe->buffer.end(), chunk.begin(), chunk.end());
    if (eof) pipe->eof = true;
    wake_reader(*pipe);
  });
}

void SimNetwork::reset_pair(const std::shared_ptr<Pipe>& a, const std::shared_ptr<Pipe>& b) {
  ++resets_;
  for (const auto& p : {a, b}) {
    p->reset = true;
    p->buffer.clear();
    wake_reader(*p);
  }
}

void SimNetwork::partition(const std::string& a, const std::string& b, bool both_ways) {
  partitions_.insert({a, b});
  if (both_ways) partitions_.insert({b, a});
}

void SimNetwork::heal(const std::string& a, const std::string& b) {
  partitions_.erase({a, b});
  partitions_.erase({b, a});
  release_held();
}

void SimNetwork::heal_all() {
  partitions_.clear();
  release_held();
}

void SimNetwork::release_held() {
  auto held = std::move(held_);
  held_.clear();
  for (auto& h : held) deliver(h.pipe, std::move(h.chunk), h.eof);
}

void SimNetwork::reset_host(const std::string& host) {
  std::vector<std::shared_ptr<Pipe>> hit;
  for (auto& w : pipes_)
    if (auto p = w.lock(); p && (p->from_host == host || p->to_host == host)) hit.push_back(p);
  for (auto& p : hit) {
    ++resets_;
    p->reset = true;
    p->buffer.clear();
    wake_reader(*p);
  }
  std::erase_if(pipes_, [](const std::weak_ptr<Pipe>& w) { return w.expired(); });
}

}  // namespace peregrine::sim
