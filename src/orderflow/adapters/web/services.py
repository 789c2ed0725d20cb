"""`request.find_service(Port)`: the adapter behind a port, once per request.

The three calls of pyramid_services that orderflow used (`register_service`,
`register_service_factory`, `request.find_service`), without its `wired`
container: building that container for each request and looking a service
up through it cost about 0.2 ms per call, three quarters of a millisecond
per webhook (docs/performance.md). Services are keyed by port class only.

`process_service(registry, Port)` is the one way in for code that has the
registry but no request (console scripts, tests): the process-wide object
registered for the port, the payment gateway above all.
"""


def register_service(config, service, port):
    """One process-wide object (a gateway, settings) for `port`."""
    def register():
        config.registry["orderflow.process_services"][port] = service

    register_service_factory(config, lambda request: service, port)
    config.action(("orderflow.process_service", port), register)


def process_service(registry, port):
    """The process-wide object registered for `port` with `register_service`."""
    found = registry["orderflow.process_services"]
    if port not in found:
        raise LookupError(f"no process-wide service is registered for {port.__name__}")
    return found[port]


def register_service_factory(config, factory, port):
    """`factory(request)` makes the adapter for `port`, at most once per request."""
    def register():
        config.registry["orderflow.services"][port] = factory

    config.action(("orderflow.service", port), register)


def find_service(request, port):
    # Kept on the request object: pyramid_retry makes a new request (and so
    # a new ZODB connection) for every attempt, and each gets fresh adapters.
    made = request.__dict__.setdefault("_orderflow_services", {})
    if port not in made:
        factories = request.registry["orderflow.services"]
        if port not in factories:
            raise LookupError(f"no service is registered for {port.__name__}")
        made[port] = factories[port](request)
    return made[port]


def includeme(config):
    config.registry.setdefault("orderflow.services", {})
    config.registry.setdefault("orderflow.process_services", {})
    config.add_directive("register_service", register_service)
    config.add_directive("register_service_factory", register_service_factory)
    config.add_request_method(find_service, "find_service")
