"""`graphkb serve`: Oxigraph's read-only SPARQL endpoint and the explorer, queried over HTTP with httpx."""
from __future__ import annotations

import shutil
import socket

import httpx
import pytest
from typer.testing import CliRunner

from graphkb.cli import app
from graphkb.serve import Server, exposure_warning

RESULTS_JSON = "application/sparql-results+json"


def _free_ports(n: int = 2) -> list[int]:
    """n distinct free ports: every socket stays bound until all are picked (one at a time, the OS may
    hand the same port out twice)."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from pathlib import Path

    site = tmp_path_factory.mktemp("site")
    shutil.copy(Path(__file__).parent / "fixtures" / "queries" / "graph.ttl", site / "graph.ttl")
    (site / "graph.html").write_text("<!doctype html><title>图谱</title>", encoding="utf-8")
    port, html_port = _free_ports()
    with Server(str(site / "graph.ttl"), port=port, html_port=html_port, timeout=30) as s:
        yield s


def test_serve_answers_sparql_query_over_http(server):
    r = httpx.get(server.sparql_url, headers={"Accept": RESULTS_JSON},
                  params={"query": 'SELECT ?p WHERE { ?p <https://schema.org/headline> "浅谈马尔可夫链" }'})
    assert r.status_code == 200
    assert [b["p"]["value"] for b in r.json()["results"]["bindings"]] == ["https://blog.example.net/archives/101"]


def test_serve_answers_sparql_query_by_post(server):
    r = httpx.post(server.sparql_url, headers={"Accept": RESULTS_JSON, "Content-Type": "application/sparql-query"},
                   content="ASK { ?c <http://www.w3.org/2004/02/skos/core#altLabel> \"CRF\"@en }")
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_serve_refuses_sparql_update(server):
    update = server.sparql_url.rsplit("/", 1)[0] + "/update"
    r = httpx.post(update, data={"update": "INSERT DATA { <urn:x> <urn:y> <urn:z> }"})
    assert r.status_code == 403
    ask = httpx.get(server.sparql_url, headers={"Accept": RESULTS_JSON}, params={"query": "ASK { <urn:x> ?p ?o }"})
    assert ask.json()["boolean"] is False


def test_serve_refuses_graph_store_writes(server):
    store = server.sparql_url.rsplit("/", 1)[0] + "/store?default"
    r = httpx.post(store, headers={"Content-Type": "text/turtle"}, content="<urn:x> <urn:y> <urn:z> .")
    assert r.status_code == 403


def test_serve_serves_the_html(server):
    r = httpx.get(server.html_url)
    assert r.status_code == 200 and "图谱" in r.text


@pytest.mark.parametrize("path", ["/", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"])
def test_serve_html_server_gives_no_listing_or_escape(server, path):
    r = httpx.get(server.html_url.rsplit("/", 1)[0] + path)
    assert r.status_code == 404


def test_serve_listens_on_loopback_by_default(server):
    assert server.sparql_url.startswith("http://127.0.0.1:")


def test_serve_stop_closes_the_endpoint(tmp_path, fixtures):
    shutil.copy(fixtures / "queries" / "graph.ttl", tmp_path / "graph.ttl")
    port, html_port = _free_ports()
    s = Server(str(tmp_path / "graph.ttl"), port=port, html_port=html_port).start()
    url = s.sparql_url
    s.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, params={"query": "ASK {}"})


@pytest.mark.parametrize("host,warns", [("127.0.0.1", False), ("localhost", False), ("0.0.0.0", True)])
def test_serve_warns_when_exposed(host, warns):
    assert (exposure_warning(host) is not None) is warns


def test_serve_cli_missing_graph_exits_2(tmp_path):
    r = CliRunner().invoke(app, ["serve", "--graph", str(tmp_path / "none.ttl")])
    assert r.exit_code == 2
    assert "graphkb: error: no graph at" in r.output


def test_serve_large_graph_uses_the_query_store(tmp_path, fixtures, monkeypatch):
    """A large graph is served from the on-disk store `graphkb query` keeps (built once, shared by both),
    not loaded anew at every start; stopping the server leaves that store in place."""
    from graphkb import query as q
    from graphkb import querystore

    monkeypatch.setattr(querystore, "PERSIST_MIN_BYTES", 0)
    monkeypatch.delenv("GRAPHKB_CACHE_DIR", raising=False)
    shutil.copy(fixtures / "queries" / "graph.ttl", tmp_path / "graph.ttl")
    port, html_port = _free_ports()
    with Server(str(tmp_path / "graph.ttl"), port=port, html_port=html_port) as s:
        r = httpx.get(s.sparql_url, headers={"Accept": RESULTS_JSON},
                      params={"query": 'ASK { ?c <http://www.w3.org/2004/02/skos/core#altLabel> "CRF"@en }'})
        assert r.json()["boolean"] is True
        stores = sorted(p.name for p in (tmp_path / ".graphkb-cache").iterdir())
        assert len(stores) == 1 and stores[0].startswith("query-store-")
        assert q.run_query(q.load_graph(str(tmp_path / "graph.ttl"), persist=True), "ASK { ?s ?p ?o }").boolean
    assert sorted(p.name for p in (tmp_path / ".graphkb-cache").iterdir()) == stores
