// Thin system-library wrapper: libzmq (Debian: libzmq3-dev), used only by FluxZMQ's publisher.
#include <zmq.h>
