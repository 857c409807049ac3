"""Sending alerts: by e-mail (Django mail) and to group-chat robots (WeCom, DingTalk, Feishu, Slack)
in each one's message format, with signing, retries with backoff, and a record per delivery."""

import base64
import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from allies.monitoring.models import (
    SEVERITY_RANK,
    Alert,
    Delivery,
    DeliveryStatus,
    WebhookEndpoint,
    WebhookKind,
)

MAX_ATTEMPTS = 4
TIMEOUT_SECONDS = 10


def backoff_seconds(attempt: int) -> float:
    """Wait before the next attempt: base x 2^(attempt - 1) (30 s, 60 s, 120 s by default)."""
    base = float(getattr(settings, "ALLIES_WEBHOOK_BACKOFF", os.environ.get("ALLIES_WEBHOOK_BACKOFF", 30)))
    return base * 2 ** (attempt - 1)


def alert_emails(alert: Alert) -> list[str]:
    """The owner's address and those in ALLIES_ALERT_EMAILS (comma-separated)."""
    configured = getattr(settings, "ALLIES_ALERT_EMAILS", None) or os.environ.get("ALLIES_ALERT_EMAILS", "")
    if isinstance(configured, str):
        configured = [e.strip() for e in configured.split(",")]
    emails = [e for e in configured if e]
    if alert.owner and alert.owner.email:
        emails.insert(0, alert.owner.email)
    return list(dict.fromkeys(emails))


def alert_url(alert: Alert) -> str:
    base = (getattr(settings, "ALLIES_BASE_URL", "") or os.environ.get("ALLIES_BASE_URL", "")).rstrip("/")
    return base + reverse("monitoring:alert", args=[alert.pk])


def deliveries_create(alert: Alert) -> list[Delivery]:
    """One delivery per e-mail address and per enabled webhook whose minimum severity the alert meets;
    each is sent by a background task after the alert is committed."""
    rows = [(Delivery.EMAIL, None, email) for email in alert_emails(alert)]
    for endpoint in WebhookEndpoint.objects.filter(enabled=True):
        if SEVERITY_RANK[alert.severity] >= SEVERITY_RANK[endpoint.min_severity]:
            rows.append((Delivery.WEBHOOK, endpoint, f"{endpoint.kind}:{endpoint.pk}"))
    created = []
    for channel, endpoint, recipient in rows:
        try:
            with transaction.atomic():
                created.append(Delivery.objects.create(alert=alert, channel=channel, endpoint=endpoint,
                                                       recipient=recipient))
        except IntegrityError:
            continue
    from allies.monitoring.tasks import delivery_send_task

    for delivery in created:
        transaction.on_commit(lambda pk=delivery.pk: delivery_send_task.enqueue(pk))
    return created


# --------------------------------------------------------------------------- message formats


def _lines(alert: Alert) -> tuple[str, str, str, str]:
    from allies.monitoring.watch import describe

    with translation.override(settings.LANGUAGE_CODE):
        title, summary = describe(alert.rule, alert.evidence.get("params", {}))
        severity = alert.get_severity_display()
        alliance = _("联盟：{code} {title}").format(code=alert.agreement.code, title=alert.agreement.title)
    return f"[{severity}] {title}", summary, alliance, alert_url(alert)


def message_body(kind: str, alert: Alert) -> dict:
    """The JSON body each platform expects for a markdown-like message."""
    title, summary, alliance, url = _lines(alert)
    if kind == WebhookKind.WECOM:
        return {"msgtype": "markdown",
                "markdown": {"content": f"### {title}\n> {alliance}\n\n{summary}\n\n[{url}]({url})"}}
    if kind == WebhookKind.DINGTALK:
        return {"msgtype": "markdown",
                "markdown": {"title": title, "text": f"### {title}\n\n{alliance}\n\n{summary}\n\n[{url}]({url})"}}
    if kind == WebhookKind.FEISHU:
        return {"msg_type": "interactive", "card": {
            "header": {"title": {"tag": "plain_text", "content": title},
                       "template": "red" if alert.severity == "critical" else "orange"},
            "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": f"{alliance}\n{summary}"}},
                         {"tag": "action", "actions": [{"tag": "button", "type": "primary", "url": url,
                                                        "text": {"tag": "plain_text", "content": "查看 / View"}}]}]}}
    if kind == WebhookKind.SLACK:
        return {"text": f"{title} — {summary}", "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{alliance}*\n{summary}\n<{url}|View>"}}]}
    raise ValueError(f"unknown webhook kind {kind!r}")


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: sign = base64(HMAC-SHA256(key=secret, msg="<timestamp>\\n<secret>")), url-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={sign}"


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu 签名校验: base64(HMAC-SHA256(key="<timestamp>\\n<secret>", msg=""))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_request(endpoint: WebhookEndpoint, alert: Alert, now: float | None = None) -> tuple[str, bytes]:
    """URL and body to POST, signed where the endpoint has a secret."""
    now = time.time() if now is None else now
    body = message_body(endpoint.kind, alert)
    url = endpoint.url
    if endpoint.secret and endpoint.kind == WebhookKind.DINGTALK:
        url = dingtalk_signed_url(url, endpoint.secret, int(now * 1000))
    elif endpoint.secret and endpoint.kind == WebhookKind.FEISHU:
        body = {"timestamp": str(int(now)), "sign": feishu_sign(endpoint.secret, int(now)), **body}
    return url, json.dumps(body, ensure_ascii=False).encode()


def _accepted(kind: str, status: int, content: bytes) -> tuple[bool, str]:
    """Robots answer 200 with an error code in the body when they refuse a message."""
    if not 200 <= status < 300:
        return False, content[:500].decode("utf-8", "replace")
    if kind == WebhookKind.SLACK:
        return True, ""
    try:
        data = json.loads(content or b"{}")
    except ValueError:
        return True, ""
    code = data.get("errcode", data.get("code", data.get("StatusCode", 0))) if isinstance(data, dict) else 0
    if code not in (0, None):
        return False, str(data.get("errmsg") or data.get("msg") or data)[:500]
    return True, ""


def _post(url: str, body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "allies-watch"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - http(s) only
            return response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(65536) if exc.fp else b""


def delivery_attempt(delivery: Delivery) -> bool:
    """Try once; the attempt, its response code and error are recorded on the delivery."""
    alert = delivery.alert
    code, error, ok = None, "", False
    try:
        if delivery.channel == Delivery.EMAIL:
            title, summary, alliance, url = _lines(alert)
            send_mail(title, f"{alliance}\n\n{summary}\n\n{url}", None, [delivery.recipient], fail_silently=False)
            ok = True
        else:
            endpoint = delivery.endpoint
            url, body = webhook_request(endpoint, alert)
            code, content = _post(url, body)
            ok, error = _accepted(endpoint.kind, code, content)
    except Exception as exc:  # noqa: BLE001 - any network or mail failure is recorded and retried
        error = f"{type(exc).__name__}: {exc}"[:500]
    delivery.attempts += 1
    delivery.response_code = code
    delivery.error = "" if ok else error or _("未知错误")
    delivery.last_attempt_at = timezone.now()
    if ok:
        delivery.status, delivery.sent_at = DeliveryStatus.SENT, timezone.now()
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
    delivery.save(update_fields=["attempts", "response_code", "error", "last_attempt_at", "status", "sent_at"])
    return ok
