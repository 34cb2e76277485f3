"""Group-chat robots: WeCom (企业微信), DingTalk (钉钉) and Feishu (飞书) text messages.

Formats and signing as their documentation gives them:
- WeCom: POST {"msgtype": "text", "text": {"content": ...}} to the robot's URL (the key is in the URL).
- DingTalk: the same body; with a signing secret, timestamp (ms) and sign = urlencode(base64(HMAC-SHA256(key=secret,
  msg=f"{timestamp}\\n{secret}"))) are added to the URL's query.
- Feishu: POST {"msg_type": "text", "content": {"text": ...}}; with a signing secret the body also carries timestamp
  (seconds) and sign = base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg="")).
Each answers HTTP 200 with an error code in the body when it refuses a message: that code is checked too.
"""

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import quote_plus

from . import DeliveryError
from .content import alert_text
from .http import post_json


def wecom_body(text: str) -> dict:
    return {"msgtype": "text", "text": {"content": text}}


def dingtalk_body(text: str) -> dict:
    return {"msgtype": "text", "text": {"content": text}}


def feishu_body(text: str) -> dict:
    return {"msg_type": "text", "content": {"text": text}}


def dingtalk_url(url: str, secret: str, now: float | None = None) -> str:
    if not secret:
        return url
    timestamp = str(int((now if now is not None else time.time()) * 1000))
    mac = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = quote_plus(base64.b64encode(mac))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def feishu_sign(secret: str, timestamp: str) -> str:
    mac = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def request_for(kind: str, url: str, secret: str, text: str, now: float | None = None) -> tuple[str, dict]:
    """The URL to POST to and the JSON body, for a robot of this kind."""
    if kind == "wecom":
        return url, wecom_body(text)
    if kind == "dingtalk":
        return dingtalk_url(url, secret, now), dingtalk_body(text)
    if kind == "feishu":
        body = feishu_body(text)
        if secret:
            timestamp = str(int(now if now is not None else time.time()))
            body = {"timestamp": timestamp, "sign": feishu_sign(secret, timestamp), **body}
        return url, body
    raise DeliveryError(f"unknown robot kind {kind!r}")


def _check_answer(body: bytes) -> None:
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return
    if not isinstance(answer, dict):
        return
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode", 0)))
    if code not in (0, "0", None):
        message = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage") or ""
        raise DeliveryError(f"robot refused the message: {code} {message}".strip())


def deliver(alert) -> None:
    robot = alert.robot
    url, body = request_for(robot.kind, robot.url, robot.secret, alert_text(alert))
    _status, answer = post_json(url, json.dumps(body, ensure_ascii=False).encode())
    _check_answer(answer)
