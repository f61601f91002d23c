#include "daemon/ingest/zmq_watcher.h"

#include <boost/asio/post.hpp>

namespace pingan::ingest {

ZmqWatcher::ZmqWatcher(boost::asio::io_context& io, zmq::socket_t& socket,
                       std::function<void()> on_readable)
    : io_(io),
      socket_(socket),
      on_readable_(std::move(on_readable)),
      fd_(io, socket.get(zmq::sockopt::fd)) {}

ZmqWatcher::~ZmqWatcher() {
  *alive_ = false;
  Stop();
  fd_.release();  // the descriptor belongs to libzmq; never close it
}

void ZmqWatcher::Start() {
  running_ = true;
  Service();
}

void ZmqWatcher::Stop() {
  running_ = false;
  boost::system::error_code ignored;
  fd_.cancel(ignored);
}

void ZmqWatcher::Kick() {
  if (kick_pending_ || !running_) return;
  kick_pending_ = true;
  boost::asio::post(io_, [this, alive = alive_] {
    if (!*alive) return;
    kick_pending_ = false;
    if (running_) Service();
  });
}

void ZmqWatcher::Service() {
  // Process while libzmq reports input; then wait for the next edge.
  while (running_ && !paused_ && (socket_.get(zmq::sockopt::events) & ZMQ_POLLIN)) {
    on_readable_();
  }
  if (running_) Arm();
}

void ZmqWatcher::Arm() {
  if (armed_) return;
  armed_ = true;
  fd_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                 [this, alive = alive_](const boost::system::error_code& ec) {
                   if (!*alive) return;
                   armed_ = false;
                   if (ec || !running_) return;
                   Service();
                 });
}

}  // namespace pingan::ingest
