"""One JSON line per request, with no personal data in it (H-113)."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from django.test import Client as HttpClient

from iptclinic.operations.logs import JsonLogFormatter, without_request
from iptclinic.test import VerifiedClient

pytestmark = pytest.mark.django_db


def request_lines(caplog: pytest.LogCaptureFixture) -> list[dict]:
    formatter = JsonLogFormatter()
    return [
        json.loads(formatter.format(record))
        for record in caplog.records
        if record.name == "iptclinic.requests"
    ]


def test_a_request_writes_one_line_with_its_id_route_status_and_duration(
    caplog: pytest.LogCaptureFixture, tess, cara
) -> None:
    browser = VerifiedClient()
    browser.force_login(tess)

    with caplog.at_level(logging.INFO, logger="iptclinic.requests"):
        response = browser.get(f"/clients/{cara.pk}/")

    assert response.status_code == 200
    [line] = request_lines(caplog)
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert (line["method"], line["route"], line["status"]) == ("GET", "clients:detail", 200)
    assert line["duration_ms"] >= 0
    assert (line["level"], line["logger"]) == ("INFO", "iptclinic.requests")


def test_a_request_line_names_no_client_not_even_by_a_search_or_an_id(
    caplog: pytest.LogCaptureFixture, tess, cara
) -> None:
    browser = VerifiedClient()
    browser.force_login(tess)

    with caplog.at_level(logging.INFO, logger="iptclinic.requests"):
        browser.get(f"/clients/{cara.pk}/", {"q": "Cara Whitfield 943 476 5919"})
        browser.get("/caseload/", {"q": "Whitfield", "nhs": "9434765919"})

    lines = request_lines(caplog)
    assert [line["route"] for line in lines] == ["clients:detail", "courses:caseload"]
    written = "\n".join(json.dumps(line) for line in lines)
    for personal in ("Cara", "Whitfield", "9434765919", "943 476 5919", f"/{cara.pk}/"):
        assert personal not in written


def test_a_request_id_from_the_proxy_is_kept_and_a_strange_one_replaced(
    caplog: pytest.LogCaptureFixture, client: HttpClient
) -> None:
    with caplog.at_level(logging.INFO, logger="iptclinic.requests"):
        kept = client.get("/accounts/login/", HTTP_X_REQUEST_ID="proxy-4f2a9c1e")
        replaced = client.get("/accounts/login/", HTTP_X_REQUEST_ID='Cara"\n{"x":1}')

    assert kept["X-Request-ID"] == "proxy-4f2a9c1e"
    assert replaced["X-Request-ID"] != 'Cara"\n{"x":1}'
    assert [line["request_id"] for line in request_lines(caplog)] == [
        "proxy-4f2a9c1e",
        replaced["X-Request-ID"],
    ]


def test_djangos_error_lines_keep_the_reason_and_route_not_the_path(
    caplog: pytest.LogCaptureFixture, tess, cara
) -> None:
    browser = VerifiedClient()
    browser.force_login(tess)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        browser.get("/clients/987654321/", {"q": "Whitfield"})

    [record] = [r for r in caplog.records if r.name == "django.request"]
    without_request(record)
    line = json.loads(JsonLogFormatter().format(record))
    assert line["message"] == "Not Found at clients:detail"
    assert "987654321" not in json.dumps(line)
    assert "Whitfield" not in json.dumps(line)


def test_an_error_is_logged_by_its_type_and_place_never_its_message() -> None:
    client = {"name": "Cara Whitfield", "nhs_number": "9434765919"}
    try:
        raise ValueError(f"{client['name']}, NHS number {client['nhs_number']}, has no GP")
    except ValueError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), None
        )
        record.exc_info = sys.exc_info()

    line = json.loads(JsonLogFormatter().format(record))

    assert "ValueError (message not logged)" in line["exc_info"]
    assert "test_logs.py" in line["exc_info"]
    assert "Whitfield" not in json.dumps(line)
    assert "9434765919" not in json.dumps(line)
