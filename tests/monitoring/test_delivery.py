"""Webhook delivery against real HTTP receivers started here: each platform's message format and
signature, a receiver that fails and the retry, a receiver that never recovers, and the record kept."""

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from allies.monitoring import delivery, services
from allies.monitoring.models import Delivery
from allies.monitoring.tasks import delivery_send_task
from allies.monitoring.watch import watch_run

from .conftest import write_monthly_sales


class Receiver:
    """A local HTTP server that records each POST and answers with the next scripted (status, body)."""

    def __init__(self, script=None):
        self.requests: list[dict] = []
        self.script = list(script or [])
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"path": self.path, "body": json.loads(body),
                                          "content_type": self.headers.get("Content-Type")})
                status, answer = receiver.script.pop(0) if receiver.script else (200, {"errcode": 0, "code": 0})
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def start(script=None):
        r = Receiver(script)
        made.append(r)
        return r

    yield start
    for r in made:
        r.close()


@pytest.fixture
def fast_retries(settings):
    settings.ALLIES_WEBHOOK_BACKOFF = 0.01


@pytest.fixture
def alert(alliance, partner_a, manager):
    write_monthly_sales(manager, partner_a, [100_000_00, 100_000_00, 100_000_00, 100_000_00, 50_000_00])
    watch_run(deliver=False)
    from allies.monitoring.models import Alert

    return Alert.objects.get(rule="metric_drop")


def _send(alert, endpoint):
    [row] = [d for d in delivery.deliveries_create(alert) if d.endpoint_id == endpoint.pk]
    delivery_send_task.enqueue(row.pk)
    row.refresh_from_db()
    return row


def _endpoint(manager, kind, url, secret=""):
    return services.webhook_create(actor=manager, data={"name": kind, "kind": kind, "url": url, "secret": secret})


def test_wecom_gets_a_markdown_message(alert, manager, receiver):
    r = receiver()
    row = _send(alert, _endpoint(manager, "wecom", r.url + "/cgi-bin/webhook/send?key=k1"))
    assert (row.status, row.attempts, row.response_code, row.error) == ("sent", 1, 200, "")
    body = r.requests[0]["body"]
    assert body["msgtype"] == "markdown"
    assert "伙伴A销售额下滑" in body["markdown"]["content"]
    assert f"/monitoring/alerts/{alert.pk}/" in body["markdown"]["content"]
    assert r.requests[0]["path"] == "/cgi-bin/webhook/send?key=k1"
    assert r.requests[0]["content_type"].startswith("application/json")


def test_dingtalk_markdown_with_a_timestamp_and_hmac_sha256_signature(alert, manager, receiver):
    r = receiver()
    _send(alert, _endpoint(manager, "dingtalk", r.url + "/robot/send?access_token=t", secret="SECabc"))
    request = r.requests[0]
    assert request["body"]["msgtype"] == "markdown" and request["body"]["markdown"]["title"]
    query = parse_qs(urlsplit(request["path"]).query)
    timestamp, sign = query["timestamp"][0], query["sign"][0]
    expected = base64.b64encode(hmac.new(b"SECabc", f"{timestamp}\nSECabc".encode(), hashlib.sha256).digest())
    assert sign == expected.decode() and query["access_token"] == ["t"]


def test_feishu_interactive_card_with_its_signature(alert, manager, receiver):
    r = receiver()
    _send(alert, _endpoint(manager, "feishu", r.url + "/open-apis/bot/v2/hook/x", secret="fs"))
    body = r.requests[0]["body"]
    assert body["msg_type"] == "interactive"
    assert "伙伴A" in body["card"]["header"]["title"]["content"]
    expected = base64.b64encode(hmac.new(f"{body['timestamp']}\nfs".encode(), b"", hashlib.sha256).digest()).decode()
    assert body["sign"] == expected


def test_slack_blocks_with_a_text_fallback(alert, manager, receiver):
    r = receiver([(200, b"ok")])
    row = _send(alert, _endpoint(manager, "slack", r.url + "/services/T/B/X"))
    body = r.requests[0]["body"]
    assert row.status == "sent"
    assert "伙伴A销售额下滑" in body["text"]
    assert [b["type"] for b in body["blocks"]] == ["header", "section"]


def test_a_failing_receiver_is_retried_until_it_answers(alert, manager, receiver, fast_retries):
    r = receiver([(500, {"error": "busy"}), (502, b"bad gateway"), (200, {"errcode": 0})])
    row = _send(alert, _endpoint(manager, "wecom", r.url + "/hook"))
    assert len(r.requests) == 3
    assert (row.status, row.attempts, row.response_code, row.error) == ("sent", 3, 200, "")


def test_a_receiver_that_never_recovers_ends_failed_with_the_last_error(alert, manager, receiver, fast_retries):
    r = receiver([(503, {"error": "down"})] * 10)
    row = _send(alert, _endpoint(manager, "slack", r.url + "/hook"))
    assert len(r.requests) == delivery.MAX_ATTEMPTS
    assert (row.status, row.attempts, row.response_code) == ("failed", delivery.MAX_ATTEMPTS, 503)
    assert "down" in row.error


def test_a_robot_that_answers_200_with_an_error_code_is_a_failure(alert, manager, receiver, fast_retries):
    r = receiver([(200, {"errcode": 93000, "errmsg": "invalid webhook url"})] * 10)
    row = _send(alert, _endpoint(manager, "wecom", r.url + "/hook"))
    assert row.status == "failed" and "invalid webhook url" in row.error and row.response_code == 200


def test_an_unreachable_endpoint_is_recorded(alert, manager, fast_retries):
    import socket

    with socket.socket() as s:  # a port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    row = _send(alert, _endpoint(manager, "wecom", f"http://127.0.0.1:{port}/hook"))
    assert row.status == "failed" and row.response_code is None
    assert "URLError" in row.error or "Connection" in row.error


def test_disabled_endpoints_and_lower_severities_get_nothing(alert, manager, receiver):
    r = receiver()
    services.webhook_create(actor=manager, data={"name": "停用", "kind": "wecom", "url": r.url, "enabled": False})
    services.webhook_create(actor=manager, data={"name": "只要严重以上", "kind": "wecom", "url": r.url,
                                                 "min_severity": "critical"})
    alert.severity = "warning"
    alert.save()
    assert [d for d in delivery.deliveries_create(alert) if d.channel == Delivery.WEBHOOK] == []
