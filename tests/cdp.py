"""A headless Chromium driven over the DevTools protocol (CDP), for tests that must click like a person:
real mouse events at a link's place on the screen, so the browser applies its own rules (an iframe's
sandbox, the page's scripts) exactly as for a user. Only what the tests need: open a page, set a cookie,
evaluate JavaScript, wait for a condition, click at a point.

    with Chromium(executable, profile_dir) as browser:
        page = browser.new_page()
        page.set_cookie("_token", token, "http://127.0.0.1:8080")
        page.navigate("http://127.0.0.1:8080/plugin/x")
        page.wait_for("document.readyState === 'complete'")
        page.click(*page.evaluate("[10, 20]"))
"""
from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import time
from pathlib import Path


class CdpError(RuntimeError):
    pass


class Chromium:
    def __init__(self, executable: str, profile_dir: Path, timeout: float = 60.0):
        self.executable, self.profile_dir, self.timeout = executable, Path(profile_dir), timeout
        self.proc: subprocess.Popen | None = None
        self.ws = None
        self._ids = itertools.count(1)
        self.events: list[dict] = []

    def __enter__(self) -> Chromium:
        from websockets.sync.client import connect

        self.profile_dir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [self.executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
             f"--user-data-dir={self.profile_dir}", "--window-size=1600,1000", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            # the browser of an operator in Korea: the UI writes times in the browser's zone
            env=dict(os.environ, TZ="Asia/Seoul"), start_new_session=True)
        deadline = time.monotonic() + self.timeout
        url, seen = None, []
        while url is None and time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line and self.proc.poll() is not None:
                break
            seen.append(line)
            found = re.search(r"DevTools listening on (ws://\S+)", line)
            url = found.group(1) if found else None
        if url is None:
            self.close()
            raise CdpError("Chromium did not open its DevTools endpoint:\n" + "".join(seen[-20:]))
        self.ws = connect(url, max_size=None, open_timeout=self.timeout)
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.ws is not None:
            try:
                self.send("Browser.close")
            except Exception:  # noqa: BLE001 - closing anyway
                pass
            self.ws.close()
            self.ws = None
        if self.proc is not None:
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(10)
            if self.proc.stderr:
                self.proc.stderr.close()
            self.proc = None

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        message_id = next(self._ids)
        message = {"id": message_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            reply = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise CdpError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)
        raise CdpError(f"{method}: no answer in {self.timeout:.0f} s")

    def new_page(self) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        page.send("Page.enable")
        page.send("Runtime.enable")
        return page


class Page:
    def __init__(self, browser: Chromium, session: str):
        self.browser, self.session = browser, session

    def send(self, method: str, params: dict | None = None) -> dict:
        return self.browser.send(method, params, self.session)

    def set_cookie(self, name: str, value: str, url: str) -> None:
        self.send("Network.setCookie", {"name": name, "value": value, "url": url, "path": "/"})

    def navigate(self, url: str) -> None:
        result = self.send("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise CdpError(f"navigating to {url}: {result['errorText']}")

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise CdpError(f"{expression[:200]}: {result['exceptionDetails'].get('exception', {}).get('description')}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60.0, interval: float = 0.25):
        """The value of `expression` once it is truthy; CdpError with the page's text when it never is."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(expression)
            except CdpError:
                value = None  # the document may be between two pages
            if value:
                return value
            if time.monotonic() >= deadline:
                where = self.evaluate("location.href + '\\n' + (document.body ? document.body.innerText : '')")
                raise CdpError(f"waited {timeout:.0f} s for {expression[:300]}; the page is at {str(where)[:1500]}")
            time.sleep(interval)

    def click(self, x: float, y: float) -> None:
        """A left click at (x, y) of the viewport, as a mouse makes it."""
        for kind, extra in (("mouseMoved", {}), ("mousePressed", {"button": "left", "buttons": 1, "clickCount": 1}),
                            ("mouseReleased", {"button": "left", "buttons": 0, "clickCount": 1})):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, **extra})
