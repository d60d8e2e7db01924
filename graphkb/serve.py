"""A local, read-only SPARQL 1.1 Protocol endpoint over the graph, and the HTML explorer beside it.

The endpoint is Oxigraph's own server (the ``oxigraph`` package's ``serve-read-only``) over an
on-disk store loaded from graph.ttl into a temporary folder; SPARQL UPDATE and the graph store
protocol's writes are refused (403).  The output folder (graph.html, graph.ttl ...) is served by
the standard library's ThreadingHTTPServer on the next port, files only, no directory listings.
Both listen on 127.0.0.1 unless told otherwise.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from .errors import GraphKBError, UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def oxigraph_binary() -> str:
    """The ``oxigraph`` command (installed by the oxigraph package, beside this Python or on PATH)."""
    beside = os.path.join(os.path.dirname(sys.executable), "oxigraph")
    found = beside if os.access(beside, os.X_OK) else shutil.which("oxigraph")
    if not found:
        raise GraphKBError("the Oxigraph server is not installed; install it with `pip install oxigraph`")
    return found


def exposure_warning(host: str) -> str | None:
    """A warning when the endpoint would be reachable from other machines."""
    if host in LOCAL_HOSTS:
        return None
    return (f"listening on {host}: anyone who can reach this machine can query the graph "
            "(it stays read-only); use --host 127.0.0.1 to keep it local")


class _FilesOnly(SimpleHTTPRequestHandler):
    """Files of one folder, GET and HEAD only, no directory listings, no access log on stderr."""

    def list_directory(self, path):
        self.send_error(404, "no directory listings")
        return None

    def log_message(self, format, *args):  # the library never prints
        pass


class Server:
    """The SPARQL endpoint and the file server; a context manager that stops both on exit."""

    def __init__(self, graph: str, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 html_port: int | None = None, site_dir: str | None = None, timeout: float | None = None,
                 ready_timeout: float = 60.0):
        if not os.path.isfile(graph):
            raise UsageError(f"no graph at {graph}; run `graphkb build` first or give one with --graph FILE")
        self.graph = os.path.abspath(graph)
        self.host, self.port = host, port
        self.html_port = port + 1 if html_port is None else html_port
        self.site_dir = os.path.abspath(site_dir or os.path.dirname(self.graph))
        self.timeout = timeout
        self.ready_timeout = ready_timeout
        self._tmp: str | None = None
        self._proc: subprocess.Popen | None = None
        self._log = None
        self._httpd: ThreadingHTTPServer | None = None

    def _url(self, port: int) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{port}"

    @property
    def sparql_url(self) -> str:
        return self._url(self.port) + "/query"

    @property
    def html_url(self) -> str:
        return self._url(self.html_port) + "/graph.html"

    def start(self) -> "Server":
        binary = oxigraph_binary()
        self._tmp = tempfile.mkdtemp(prefix="graphkb-serve-")
        try:
            store = self._persisted_store()  # a large graph: the store `graphkb query` keeps, loaded once
            if store is None:
                store = os.path.join(self._tmp, "store")
                loaded = subprocess.run([binary, "load", "--location", store, "--file", self.graph],
                                        capture_output=True, text=True)
                if loaded.returncode != 0:
                    raise GraphKBError(f"Oxigraph could not load {self.graph}: {_last_line(loaded.stderr)}")
            cmd = [binary, "serve-read-only", "--location", store, "--bind", f"{self.host}:{self.port}"]
            if self.timeout:
                cmd += ["--timeout-s", str(max(1, round(self.timeout)))]
            # stderr to a file, not a pipe: a pipe nobody reads can fill up and stall the server
            self._log = open(os.path.join(self._tmp, "server.log"), "w+")
            self._proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self._log)
            handler = functools.partial(_FilesOnly, directory=self.site_dir)
            try:
                self._httpd = ThreadingHTTPServer((self.host, self.html_port), handler)
            except OSError as e:
                raise GraphKBError(f"cannot serve the HTML on {self.host}:{self.html_port}: {e.strerror}; "
                                   "choose another port with --port") from None
            threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _persisted_store(self) -> str | None:
        from .query import graph_format
        from .querystore import persisted_folder

        try:
            return persisted_folder(self.graph, graph_format(self.graph))
        except (SyntaxError, ValueError) as e:
            raise GraphKBError(f"Oxigraph could not load {self.graph}: {e}") from None

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_timeout
        probe = self.sparql_url + "?query=ASK%7B%7D"
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                self._log.seek(0)
                err = self._log.read()
                raise GraphKBError(f"the SPARQL server stopped at start ({self.host}:{self.port}): "
                                   f"{_last_line(err)}; is the port taken? choose another with --port")
            try:
                with urllib.request.urlopen(probe, timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        raise GraphKBError(f"the SPARQL server did not answer within {self.ready_timeout:g} s")

    def wait(self) -> int:
        """Block until the SPARQL server exits (the CLI stops it with Ctrl-C)."""
        return self._proc.wait() if self._proc else 0

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.terminate()
                try:
                    self._proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
            self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    return lines[-1] if lines else "no message"
