"""request.find_service: one adapter per port and request, clear when missing."""

import pytest
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationConflictError
from pyramid.request import Request, apply_request_extensions

from orderflow.adapters.web.services import process_service


class Port:
    pass


class Other:
    pass


def make_request(config):
    config.commit()
    # What the router does for every request: the methods added by includes.
    request = Request.blank("/")
    request.registry = config.registry
    apply_request_extensions(request)
    return request


def configured():
    config = Configurator()
    config.include("orderflow.adapters.web.services")
    return config


def test_a_factory_runs_once_per_request():
    config = configured()
    made = []
    config.register_service_factory(lambda request: made.append(request) or object(), Port)
    first, second = make_request(config), make_request(config)
    assert first.find_service(Port) is first.find_service(Port)
    assert second.find_service(Port) is not first.find_service(Port)
    assert made == [first, second]


def test_a_process_wide_service_is_the_same_object_everywhere():
    config = configured()
    service = object()
    config.register_service(service, Port)
    assert make_request(config).find_service(Port) is service
    assert make_request(config).find_service(Port) is service


def test_an_unregistered_port_names_itself():
    config = configured()
    config.register_service(object(), Port)
    with pytest.raises(LookupError, match="Other"):
        make_request(config).find_service(Other)


def test_two_registrations_for_one_port_conflict():
    config = configured()
    config.register_service(object(), Port)
    config.register_service(object(), Port)
    with pytest.raises(ConfigurationConflictError):
        config.commit()


def test_scripts_reach_a_process_wide_service_from_the_registry_alone():
    config = configured()
    service = object()
    config.register_service(service, Port)
    config.register_service_factory(lambda request: object(), Other)
    config.commit()
    assert process_service(config.registry, Port) is service
    # A per-request adapter needs a request (its connection): not offered here.
    with pytest.raises(LookupError, match="Other"):
        process_service(config.registry, Other)
