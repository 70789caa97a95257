#!/usr/bin/python3
"""simpy_mmc: the M/M/c queue in SimPy 2 (Debian's python3-simpy, SimPy.Simulation API).

    /usr/bin/python3 bench/simpy_mmc.py --servers 8 --customers 200000 --service-ms 10

The idiomatic model: a source process activates one process per customer, which requests a
FIFO Resource of c units, holds for its service time and releases it. Monitoring is off.
Prints the same key=value line as minimal_loop. Debian installs SimPy for /usr/bin/python3
only, hence the explicit interpreter.
"""
import argparse
import random
import time

from SimPy.Simulation import Process, Resource, activate, hold, initialize, now, release, request, simulate


class Stats:
    served = 0
    response = 0.0


class Customer(Process):
    def visit(self, server, service_s, rng, stats):
        arrived = now()
        yield request, self, server
        yield hold, self, rng.expovariate(1.0 / service_s)
        yield release, self, server
        stats.served += 1
        stats.response += now() - arrived


class Source(Process):
    def generate(self, customers, interarrival_s, service_s, server, arrivals, services, stats):
        for _ in range(customers):
            c = Customer()
            activate(c, c.visit(server, service_s, services, stats))
            yield hold, self, arrivals.expovariate(1.0 / interarrival_s)


def erlang_c_response(servers, rho, service):
    a = servers * rho
    term, total = 1.0, 0.0
    for k in range(servers):
        total += term
        term *= a / (k + 1)
    p_wait = term / ((1 - rho) * total + term)
    return service + p_wait * service / (servers * (1 - rho))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--customers", type=int, default=200000)
    p.add_argument("--servers", type=int, default=1)
    p.add_argument("--rho", type=float, default=0.8)
    p.add_argument("--service-ms", type=float, default=1.0)
    a = p.parse_args()
    service_s = a.service_ms / 1e3
    interarrival_s = service_s / (a.servers * a.rho)
    stats = Stats()
    start = time.perf_counter()
    initialize()
    server = Resource(capacity=a.servers, monitored=False)
    source = Source()
    activate(source, source.generate(a.customers, interarrival_s, service_s, server,
                                     random.Random(1), random.Random(2), stats))
    simulate(until=1e12)
    seconds = time.perf_counter() - start
    print("customers=%d events=%d seconds=%.6f mean_ms=%.6f theory_ms=%.6f" % (
        stats.served, 2 * stats.served, seconds, stats.response / stats.served * 1e3,
        erlang_c_response(a.servers, a.rho, a.service_ms)))


if __name__ == "__main__":
    main()
