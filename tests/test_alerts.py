"""Failure alerts (pipelines.alerts): the JSON a webhook receives, what it never contains, the URLs it
refuses, e-mail through Airflow's SMTP connection, and a real failing `airflow dags test` run posting
to a local HTTP server."""
from __future__ import annotations

import http.server
import json
import socketserver
import threading
from datetime import date

import pytest

from pipelines import airflow_runs, alerts

EMPTY_NIGHT = date(2023, 5, 2)  # after the DAG's start_date; the replay site has no stories that day


class Receiver:
    """An HTTP server on 127.0.0.1 that records every POST."""

    def __init__(self, status: int = 204):
        self.posts: list[dict] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.posts.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


class FakeTI:
    dag_id, run_id, task_id, map_index, try_number, max_tries = "yonhap_nightly", "manual__x", "check", -1, 3, 2


def context(error):
    return {"ti": FakeTI(), "exception": error, "logical_date": date(2023, 5, 11)}


def test_payload_names_the_failure_and_hides_secrets(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t-value-123")
    error = RuntimeError("cannot reach postgresql://wiredesk:hunter22@db:5432/wiredesk with key s3cr3t-value-123")
    payload = alerts.alert_payload(context(error))
    assert payload["dag_id"] == "yonhap_nightly" and payload["run_id"] == "manual__x"
    assert payload["task_id"] == "check" and payload["try"] == 3
    assert payload["error"].startswith("RuntimeError: cannot reach postgresql://wiredesk:***@db:5432")
    text = json.dumps(payload)
    assert "hunter22" not in text and "s3cr3t-value-123" not in text
    assert len(alerts.error_summary("x" * 10_000)) <= alerts.MAX_ERROR_CHARS


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/hook", "gopher://127.0.0.1:70/",
                                 "javascript:alert(1)", "127.0.0.1:9000/hook", "http:///no-host"])
def test_refuses_non_http_webhooks(url, monkeypatch, receiver):
    monkeypatch.setenv("WIREDESK_ALERT_WEBHOOK", url)
    with pytest.raises(alerts.AlertConfigError):
        alerts.webhook_url()
    outcome = alerts.notify_failure(alerts.alert_payload(context(ValueError("x"))))
    assert outcome["webhook"].startswith("refused")
    with pytest.raises(alerts.AlertConfigError):
        alerts.post_webhook(url, {})


def test_webhook_receives_json(monkeypatch, receiver):
    monkeypatch.setenv("WIREDESK_ALERT_WEBHOOK", receiver.url + "/hooks/T000/secret-path")
    monkeypatch.delenv("WIREDESK_ALERT_EMAIL", raising=False)
    alerts.on_failure(context(ValueError("boom")))
    (post,) = receiver.posts
    assert post["path"] == "/hooks/T000/secret-path"
    assert post["headers"]["Content-Type"] == "application/json"
    body = json.loads(post["body"])
    assert body["task_id"] == "check" and body["error"] == "ValueError: boom"


def test_with_nothing_configured_it_only_logs(monkeypatch, caplog):
    monkeypatch.delenv("WIREDESK_ALERT_WEBHOOK", raising=False)
    monkeypatch.delenv("WIREDESK_ALERT_EMAIL", raising=False)
    outcome = alerts.notify_failure(alerts.alert_payload(context(ValueError("boom"))))
    assert list(outcome) == ["log"]
    assert "wiredesk task failed" in caplog.text and "ValueError: boom" in caplog.text


def test_an_unreachable_webhook_never_raises_nor_logs_its_path(monkeypatch, caplog):
    server = Receiver()
    url = server.url
    server.close()  # nothing listens there any more
    monkeypatch.setenv("WIREDESK_ALERT_WEBHOOK", url + "/hooks/secret-path")
    monkeypatch.setenv("WIREDESK_ALERT_TIMEOUT", "2")
    outcome = alerts.notify_failure(alerts.alert_payload(context(ValueError("boom"))))
    assert outcome["webhook"].startswith("failed")
    assert "secret-path" not in caplog.text


class SMTPReceiver(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept one message."""

    messages: list[str] = []

    def handle(self):
        def say(text):
            self.wfile.write(text.encode() + b"\r\n")

        say("220 test")
        in_data, lines = False, []
        for raw in self.rfile:
            line = raw.decode().rstrip("\r\n")
            if in_data:
                if line == ".":
                    in_data = False
                    self.messages.append("\n".join(lines))
                    say("250 queued")
                else:
                    lines.append(line)
                continue
            verb = line.split(" ")[0].upper()
            if verb == "DATA":
                in_data = True
                say("354 go on")
            elif verb == "QUIT":
                say("221 bye")
                return
            else:
                say("250 ok")


def test_email_through_airflow_smtp_connection(monkeypatch):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPReceiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT",
                           f"smtp://127.0.0.1:{port}?from_email=wiredesk%40example.org&disable_tls=true&disable_ssl=true")
        monkeypatch.setenv("WIREDESK_ALERT_EMAIL", "ops@example.org, oncall@example.org")
        monkeypatch.delenv("WIREDESK_ALERT_WEBHOOK", raising=False)
        SMTPReceiver.messages.clear()
        outcome = alerts.notify_failure(alerts.alert_payload(context(ValueError("boom"))))
        assert outcome == {"email": "sent to 2 recipient(s)"}
        (message,) = SMTPReceiver.messages
        assert "Subject: [wiredesk] yonhap_nightly.check failed (try 3, run manual__x)" in message
        assert "To: ops@example.org, oncall@example.org" in message
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_a_failing_dag_run_posts_to_the_webhook(pipeline_env, tmp_path, receiver):
    """A night with zero stories fails the check task of the real DAG; its callback posts the alert."""
    env = airflow_runs.airflow_env(tmp_path / "airflow", {
        "WIREDESK_ALERT_WEBHOOK": receiver.url + "/wiredesk",
        "AIRFLOW_CONN_SECRET_THING": "postgresql://u:pw-never-sent@h/db",
    })
    airflow_runs.ensure_metadata_db(env)
    proc = airflow_runs.dags_test("yonhap_nightly", airflow_runs.logical_date_for_night(EMPTY_NIGHT), env)
    assert proc.returncode != 0  # the run failed
    (post,) = receiver.posts  # one alert: the check fails without retries, nothing else failed
    body = json.loads(post["body"])
    assert body["dag_id"] == "yonhap_nightly" and body["task_id"] == "check" and body["try"] == 1
    assert body["run_id"].startswith("manual__")
    assert "zero stories" in body["error"]
    assert body["night"] == f"night {EMPTY_NIGHT} (KST)" and body["night"] in body["error"]  # named alike
    raw = post["body"].decode()
    for secret in (pipeline_env["AWS_SECRET_ACCESS_KEY"], "pw-never-sent", pipeline_env["database_url"]):
        assert secret not in raw
